"""`manage.py revoke_tokens <username>` revokes that user's API tokens (enforcement/org/tokens.py), every device's
or, with `--device <name>`, one; `--expired` deletes every user's expired tokens (they already sign nobody in).
A revoked key stops working at once; the user signs in again for a new one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enforcement.org.models import User
from enforcement.org.tokens import ApiToken, revoke


class Command(BaseCommand):
    help = "Revoke a user's API tokens (all devices, or --device), or delete every expired token (--expired)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the user whose API tokens to revoke")
        parser.add_argument("--device", help="only the token of this device")
        parser.add_argument("--expired", action="store_true", help="delete every user's expired tokens")

    def handle(self, *args, username=None, device=None, expired=False, **options):
        if not username and not expired:
            raise CommandError(_("Name a username, or give --expired to delete the expired tokens."))
        if expired:
            count, _deleted = ApiToken.objects.expired().delete()
            self.stdout.write(_("Expired API tokens deleted: %(count)d.") % {"count": count})
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("There is no user %(username)s.") % {"username": username})
            tokens = user.api_tokens.all()
            if device is not None:
                tokens = tokens.filter(device=device)
            count = revoke(tokens)  # each on the user's timeline
            self.stdout.write(
                _("API tokens of %(username)s revoked: %(count)d.") % {"username": username, "count": count}
            )
