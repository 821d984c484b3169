"""What a case tells other apps, inside the transaction of the step (so what they write commits or rolls
back with it)."""

from django.dispatch import Signal

# A decided fine became payable: the decision was served (or decided on the spot and not paid in cash).
# Sent with `case` (saved or about to be, with served_at and fine_decided set) and `by`; the penalties app
# opens the fine's collection (Art. 67).
fine_payable = Signal()
