"""What a case tells other apps, inside the transaction of the step (so what they write commits or rolls
back with it)."""

from django.dispatch import Signal

# A decided fine became payable: the decision was served (or decided on the spot and not paid in cash).
# Sent with `case` (saved or about to be, with served_at and fine_decided set) and `by`; the penalties app
# opens the fine's collection (Art. 67).
fine_payable = Signal()

# A general-procedure decision was served (Art. 61): sent with `case` (served_at set) and `by`, whatever the
# penalty; the penalties app opens what the decision orders besides a fine (an order to demolish).
decision_served = Signal()
