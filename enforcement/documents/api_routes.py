"""The documents' part of /api/v1/ (collected by enforcement/api.py from every installed app)."""

from .api import DocumentViewSet, NumberingPatternViewSet

ROUTES = [
    ("documents", DocumentViewSet, "document"),
    ("numbering-patterns", NumberingPatternViewSet, "numberingpattern"),
]
