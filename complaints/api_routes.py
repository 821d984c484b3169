"""The complaints' part of /api/v1/ (collected by enforcement/api.py from every installed app)."""

from .api.views import ComplaintViewSet, DeadlinePolicyViewSet

ROUTES = [
    ("complaints", ComplaintViewSet, "complaint"),
    ("complaint-deadline-policies", DeadlinePolicyViewSet, "complaintdeadlinepolicy"),
]
