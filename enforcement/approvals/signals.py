"""Sent after an approval is requested or decided and the transaction has committed, for side effects
such as event notices ("an approval waiting for you", "your request was decided"). Receivers get `sender`
(the approval model), `kind` (its slug), `approval_id`, `subject_id`, `actor_id` and `event_id` (the
approval's audit event of the request or the decision: one per step, so a key for doing something exactly
once per step, as with workflow.signals.transitioned) — plus `decision` for a decision — and reload what
they need."""

from django.dispatch import Signal

approval_requested = Signal()
approval_decided = Signal()
