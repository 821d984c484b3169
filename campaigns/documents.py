"""The campaigns' paper (PRODUCT §6, §7): 责令限期整改通知书, issued on a rectification item with its
deadline, numbered per unit and year. Its words are the paper's own (Chinese whatever the issuer's
language). Issued by `services.issue_notice` in the step's transaction; reprinted from the item's page."""

from django.utils.translation import gettext_lazy as _

from cases.documents import PAPERS_READ_BY, day_of, party_values
from cases.permissions import sees_id_numbers
from enforcement.documents.registry import DocumentSpec, Field, Step, register

from .choices import HANDLERS, ItemStatus


def _noticed(item):
    return item.status == ItemStatus.NOTICED and item.deadline_on is not None


def notice_context(item):
    if item.party_id:
        party = party_values(item.party)
    else:
        party = {
            "party_name": item.party_name or "",
            "party_identity_label": "身份证号码",
            "party_identity": "",
        }
        party.update({"party_representative": "", "party_address": "", "party_phone": ""})
    category = item.category
    return {
        **party,
        "campaign": item.campaign.name,
        "place": item.address,
        "found_on": day_of(item.found_on),
        "found": item.description,
        "regulation": category.legal_basis if category else "",
        "requirement": item.requirement,
        "deadline": day_of(item.deadline_on),
    }


RECTIFICATION_NOTICE = register(
    DocumentSpec(
        type="rectification_notice",
        model="campaigns.RectificationItem",
        step=Step(
            _noticed,
            _(
                "The rectification notice is issued with its deadline, once, when the item's notice step is taken."
            ),
        ),
        fields=(
            Field("party_name", _("party"), required=False),
            Field("place", _("place")),
            Field("found", _("what was found")),
            Field("requirement", _("what must be done")),
            Field("deadline", _("rectify by")),
        ),
        context=notice_context,
        template="campaigns/documents/rectification_notice.html",
        roles=HANDLERS,
        once=True,
        may_read=sees_id_numbers,
        read_message=PAPERS_READ_BY,
    )
)
