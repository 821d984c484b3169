"""The documents of a penalty's execution (PRODUCT §4), declared for the platform's documents service
(enforcement/documents/registry.py, autodiscovered like cases/documents.py). The paper is Chinese whatever the
issuer's language: its words here are the paper's own, not translated.

- 催告书 (行政强制法 Art. 35, 54): on an execution whose fine is late and still owed; its figures (the surcharge
  of 行政处罚法 Art. 72 to the day of issue) are frozen in the document. Once it is served, the 10 working days
  before the court may be applied to run (services.note_demand_served).
- 查封（扣押）决定书 and 物品清单 (行政强制法 Art. 24): on a seizure while it is held.
- 限期拆除公告 (行政强制法 Art. 44): on an order to demolish once its public notice is recorded, with the
  notice's deadline for the party to demolish the structure himself.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents import PAPERS_READ_BY, chinese_count, day_of, party_context, yuan, yuan_in_capitals
from cases.permissions import sees_id_numbers
from enforcement.catalog.params import get_int
from enforcement.documents.registry import DocumentSpec, Field, Step, register
from enforcement.workdays import calendar

from .choices import HANDLERS, DemolitionStatus, ExecutionStatus, ItemKind, SeizureKind, SeizureStatus

ISSUERS = HANDLERS  # the unit's officers and squad leaders

SEIZURE_WORDS = {SeizureKind.SEIZE: "扣押", SeizureKind.SEAL: "查封"}
ITEM_WORDS = {ItemKind.VEHICLE: "车辆", ItemKind.GOODS: "物品", ItemKind.EQUIPMENT: "工具设备"}


def _rate_words(rate_bp):
    """The daily surcharge as a paper writes it: 300 basis points → 百分之三."""
    if rate_bp % 100 == 0:
        return "百分之" + chinese_count(rate_bp // 100)
    return f"{rate_bp / 100:g}%"


# --- the demand to pay --------------------------------------------------------------------------------------
def _late_and_owed(execution, today=None):
    """行政强制法 Art. 54: a demand is made once the time to pay has passed and something is still owed."""
    today = today or timezone.localdate()
    return (
        execution.status == ExecutionStatus.AWAITING
        and today > execution.due_on
        and execution.money(today)["owed"] > 0
    )


def demand_context(execution):
    today = timezone.localdate()
    money = execution.money(today)
    case = execution.case
    return {
        **party_context(case),
        "case_number": case.number,
        "decision_number": execution.decision_number,
        "served_on": day_of(execution.served_on),
        "due_on": day_of(execution.due_on),
        "fine": yuan(money["fine"]),
        "fine_capitals": yuan_in_capitals(yuan(money["fine"])),
        "paid": yuan(money["paid"]),
        "fine_outstanding": yuan(money["fine_outstanding"]),
        "surcharge": yuan(money["surcharge"]),
        "surcharge_paid": yuan(money["surcharge_paid"]),
        "owed": yuan(money["owed"]),
        "owed_capitals": yuan_in_capitals(yuan(money["owed"])),
        "late_days": money["late_days"],
        "as_of": day_of(today),
        "rate": _rate_words(execution.rate_bp),
        "payment_code": execution.payment_code,
        "demand_period": chinese_count(get_int("court_enforcement_wait_working_days")) + "个工作日",
    }


def _demand_served(execution, service):
    """The demand's proof of service is recorded: the 10 working days of Art. 54 run from it."""
    from .models import Execution
    from .services import note_demand_served

    locked = Execution.objects.select_for_update().select_related("case").get(pk=execution.pk)
    note_demand_served(locked)
    locked.save(
        update_fields=[
            "demand_due_at",
            "court_due_at",
            "court_window_opens_on",
            "court_window_closes_on",
            "updated_at",
        ]
    )


DEMAND_TO_PAY = register(
    DocumentSpec(
        type="demand_to_pay",
        model="penalties.Execution",
        step=Step(
            _late_and_owed,
            _(
                "A demand to pay is issued once the time to pay the fine has passed while something is still "
                "owed (Administrative Coercion Law, Art. 54)."
            ),
        ),
        fields=(
            Field("party_name", _("party")),
            Field("party_address", _("party's address"), required=False),
            Field("decision_number", _("penalty decision")),
            Field("served_on", _("decision served on")),
            Field("fine", _("fine (yuan)")),
            Field("paid", _("paid (yuan)")),
            Field("surcharge", _("surcharge to date (yuan)")),
            Field("owed", _("total owed (yuan)")),
        ),
        context=demand_context,
        template="penalties/documents/demand_to_pay.html",
        roles=ISSUERS,
        once=True,
        may_read=sees_id_numbers,
        read_message=PAPERS_READ_BY,
        served=_demand_served,
    )
)


# --- the seizure's papers -----------------------------------------------------------------------------------
def _held(seizure):
    return seizure.status == SeizureStatus.HELD


def _items_text(seizure):
    return "\n".join(
        f"{index}. {ITEM_WORDS.get(item.kind, item.kind)}：{item.description} × {item.quantity}"
        for index, item in enumerate(seizure.items.all(), start=1)
    )


def seizure_context(seizure):
    case = seizure.case
    return {
        **party_context(case),
        "case_number": case.number,
        "category": case.category.name,
        "facts": case.facts,
        # 城管's own regulation that the act breaks and that allows the measure: the case's, else its category's.
        "regulation": case.legal_basis or case.category.legal_basis,
        "measure": SEIZURE_WORDS.get(seizure.kind, seizure.kind),
        "custody_place": seizure.custody_place,
        "seized_on": day_of(seizure.seized_on),
        "limit_on": day_of(seizure.limit_on),
        "period": chinese_count(get_int("seizure_max_days")) + "日",
        "extension_period": chinese_count(get_int("seizure_extension_days")) + "日",
        "reconsideration_period": chinese_count(get_int("reconsideration_days")) + "日",
        "litigation_period": chinese_count(get_int("litigation_months")) + "个月",
        "items": _items_text(seizure),
    }


HELD_STEP = Step(
    _held,
    _(
        "The papers of a seizure or sealing are issued while the items are held (Administrative Coercion Law, "
        "Art. 24)."
    ),
)
SEIZURE_FIELDS = (
    Field("party_name", _("party")),
    Field("case_number", _("case number")),
    Field("custody_place", _("custody place")),
    Field("seized_on", _("seized on")),
    Field("limit_on", _("held until")),
)


def seizure_document(doc_type, fields):
    return register(
        DocumentSpec(
            type=doc_type,
            model="penalties.Seizure",
            step=HELD_STEP,
            fields=fields,
            context=seizure_context,
            template=f"penalties/documents/{doc_type}.html",
            roles=ISSUERS,
            once=True,
            may_read=sees_id_numbers,
            read_message=PAPERS_READ_BY,
        )
    )


SEIZURE_DECISION = seizure_document("seizure_decision", SEIZURE_FIELDS)
SEIZURE_LIST = seizure_document("seizure_list", (*SEIZURE_FIELDS, Field("items", _("seized items"))))


# --- the order to demolish's public notice --------------------------------------------------------------------
def _noticed(demolition):
    return demolition.status == DemolitionStatus.NOTICED


def demolition_notice_context(demolition):
    """The notice is posted on site (张贴): the party as the public may read it (publication.redacted_party:
    an individual's surname and 某, never the ID number, the address or the phone)."""
    from .publication import redacted_party

    case = demolition.case
    shown = redacted_party(case.party)
    return {
        "party_name": shown["name"],
        "party_credit_code": shown["identity"],
        "case_number": case.number,
        "category": case.category.name,
        "place": case.address,  # where the structure stands, as the case records it
        "decision_number": demolition.decision_number,
        "served_on": day_of(calendar.local_date(case.served_at)) if case.served_at else "",
        "area": f"{demolition.area_ordered:.2f}",
        "deadline_on": day_of(demolition.deadline_on),
        "notice_on": day_of(demolition.notice_on),
        "notice_deadline_on": day_of(demolition.notice_deadline_on),
        "reconsideration_period": chinese_count(get_int("reconsideration_days")) + "日",
        "litigation_period": chinese_count(get_int("litigation_months")) + "个月",
    }


DEMOLITION_NOTICE = register(
    DocumentSpec(
        type="demolition_notice",
        model="penalties.Demolition",
        step=Step(
            _noticed,
            _(
                "The public notice to demolish is issued once the notice and its deadline are recorded on the "
                "order, while the structure still stands (Administrative Coercion Law, Art. 44)."
            ),
        ),
        fields=(
            Field("party_name", _("party")),
            Field("decision_number", _("penalty decision")),
            Field("place", _("place of the structure"), required=False),
            Field("area", _("area to demolish (m²)")),
            Field("notice_deadline_on", _("deadline of the public notice")),
        ),
        context=demolition_notice_context,
        template="penalties/documents/demolition_notice.html",
        roles=ISSUERS,
        once=True,
        may_read=sees_id_numbers,
        read_message=PAPERS_READ_BY,
    )
)
