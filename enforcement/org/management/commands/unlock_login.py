"""`manage.py unlock_login <username>` lifts a username's login lock; `--address <ip>` lifts the block of a
network address (an IPv6 address's /64 network). Audited like the admin action (enforcement/org/auth.py);
`--by <username>` names who asked for it on the audit trail."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enforcement.audit.context import audit_source
from enforcement.audit.models import AuditSource
from enforcement.org.auth import counted_address, unlock_address, unlock_username
from enforcement.org.models import User


class Command(BaseCommand):
    help = "Lift the login lock of a username, or the block of a network address (--address)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the username whose login lock to lift")
        parser.add_argument("--address", help="a network address whose block to lift")
        parser.add_argument("--by", help="the username of the administrator asking for it (audit trail)")

    def handle(self, *args, username=None, address=None, by=None, **options):
        if not username and not address:
            raise CommandError(_("Name a username, or a network address with --address."))
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(_("There is no user %(username)s.") % {"username": by})
        if address and counted_address(address) is None:
            raise CommandError(_("%(address)s is not a network address.") % {"address": address})
        with audit_source(AuditSource.SYSTEM):
            if username:
                if unlock_username(username, by=actor):
                    self.stdout.write(_("The login of %(username)s is unlocked.") % {"username": username})
                else:
                    self.stdout.write(
                        _("%(username)s has no failed logins: nothing to unlock.") % {"username": username}
                    )
            if address:
                if unlock_address(address, by=actor):
                    self.stdout.write(
                        _("The network address %(address)s may log in again.")
                        % {"address": counted_address(address)}
                    )
                else:
                    self.stdout.write(
                        _("The network address %(address)s is not blocked: its failed logins are forgotten.")
                        % {"address": counted_address(address)}
                    )
