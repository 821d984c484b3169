"""Complaints and categories as GeoReport v2 JSON. Nobody reads back the complainant's identity (举报人保密:
name, phone, e-mail) nor the bureau's internal notes: status notes are the texts written for the
complainant (the reply once sent, the reason for a rejection, the closing note of an on-the-spot fix).
Anyone may read the public part of a request (`public_request_json`: status, service, dates, place, status
notes); the client that filed it also reads what it sent (description, media URL)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import ACCEPT_LIVE, OPEN_STATUSES, REPLY_LIVE, VISIT_LIVE, ComplaintStatus


def w3c(moment):
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def service_json(category):
    parent = category.parent if category.parent_id else None
    return {
        "service_code": category.code,
        "service_name": category.display_name,
        "description": category.legal_basis,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": (parent or category).display_name,
    }


def service_definition_json(category):
    return {"service_code": category.code, "attributes": []}


def public_status_notes(complaint):
    """What anyone may read without a key: the status in words. The clerk's own texts (the reply, the
    reason for a rejection, a closing note) often address the complainant by name (举报人保密), so only
    the client that filed the request reads them (`status_notes`)."""
    if complaint.status == ComplaintStatus.MERGED:
        return _("Merged with another request about the same matter, which is handled there.")
    return str(complaint.get_status_display())


def status_notes(complaint):
    status = complaint.status
    if status == ComplaintStatus.REJECTED:
        return complaint.reject_reason
    if status == ComplaintStatus.MERGED:
        return _("Merged with another request about the same matter, which is handled there.")
    if complaint.on_the_spot and complaint.closure_note:
        return complaint.closure_note
    if (
        status in (ComplaintStatus.REPLIED, ComplaintStatus.VISITED, ComplaintStatus.CLOSED)
        and complaint.reply_text
    ):
        return complaint.reply_text
    return str(complaint.get_status_display())


def service_notice(complaint):
    """What comes next and by when (the live due moment)."""
    if complaint.due_at is None:
        return ""
    moment = timezone.localtime(complaint.due_at).strftime("%Y-%m-%d %H:%M")
    if complaint.status in ACCEPT_LIVE:
        return _("To be accepted or declined by %(moment)s.") % {"moment": moment}
    if complaint.status in REPLY_LIVE:
        return _("To be answered by %(moment)s.") % {"moment": moment}
    if complaint.status in VISIT_LIVE:
        return _("Follow-up call due by %(moment)s.") % {"moment": moment}
    return ""


def public_request_json(complaint):
    """One service request as anyone may read it, without a key. Not the description: the complainant's own
    words may name them. Expects `category` and `unit` loaded with the complaint."""
    return {
        "service_request_id": complaint.number,
        "status": "open" if complaint.status in OPEN_STATUSES else "closed",
        "status_notes": public_status_notes(complaint),
        "service_name": complaint.category.display_name,
        "service_code": complaint.category.code,
        "agency_responsible": complaint.unit.display_name,
        "service_notice": service_notice(complaint),
        "requested_datetime": w3c(complaint.received_at),
        "updated_datetime": w3c(complaint.updated_at),
        "expected_datetime": w3c(complaint.due_at),
        "address": complaint.address,
        "address_id": "",
        "zipcode": "",
        "lat": None if complaint.lat is None else float(complaint.lat),
        "long": None if complaint.lng is None else float(complaint.lng),
    }


def request_json(complaint):
    """One service request as the client that filed it reads it. Expects `open311_request` loaded too."""
    return {
        **public_request_json(complaint),
        "status_notes": status_notes(complaint),
        "description": complaint.description,
        "media_url": complaint.open311_request.media_url,
    }
