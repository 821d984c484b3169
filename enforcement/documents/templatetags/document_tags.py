"""`{% record_documents record %}`: the "Documents" card of any record's page (a complaint, later a case):
its documents with their status and service, each correction under the original it replaces, and a button
per type the user may issue now."""

from django import template
from django.contrib.contenttypes.models import ContentType

from .. import services
from ..choices import DocumentStatus
from ..permissions import service_of
from ..registry import specs_for
from ..types import type_name

register = template.Library()

STATUS_STYLES = {
    DocumentStatus.ISSUED: "text-bg-success",
    DocumentStatus.CORRECTED: "text-bg-warning",
    DocumentStatus.VOIDED: "text-bg-secondary",
}


def chains(documents):
    """The documents as chains, newest first: each in force or void document, then the ones it corrects,
    each the one before (a corrected document always sits under its correction)."""
    by_id = {doc.pk: doc for doc in documents}
    heads = [
        doc for doc in documents if doc.status != DocumentStatus.CORRECTED or not _corrected_here(doc, by_id)
    ]
    result = []
    for head in heads:
        earlier, seen, current = [], {head.pk}, head
        while current.replaces_id and current.replaces_id in by_id and current.replaces_id not in seen:
            current = by_id[current.replaces_id]
            seen.add(current.pk)
            earlier.append(current)
        result.append({"document": head, "earlier": earlier})
    return result


def _corrected_here(doc, by_id):
    return any(other.replaces_id == doc.pk for other in by_id.values())


@register.filter
def document_status_class(document):
    return STATUS_STYLES.get(document.status, "text-bg-light")


@register.filter
def is_served(document):
    return service_of(document) is not None


register.filter("document_type_name", type_name)


@register.inclusion_tag("documents/_record_documents.html", takes_context=True)
def record_documents(context, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    has_specs = bool(specs_for(type(record)))
    documents = list(services.documents_of(record).defer("values")) if has_specs else []
    issuable, held_back = services.issue_options(record, user) if has_specs and user is not None else ([], [])
    return {
        "record": record,
        "chains": chains(documents),
        "issuable": issuable,
        "held_back": held_back,
        "has_specs": has_specs,
        "content_type_id": ContentType.objects.get_for_model(record).pk,
        "csrf_token": context.get("csrf_token"),
    }
