"""Sent after a complaint change is committed (registration or any workflow action), for side effects
such as notifications: receivers get `complaint_id`, `action` (the table's slug or "register") and
`actor_id`, and reload what they need."""

from django.dispatch import Signal

complaint_changed = Signal()
