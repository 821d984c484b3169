from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enforcement.workdays.package import package_note
from enforcement.workdays.services import load_from_package


class Command(BaseCommand):
    help = (
        "(Re)loads holidays and make-up working days from the calendar package. Days entered by hand "
        "are kept unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="A year to load (repeatable); default all."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also drop days entered by hand: the year becomes the package's list.",
        )

    def handle(self, *args, year=None, replace=False, **options):
        try:
            results = load_from_package(year, replace=replace)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for r in results:
            self.stdout.write(f"{r.year}: {r.created} created, {r.updated} updated, {r.deleted} deleted")
        self.stdout.write(self.style.SUCCESS(f"{len(results)} year(s) loaded from {package_note()}."))
