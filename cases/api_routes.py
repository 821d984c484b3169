"""The cases' part of /api/v1/ (collected by enforcement/api.py from every installed app)."""

from .api.views import CaseViewSet, PartyViewSet

ROUTES = [
    ("cases", CaseViewSet, "case"),
    ("parties", PartyViewSet, "party"),
]
