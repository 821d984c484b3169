"""The browser pages of documents (执法文书): issuing from a record's page, the document's page with its
frozen paper, the print view and the PDF, corrections, voiding and proof of service, the list, and the
numbering patterns. Every page reads through `Document.objects.visible_to(user)` (out of scope → 404) and
every change goes through services.py, as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from enforcement.audit.services import record_create, record_update, snapshot
from enforcement.files.downloads import stored_file_response
from enforcement.org.models import OrgUnit
from enforcement.replicas import replica_reads
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.views import add_errors

from . import services
from .api import HTML_CSP
from .forms import DocumentFilterForm, NumberingPatternForm, ReasonForm, ServiceForm
from .models import DEFAULT_PATTERN, DEFAULT_SERIAL_DIGITS, Document, DocumentFrozen, NumberingPattern
from .numbering import example_number
from .permissions import (
    allowed_acts,
    correction_of,
    may_manage_numbering,
    may_read,
    may_set_pattern,
    service_of,
)
from .registry import record_models, spec_for
from .types import TYPES

PAGE_SIZE = 25


def _document_for(request, pk):
    """Through the one scoping rule: a document whose record is out of scope reads as missing (404)."""
    queryset = Document.objects.visible_to(request.user).select_related(
        "content_type", "unit", "issued_by", "voided_by", "replaces", "correction", "service__recorded_by"
    )
    return get_object_or_404(queryset, pk=pk)


def _check_reader(document, user):
    if not may_read(document, user):
        raise PermissionDenied(str(document.spec.read_message))


# --- issuing ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def issue(request, content_type_id, object_id, doc_type):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or model not in record_models() or spec_for(model, doc_type) is None:
        raise Http404
    record = get_object_or_404(model._default_manager.visible_to(request.user), pk=object_id)
    try:
        document = services.issue_document(record, doc_type, by=request.user)
    except TransitionNotAllowed as exc:  # the wrong step, a second one, a field missing: say it
        messages.error(request, exc.message)
        return redirect(record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(record)
    messages.success(
        request,
        _("Issued %(document)s No. %(number)s.")
        % {"document": TYPES[doc_type].name, "number": document.number},
    )
    return redirect(document)


# --- the document ------------------------------------------------------------------------------------------
def _detail_context(request, document, *, service_form=None, correct_form=None, void_form=None):
    user = request.user
    spec = document.spec
    readable = may_read(document, user)
    service = service_of(document)
    acts = allowed_acts(document, user)
    can_correct, can_void, can_serve = ("correct" in acts), ("void" in acts), ("serve" in acts)
    return {
        "document": document,
        "record": document.record,
        "readable": readable,
        "read_message": spec.read_message if spec and not readable else "",
        "type_name": TYPES[document.doc_type].name,
        "service": service,
        "correction": correction_of(document),
        "replaces": document.replaces,
        "can_correct": can_correct,
        "can_void": can_void,
        "can_serve": can_serve,
        "service_form": service_form or (ServiceForm() if can_serve else None),
        "correct_form": correct_form or ReasonForm(prefix="correct"),
        "void_form": void_form or ReasonForm(prefix="void", initial={"version": document.version}),
    }


@login_required
def detail(request, pk):
    document = _document_for(request, pk)
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
@xframe_options_sameorigin  # the document page shows it in an <iframe>
def print_view(request, pk):
    """The frozen HTML, as it was issued: never rendered again."""
    document = _document_for(request, pk)
    _check_reader(document, request.user)
    response = HttpResponse(document.html.encode("utf-8"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    # Its own policy (enforcement/security.py keeps it): the inlined style, nothing else; framed by its page.
    response["Content-Security-Policy"] = f"{HTML_CSP}; frame-ancestors 'self'"
    return response


@login_required
def pdf(request, pk):
    document = _document_for(request, pk)
    _check_reader(document, request.user)
    document = services.ensure_pdf(document.pk)
    # Streamed, or a redirect to a short-lived signed URL of the object store; named by its number, with an
    # ASCII name for old clients.
    return stored_file_response(
        request,
        document.pdf,
        filename=f"{document.number}.pdf",
        ascii_name=f"document-{document.pk}.pdf",
        content_type="application/pdf",
        inline=False,
    )


def _act(request, document, act, success):
    """Runs a service act on the document; its refusal becomes a message on the document's page."""
    try:
        result = act()
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except StaleEdit:
        messages.error(request, str(StaleEdit.message))
    except DocumentFrozen:
        messages.error(request, str(DocumentFrozen.message))
    else:
        messages.success(request, success(result))
        return redirect(result if isinstance(result, Document) else document)
    return redirect(document)


@login_required
@require_POST
def correct(request, pk):
    document = _document_for(request, pk)
    form = ReasonForm(request.POST, prefix="correct")
    form.is_valid()
    return _act(
        request,
        document,
        lambda: services.correct_document(document, by=request.user, reason=form.cleaned_data.get("reason")),
        lambda new: (
            _("Correction %(number)s issued; %(original)s is marked corrected.")
            % {"number": new.number, "original": document.number}
        ),
    )


@login_required
@require_POST
def void(request, pk):
    document = _document_for(request, pk)
    form = ReasonForm(request.POST, prefix="void")
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return _act(
        request,
        document,
        lambda: services.void_document(
            document, by=request.user, reason=data.get("reason"), version=data.get("version")
        ),
        lambda voided: _("%(number)s is void. Its number is not given again.") % {"number": voided.number},
    )


@login_required
@require_POST
def serve(request, pk):
    document = _document_for(request, pk)
    form = ServiceForm(request.POST)
    if form.is_valid():
        try:
            services.record_service(document, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect(document)
        else:
            messages.success(request, _("Service of %(number)s recorded.") % {"number": document.number})
            return redirect(document)
    context = _detail_context(request, document, service_form=form)
    return render(request, "documents/detail.html", context, status=400)


# --- the list ----------------------------------------------------------------------------------------------
@login_required
@replica_reads
def document_list(request):
    form = DocumentFilterForm(request.GET or None, user=request.user)
    queryset = (
        Document.objects.visible_to(request.user).select_related("unit", "issued_by").defer("html", "values")
    )
    queryset = queryset.prefetch_related("record")  # one query per kind of record on the page
    if request.GET:
        queryset = form.filter(queryset)
    queryset = queryset.order_by("-issued_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "documents/list.html", {"form": form, "page_obj": page, "documents": page.object_list}
    )


# --- numbering patterns ------------------------------------------------------------------------------------
def _example_unit_name(user):
    unit = services.numbering_unit(user.unit) if user.unit_id else None
    return (
        unit.name
        if unit
        else (OrgUnit.objects.filter(parent__isnull=True).values_list("name", flat=True).first() or "")
    )


@login_required
def numbering_list(request):
    if not may_manage_numbering(request.user):
        raise PermissionDenied(_("Only an administrator sets the numbering patterns."))
    user = request.user
    patterns = NumberingPattern.objects.visible_to(user).select_related("unit")
    own_unit = _example_unit_name(user)
    rows = [
        {
            "pattern": row,
            "type_name": TYPES[row.doc_type].name if row.doc_type else "",
            "example": example_number(
                row.pattern,
                digits=row.serial_digits,
                unit_name=row.unit.name if row.unit else own_unit,
                doc_type=row.doc_type,
            ),
            "can_edit": may_set_pattern(user, row.unit),
        }
        for row in patterns.order_by("unit__path", "doc_type")
    ]
    return render(
        request,
        "documents/numbering_list.html",
        {
            "rows": rows,
            "default_pattern": DEFAULT_PATTERN,
            "default_example": example_number(
                DEFAULT_PATTERN, digits=DEFAULT_SERIAL_DIGITS, unit_name=own_unit
            ),
        },
    )


@login_required
def numbering_edit(request, pk=None):
    user = request.user
    if not may_manage_numbering(user):
        raise PermissionDenied(_("Only an administrator sets the numbering patterns."))
    pattern = get_object_or_404(NumberingPattern.objects.select_related("unit"), pk=pk) if pk else None
    if pattern is not None and not may_set_pattern(user, pattern.unit):
        if pattern.unit_id is None:
            raise PermissionDenied(_("Only a city administrator changes the city's default numbering."))
        raise Http404
    form = NumberingPatternForm(request.POST or None, instance=pattern, user=user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if pattern is None:
                saved = form.save()
                record_create(saved, actor=user)
            else:
                before = snapshot(NumberingPattern.objects.select_for_update().get(pk=pattern.pk))
                saved = form.save()
                record_update(saved, before, actor=user)
        messages.success(request, _("Numbering pattern saved."))
        return redirect("documents:numbering")
    example = ""
    if form.is_bound and form.is_valid() or not form.is_bound and pattern is not None:
        data = (
            form.cleaned_data
            if form.is_bound
            else {
                "pattern": pattern.pattern,
                "unit": pattern.unit,
                "serial_digits": pattern.serial_digits,
                "doc_type": pattern.doc_type,
            }
        )
        unit = data.get("unit")
        example = example_number(
            data["pattern"],
            digits=data["serial_digits"],
            unit_name=unit.name if unit else _example_unit_name(user),
            doc_type=data.get("doc_type") or "",
        )
    return render(
        request,
        "documents/numbering_form.html",
        {"form": form, "object": pattern, "example": example},
        status=400 if form.errors else 200,
    )
