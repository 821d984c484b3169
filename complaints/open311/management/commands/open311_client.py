"""Manage Open311 clients from the shell:

    manage.py open311_client create "12345 hotline" --channel hotline_12345 --unit city
    manage.py open311_client list
    manage.py open311_client rotate "12345 hotline"
    manage.py open311_client deactivate "12345 hotline"

`create` and `rotate` print the API key: it is shown this once; only its SHA-256 is stored."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from complaints.choices import Channel
from enforcement.audit.context import audit_source
from enforcement.org.models import OrgUnit

from ... import services
from ...models import Open311Client


class Command(BaseCommand):
    help = "Create, list, rotate the key of, or deactivate an Open311 client platform."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a platform and print its API key")
        create.add_argument("name")
        create.add_argument("--channel", default=Channel.HOTLINE_12345, choices=Channel.values)
        create.add_argument("--unit", required=True, help="code of the unit that receives its complaints")
        sub.add_parser("list", help="list the platforms")
        for action, text in (
            ("rotate", "issue a new API key and print it"),
            ("deactivate", "refuse its key"),
        ):
            sub.add_parser(action, help=text).add_argument("name")

    def handle(self, *args, action, **options):
        with audit_source("system"):
            getattr(self, f"_{action}")(**options)

    def _client(self, name):
        client = Open311Client.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No Open311 client named {name!r}.")
        return client

    def _create(self, name, channel, unit, **options):
        found = OrgUnit.objects.filter(code=unit, is_active=True).first()
        if found is None:
            raise CommandError(f"No active unit with code {unit!r}.")
        try:
            client, key = services.create_client(name=name, unit=found, channel=channel)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created Open311 client {client.name!r} (channel {client.channel}, unit {found.code})."
        )
        self.stdout.write("API key (shown once, store it now):")
        self.stdout.write(key)

    def _list(self, **options):
        for client in Open311Client.objects.select_related("unit"):
            state = "active" if client.is_active else "inactive"
            self.stdout.write(
                f"{client.name}\t{client.channel}\t{client.unit.code}\t{client.key_prefix}…\t{state}"
            )

    def _rotate(self, name, **options):
        key = services.rotate_key(self._client(name))
        self.stdout.write("New API key (shown once, store it now; the old one no longer works):")
        self.stdout.write(key)

    def _deactivate(self, name, **options):
        services.update_client(self._client(name), is_active=False)
        self.stdout.write(f"Deactivated {name!r}: its key is refused from now on.")
