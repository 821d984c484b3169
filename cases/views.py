"""The browser pages of cases: the list, the on-the-spot decision (one phone screen), a lead, the case page
with its approval chain, evidence, action forms, documents and timeline, and the party register.

Every page reads cases through `Case.objects.visible_to(request.user)` (out of scope → 404) and every change
goes through the same service function as the API (cases/services.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import Complaint
from enforcement.catalog.cached import category_groups
from enforcement.catalog.models import ViolationCategory
from enforcement.documents.choices import DocumentStatus
from enforcement.documents.models import Document
from enforcement.files.views import serve_attachment, too_large, upload_view
from enforcement.filters import filter_list, query_without
from enforcement.keyset import paginate
from enforcement.org.cached import units_for
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.forms import action_forms
from enforcement.workflow.views import add_errors, submit_action

from . import services
from .choices import CaseStatus, PenaltyStage, Procedure
from .filtersets import ORDERINGS, CaseFilterSet
from .forms import EvidenceForm, LeadForm, OnTheSpotForm, PartyRefused, PartySearchForm
from .models import Case, CaseEvidence, Party, attach_people
from .permissions import id_number_for, identifier_for, party_standing
from .workflow import WORKFLOW

PAGE_SIZE = 25
PARTY_PAGE_SIZE = 50
LOOKUP_SIZE = 10
# Who opens a case from a complaint (the services also let a legal reviewer register one).
OPENER_ROLES = ("officer", "squad_leader", "bureau_head")
ON_THE_SPOT_DECISION = "on_the_spot_decision"
ENDED = frozenset(
    {CaseStatus.NOT_FILED, CaseStatus.ARCHIVED, CaseStatus.TRANSFERRED, CaseStatus.REVOKED}
)  # no evidence is added (services.add_evidence)


def _case_for(request, pk, *, detail=False):
    """Through the one scoping rule: out of scope reads as missing (404)."""
    cases = Case.objects.visible_to(request.user)
    if not detail:
        return get_object_or_404(cases, pk=pk)
    return attach_people(get_object_or_404(cases.for_detail(), pk=pk))


def can_open_cases(user):
    return user.has_role(*services.REGISTER_ROLES)


# --- list ----------------------------------------------------------------------------------------------
@login_required
def case_list(request):
    base = Case.objects.visible_to(request.user).for_list_rows()
    filterset, queryset = filter_list(CaseFilterSet, request, base)
    ordering_key = ORDERINGS.key_for(request.GET.get("ordering"))
    searching = bool((request.GET.get("q") or "").strip())
    try:
        page = paginate(
            queryset,
            ORDERINGS.get(ordering_key),
            cursor=request.GET.get("cursor"),
            page_size=PAGE_SIZE,
            count=not searching,  # a search stops at its page: it is not counted
        )
    except ValidationError:
        return redirect(f"{reverse('cases:list')}?{query_without(request.GET, 'cursor')}")
    form = filterset.form
    for name in ("q", "registered_from", "registered_to"):
        form.fields[name].widget.attrs["class"] = "form-control"
    for name in ("procedure", "due"):
        form.fields[name].widget.attrs["class"] = "form-select"
    more = any(
        request.GET.get(name) for name in ("category", "unit", "source", "registered_from", "registered_to")
    )
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "rows": page.rows,
            "page": page,
            "orderings": ORDERINGS.labels(),
            "ordering": ordering_key,
            "selected_status": request.GET.getlist("status"),
            "category_groups": category_groups(),
            "units": units_for(request.user),
            "more_filters_open": more,
            "first_query": query_without(request.GET, "cursor"),
            "can_open": can_open_cases(request.user),
        },
    )


@login_required
def case_export(request):
    """The filtered list as CSV (cases/exports.py: ID numbers masked, formula-like cells neutralised)."""
    from .exports import export_cases, too_many

    _filterset, queryset = filter_list(
        CaseFilterSet, request, Case.objects.visible_to(request.user).for_list()
    )
    refusal = too_many(queryset)
    if refusal:
        messages.error(request, refusal)
        return redirect(f"{reverse('cases:list')}?{request.GET.urlencode()}")
    return export_cases(queryset, request.user)


# --- opening a case --------------------------------------------------------------------------------------
def _category_options(simple_only):
    """[(group label, [(category, legal basis, penalty basis)])] for the category picker: the active
    categories (on the spot: those the simple procedure may be used in, Art. 51), under their major one."""
    categories = ViolationCategory.objects.active().select_related("parent").order_by("sort_order", "code")
    if simple_only:
        categories = categories.filter(simple_procedure_allowed=True)
    groups = {}
    for category in categories:
        major = category.parent or category
        groups.setdefault(major.pk, (f"{major.code} {major.display_name}", []))[1].append(category)
    return list(groups.values())


def _complaint_from(request, value):
    """The complaint a case comes from, read through the complaints' scope; None when not given."""
    if value in (None, ""):
        return None
    try:
        return Complaint.objects.visible_to(request.user).select_related("category").get(pk=int(value))
    except (Complaint.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _initial_from_complaint(complaint):
    if complaint is None:
        return {}
    return {
        "complaint": complaint.pk,
        "category": complaint.category_id,
        "address": complaint.address,
        "lat": complaint.lat,
        "lng": complaint.lng,
        "facts": complaint.description,
        "legal_basis": complaint.category.legal_basis,
        "penalty_basis": complaint.category.penalty_basis,
    }


def _open_page(request, form_class, template, open_case, *, simple_only):
    """The on-the-spot and the lead page: the form, the party (found or new) and the service, in one
    transaction (a refused case registers no party); a refusal is shown on the form with what was typed."""
    if not can_open_cases(request.user):
        raise PermissionDenied
    complaint = _complaint_from(request, request.GET.get("complaint"))
    form = form_class(request.POST or None, initial=_initial_from_complaint(complaint))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = _complaint_from(request, data.get("complaint"))
            with transaction.atomic():
                party = form.party_for(request.user)
                case = open_case(data, party, complaint)
        except PartyRefused:
            pass
        except ValidationError as exc:
            add_errors(form, exc)
        except (PermissionDenied, TransitionNotAllowed) as exc:
            form.add_error(None, str(getattr(exc, "message", None) or exc))
        else:
            return case
    return render(
        request,
        template,
        {
            "form": form,
            "complaint": complaint,
            "category_options": _category_options(simple_only),
            "selected_party": _selected_party(form),
            "lookup_url": reverse("cases:party-lookup"),
            "map_tile_url": settings.MAP_TILE_URL,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _selected_party(form):
    """The party picked from the register, to show again when the form comes back with an error."""
    value = form["party"].value()
    if value in (None, ""):
        return None
    try:
        return Party.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _place(data):
    return {"address": data["address"], "lat": data.get("lat"), "lng": data.get("lng")}


@login_required
def on_the_spot(request):
    """当场处罚: party, category, place, facts, basis, penalty; the numbered decision is issued at once."""

    def decide(data, party, complaint):
        return services.decide_on_the_spot(
            by=request.user,
            party=party,
            category=data["category"],
            facts=data["facts"],
            act_date=data["act_date"],
            penalty_kinds=data["penalty_kinds"],
            fine=data.get("fine"),
            correction_order=data["correction_order"],
            paid_on_spot=data.get("paid_on_spot", False),
            receipt_no=data.get("receipt_no", ""),
            legal_basis=data.get("legal_basis", ""),
            penalty_basis=data.get("penalty_basis", ""),
            complaint=complaint,
            **_place(data),
        )

    result = _open_page(request, OnTheSpotForm, "cases/on_the_spot.html", decide, simple_only=True)
    if not isinstance(result, Case):
        return result
    decision = _decision_document(result)
    if decision is not None:
        messages.success(
            request,
            _("Case %(number)s decided on the spot. Decision %(document)s issued: print it for the party.")
            % {"number": result.number, "document": decision.number},
        )
    else:
        messages.success(request, _("Case %(number)s decided on the spot.") % {"number": result.number})
    return redirect(result)


@login_required
def lead_create(request):
    """A lead (线索) of the general procedure; a supervisor then decides whether to file it (立案)."""

    def open_lead(data, party, complaint):
        return services.open_lead(
            by=request.user,
            party=party,
            category=data["category"],
            facts=data["facts"],
            act_date=data["act_date"],
            act_continuing=data.get("act_continuing", False),
            harms_safety=data.get("harms_safety", False),
            is_complex=data.get("is_complex", False),
            major_public_interest=data.get("major_public_interest", False),
            legal_basis=data.get("legal_basis", ""),
            penalty_basis=data.get("penalty_basis", ""),
            complaint=complaint,
            **_place(data),
        )

    result = _open_page(request, LeadForm, "cases/lead.html", open_lead, simple_only=False)
    if not isinstance(result, Case):
        return result
    messages.success(
        request,
        _("Lead %(number)s registered. Propose its filing once the facts are checked.")
        % {"number": result.number},
    )
    return redirect(result)


# --- the case page -------------------------------------------------------------------------------------------
def _decision_document(case):
    """The on-the-spot decision in force (the last correction of it), or None."""
    return (
        Document.objects.of(case)
        .filter(doc_type=ON_THE_SPOT_DECISION, status=DocumentStatus.ISSUED)
        .only("pk", "number", "status")
        .order_by("-issued_at", "-id")
        .first()
    )


def _detail_context(request, case, *, bound=None, evidence_form=None):
    user = request.user
    approvals = sorted(case.approvals.all(), key=lambda a: (a.requested_at, a.pk))
    # Art. 33: whether the party offended before is the city's count (the cases stay in their units).
    earlier = (
        Case.objects.filter(
            party_id=case.party_id, registered_at__lt=case.registered_at, decided_at__isnull=False
        )
        .exclude(pk=case.pk)
        .count()
    )
    return {
        "case": case,
        "party_identifier": identifier_for(case.party, user, full=True),  # the user sees the case
        "earlier_cases": earlier,
        "action_forms": action_forms(WORKFLOW, case, user, bound=bound),
        "approvals": approvals,
        "notified_penalties": case.penalties_at(PenaltyStage.NOTIFIED),
        "decided_penalties": case.penalties_at(PenaltyStage.DECIDED),
        "evidence": sorted(case.evidence.all(), key=lambda e: (e.uploaded_at, e.pk)),
        "evidence_form": evidence_form or EvidenceForm(),
        "can_add_evidence": user.has_role(*services.EVIDENCE_ROLES) and case.status not in ENDED,
        "decision_document": _decision_document(case) if case.procedure == Procedure.SIMPLE else None,
        "execution": getattr(case, "execution", None),  # the fine's collection (penalties), if any
    }


@login_required
def case_detail(request, pk):
    case = _case_for(request, pk, detail=True)
    return render(request, "cases/detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_action(request, pk, slug):
    if slug not in WORKFLOW.transitions:
        raise Http404
    case = _case_for(request, pk, detail=True)
    done, form, status = submit_action(request, WORKFLOW, case, slug)
    if done is not None:
        return redirect(done)
    if status == 409:  # the state moved on: show it as it is now
        case = _case_for(request, pk, detail=True)
    context = _detail_context(request, case, bound=form)
    context["failed_action"] = slug
    return render(request, "cases/detail.html", context, status=status)


@login_required
@upload_view
@require_POST
def evidence_upload(request, pk):
    case = _case_for(request, pk, detail=True)
    refused = too_large(request)
    if refused:
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                case,
                data["file"],
                by=request.user,
                evidence_type=data["evidence_type"],
                description=data["description"],
                **form.capture(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except TransitionNotAllowed as exc:  # ended meanwhile: the page no longer offers the form
            messages.error(request, exc.message)
            return render(request, "cases/detail.html", _detail_context(request, case), status=409)
        else:
            messages.success(request, _("Evidence added."))
            return redirect(case)
    context = _detail_context(request, case, evidence_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required
def evidence_download(request, pk, evidence_id):
    case = _case_for(request, pk)
    return serve_attachment(request, get_object_or_404(CaseEvidence, case=case, pk=evidence_id))


# --- parties --------------------------------------------------------------------------------------------------
def _may_search_parties(user):
    return user.has_role(*services.REGISTER_ROLES, "intake")


@login_required
def party_list(request):
    if not _may_search_parties(request.user):
        raise PermissionDenied
    form = PartySearchForm(request.GET or None)
    parties = []
    if form.is_valid() and form.cleaned_data["q"]:
        parties = [
            (party, party.identifier)  # a list masks: the full number only on the party's own page
            for party in Party.objects.visible_to(request.user)
            .search(form.cleaned_data["q"])
            .order_by("name", "id")[:PARTY_PAGE_SIZE]
        ]
    return render(
        request,
        "cases/party_list.html",
        {"form": form, "parties": parties, "searched": form.is_bound, "limit": PARTY_PAGE_SIZE},
    )


@login_required
def party_detail(request, pk):
    if not _may_search_parties(request.user):
        raise PermissionDenied
    party = get_object_or_404(Party.objects.visible_to(request.user), pk=pk)
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(party=party)
        .for_list()
        .order_by("-registered_at", "-id")[:PARTY_PAGE_SIZE]
    )
    standing = party_standing(party, request.user)
    identifier = identifier_for(party, request.user, full=standing.full)
    return render(
        request,
        "cases/party_detail.html",
        {
            "party": party,
            "identifier": identifier,
            "masked": not party.is_organisation and id_number_for(party, request.user, full=standing.full)[1],
            "cases": cases,
            "limit": PARTY_PAGE_SIZE,
            "earlier_citywide": standing.earlier_citywide,
            "earlier_in_scope": standing.earlier_in_scope,
        },
    )


@login_required
def party_lookup(request):
    """The case forms' party search: JSON of the first matches, identifiers masked (the officer who typed the
    number knows it; a name search must not reveal anyone's)."""
    if not _may_search_parties(request.user):
        raise PermissionDenied
    term = (request.GET.get("q") or "").strip()
    if len(term) < 2:
        return JsonResponse({"results": []})
    parties = Party.objects.visible_to(request.user).search(term).order_by("name", "id")[:LOOKUP_SIZE]
    return JsonResponse(
        {
            "results": [
                {
                    "id": party.pk,
                    "name": party.name,
                    "party_type": party.party_type,
                    "party_type_label": party.get_party_type_display(),
                    "identifier": party.identifier,
                    "address": party.address,
                    "url": party.get_absolute_url(),
                }
                for party in parties
            ]
        }
    )
