"""Compensation: what a shop gives for an incident, decided by its policy within its caps.

The decision is a pure function of the policy and the facts the caller gathers;
executing it (coupons, refunds through the platforms) happens elsewhere, once.
"""
