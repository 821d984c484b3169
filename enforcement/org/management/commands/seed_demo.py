"""`manage.py seed_demo`: loads the demo city — org units, grids, users, the violation catalogue —
then whatever later apps add. Safe to run again: it restores the same rows and creates no duplicates."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from enforcement.audit.context import audit_source
from enforcement.catalog import demo as catalog_demo
from enforcement.org import demo as org_demo
from enforcement.org.choices import Role

# The one password of every demo login (README: Demo logins).
DEMO_PASSWORD = "Demo-2026!"

# Later seeders, run after the org units and the catalogue: dotted paths of modules with a `seed()`
# function, e.g. "complaints.demo".
EXTRA_SEEDERS = [
    "complaints.demo",
    "complaints.demo_reminders",
    "cases.demo",
    "penalties.demo",
    "campaigns.demo",
    "enforcement.stats.demo",  # last: this year's history imported, both years' statistics computed
]


class Command(BaseCommand):
    help = "Creates (or restores) the demo city: org units, grids, users with every role, the violation catalogue."

    def handle(self, *args, **options):
        with audit_source("system"), transaction.atomic():
            logins = org_demo.seed(DEMO_PASSWORD)
            categories = catalog_demo.seed()
            for path in EXTRA_SEEDERS:
                import_string(f"{path}.seed")()
        self.stdout.write(
            self.style.SUCCESS(f"Demo city ready: {len(logins)} logins, {categories} violation categories.")
        )
        self.print_logins(logins)

    def print_logins(self, logins):
        labels = dict(Role.choices)
        rows = [("login", "name", "role", "unit")] + [
            (login.user.username, login.user.full_name, str(labels[login.role]), login.user.unit.name)
            for login in logins
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(f"\nPassword for every demo login: {DEMO_PASSWORD}")


def _width(text):
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
