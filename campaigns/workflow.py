"""The campaign's and the rectification item's workflows on the platform's engine: the tables
(choices.py) and the inputs their actions take, declared once for the pages' forms and the API."""

from django.utils.translation import gettext_lazy as _

from enforcement.workflow.core import Workflow
from enforcement.workflow.inputs import Choice, Custom, Text
from penalties.workflow import date_api_field, date_form_field

from .choices import CAMPAIGN_TRANSITIONS, ITEM_TRANSITIONS, EscalationProcedure, RecheckResult

CAMPAIGN_WORKFLOW = Workflow(
    "campaigns.Campaign",
    CAMPAIGN_TRANSITIONS,
    inputs={
        "note": Text(_("Note")),
        "reason": Text(_("Reason")),
        "summary": Text(_("Summary: what was done and achieved"), max_length=20000, rows=8),
    },
    steps={
        "plan_campaign": _("Campaign planned"),
        "update_campaign": _("Campaign changed"),
        "register_item": _("Rectification item recorded"),
    },
)

ITEM_WORKFLOW = Workflow(
    "campaigns.RectificationItem",
    ITEM_TRANSITIONS,
    inputs={
        "note": Text(_("Note")),
        "deadline_on": Custom(date_form_field(_("Rectify by")), date_api_field),
        "requirement": Text(_("What the party must do"), max_length=4000, rows=3),
        "result": Choice(_("Result of the re-check"), RecheckResult.choices),
        "rechecked_on": Custom(date_form_field(_("Re-checked on")), date_api_field),
        "procedure": Choice(_("Procedure of the case"), EscalationProcedure.choices),
    },
    lock_related=("campaign",),
    steps={"register_item": _("Rectification item recorded"), "identify_item": _("Party recorded")},
)
# A field log's step, as its events read on the campaign's timeline (a log has no transitions).
FIELD_LOG_STEPS = Workflow("campaigns.FieldLog", {}, steps={"log_field_work": _("Field work logged")})
