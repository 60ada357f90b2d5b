"""Returned lines: every return and refund of goods, kept with why, for reports and alerts."""

RETURN = "return"
REFUND = "refund"
WHOLE = "*"  # the line key of a record whose lines the platform did not name
