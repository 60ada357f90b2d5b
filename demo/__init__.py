"""The demo: Amends beside two sandbox stores and a mailbox, living through two weeks."""
