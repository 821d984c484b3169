"""Sent after a workflow step is committed, for side effects such as event notices. Receivers get
`sender` (the model class), `instance_id`, `action` (the table's slug), `from_status`, `to_status` and
`actor_id`, and `event_id` (the step's audit event: one per step, so a key for doing something exactly
once per step), and reload what they need."""

from django.dispatch import Signal

transitioned = Signal()
