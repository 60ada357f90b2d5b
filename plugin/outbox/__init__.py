"""The outbox: side effects decided inside a transaction, carried out after it commits.

A row is written in the same transaction as the decision that calls for it (an
incident opens: tell the customer; a service target is missed: tell the merchant),
under an idempotency key derived from the incident and the action, so a decision
taken twice stores one row. The worker then carries each row out
(plugin.outbox.runner) and records the result on it.

queued -> sending -> sent, or back to queued (retried with backoff), or failed
(parked after the last attempt, or at once when retrying cannot help).
"""

QUEUED = "queued"
SENDING = "sending"  # a worker has it; if the worker dies, due again when its lease ends
SENT = "sent"
FAILED = "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)

EMAIL = "email"  # to the customer
MERCHANT_EMAIL = "merchant_email"  # an alert to the merchant, through the same mail server
# What an alert to the merchant is about: a missed service target (the default), or
# one SKU's returns for one reason spiking (its words are written when it is decided).
DEFECT_SPIKE = "defect_spike"
COMPENSATION = "compensation"  # a coupon, refund or note on the store (plugin.compensation)
KINDS = (EMAIL, MERCHANT_EMAIL, COMPENSATION)
