"""Managing Open311 clients (keys, service accounts) and filing a complaint for one. Filing goes through
`complaints.services.register_complaint`, so an Open311 complaint gets its number, due moments, grid and
audit event exactly like one typed in at the intake desk."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from complaints import services as complaint_services
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event, record_update, snapshot
from enforcement.org.choices import Role
from enforcement.org.models import User

from .models import Open311Client, Open311Request

AUDITED_FIELDS = ["name", "channel", "unit", "account", "key_prefix", "is_active"]  # never the key's hash


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(client):
    key = secrets.token_urlsafe(32)
    client.key_hash = hash_key(key)
    client.key_prefix = key[:8]
    client.key_issued_at = timezone.now()
    return key


def _account_username(name):
    base = "open311." + (slugify(name) or "client")
    username, n = base[:140], 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base[:140]}-{n}"
    return username


def _sync_account(client):
    """The service account mirrors the client: its unit, its name; never able to sign in."""
    account = client.account
    account.full_name = f"{client.name} (Open311)"[:100]
    account.unit = client.unit
    account.is_active = False
    account.save(update_fields=["full_name", "unit", "is_active"])


def create_client(*, name, unit, channel, by=None):
    """Creates the client with its service account; returns (client, key). The key is not stored."""
    with transaction.atomic():
        account = User(username=_account_username(name), is_active=False)
        account.set_unusable_password()
        account.save()
        account.set_roles([Role.INTAKE])  # may register complaints from any channel (complaints.permissions)
        client = Open311Client(name=name, unit=unit, channel=channel, account=account)
        key = _new_key(client)
        client.full_clean(exclude=["account"])
        client.save()
        _sync_account(client)
        record_event(client, AuditAction.CREATE, actor=by, after=snapshot(client, AUDITED_FIELDS))
    return client, key


def update_client(client, *, by=None, **changes):
    """Edits name, channel, unit or is_active; the service account follows."""
    with transaction.atomic():
        before = snapshot(client, AUDITED_FIELDS)
        for name, value in changes.items():
            setattr(client, name, value)
        client.full_clean(exclude=["account"])
        client.save()
        _sync_account(client)
        record_update(client, before, actor=by, after=snapshot(client, AUDITED_FIELDS))
    return client


def rotate_key(client, *, by=None):
    """Issues a new key (the old one stops working at once); returns it."""
    with transaction.atomic():
        old_prefix = client.key_prefix
        key = _new_key(client)
        client.save(update_fields=["key_hash", "key_prefix", "key_issued_at"])
        record_event(
            client,
            AuditAction.UPDATE,
            actor=by,
            verb="rotate_key",
            before={"key_prefix": old_prefix},
            after={"key_prefix": client.key_prefix},
        )
    return key


def authenticate(key):
    """The active client holding `key`, or None."""
    if not key:
        return None
    return (
        Open311Client.objects.select_related("unit", "account")
        .filter(key_hash=hash_key(key), is_active=True)
        .first()
    )


def file_request(
    client,
    *,
    category,
    description,
    address,
    lat=None,
    lng=None,
    complainant_name="",
    complainant_phone="",
    complainant_email="",
    media_url="",
    device_id="",
):
    """Registers the complaint for `client` (its channel, its unit, by its service account) and remembers
    that the client filed it, with what GeoReport v2 sends besides (kept as given; the media URL is a
    reference, never fetched). Raises what `register_complaint` raises (ValidationError, PermissionDenied)."""
    with transaction.atomic():
        complaint = complaint_services.register_complaint(
            by=client.account,
            channel=client.channel,
            category=category,
            description=description,
            address=address,
            lat=lat,
            lng=lng,
            complainant_name=complainant_name,
            complainant_phone=complainant_phone,
            is_anonymous=not (complainant_name or complainant_phone),
            unit=client.unit,
        )
        Open311Request.objects.create(
            client=client,
            complaint=complaint,
            media_url=media_url,
            device_id=device_id,
            complainant_email=complainant_email,
        )
    return complaint
