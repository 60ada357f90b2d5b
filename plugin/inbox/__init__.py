"""The webhook inbox: deliveries stored durably, then processed exactly once."""

PENDING = "pending"
DONE = "done"
IGNORED = "ignored"
FAILED = "failed"
STATUSES = (PENDING, DONE, IGNORED, FAILED)
