"""The penalties' part of /api/v1/ (collected by enforcement/api.py from every installed app)."""

from .api.views import (
    DemolitionViewSet,
    ExecutionViewSet,
    ReviewViewSet,
    SeizureViewSet,
    StatementImportViewSet,
)

ROUTES = [
    ("penalties", ExecutionViewSet, "execution"),
    ("reviews", ReviewViewSet, "review"),
    ("seizures", SeizureViewSet, "seizure"),
    ("demolitions", DemolitionViewSet, "demolition"),
    ("payments/imports", StatementImportViewSet, "statementimport"),
]
