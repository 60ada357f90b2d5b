"""The order snapshot: the latest known state of each order, per shop."""
