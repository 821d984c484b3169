"""The catalogue of enforcement documents (执法文书, PRODUCT §6): every type the bureau numbers, named once.

A type here is what an administrator sets a numbering pattern for and what a list filters by; an app makes
a type issuable by declaring, in its `documents.py`, the record it belongs to, the step at which it may be
issued, the fields it carries and its template (registry.DocumentSpec). Types the later issues will use
(cases, penalties, campaigns) are listed already, so every numbering pattern is set up in one place.

`word` is the type word in the number (e.g. 罚 in 禅城城管罚〔2026〕00123号). It is part of the document,
which is Chinese whatever the reader's language, so it is not translated.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentType:
    slug: str
    name: Promise | str  # in the reader's language: 受理告知书 / Acceptance notice
    word: str  # 受, 罚, …: the default pattern's type word
    paper_name: str  # the title printed on the paper, always Chinese


TYPES = {
    t.slug: t
    for t in [
        # Complaints and petitions (issue 10).
        DocumentType("acceptance_notice", _("Acceptance notice"), "受", "受理告知书"),
        DocumentType("refusal_notice", _("Notice of refusal to accept"), "不受", "不予受理告知书"),
        DocumentType("reply_letter", _("Reply letter"), "答", "答复意见书"),
        DocumentType("work_order", _("Work order"), "交", "交办单"),
        # Cases (PRODUCT §3, §5).
        DocumentType("on_the_spot_decision", _("On-the-spot penalty decision"), "当罚", "当场行政处罚决定书"),
        DocumentType("correction_order", _("Order to correct"), "改", "责令改正通知书"),
        DocumentType("filing_approval", _("Case filing approval form"), "立", "立案审批表"),
        DocumentType("inquiry_record", _("Inquiry record"), "询", "询问笔录"),
        DocumentType("inspection_record", _("Site inspection record"), "勘", "现场检查（勘验）笔录"),
        DocumentType("advance_notice", _("Advance notice of penalty"), "告", "行政处罚事先告知书"),
        DocumentType("hearing_notice", _("Hearing notice"), "听通", "听证通知书"),
        DocumentType("hearing_record", _("Hearing record"), "听记", "听证笔录"),
        DocumentType("penalty_decision", _("Penalty decision"), "罚", "行政处罚决定书"),
        DocumentType("proof_of_service", _("Proof of service"), "送", "送达回证"),
        DocumentType("closing_report", _("Case closing report"), "结", "结案报告"),
        # Penalties and their execution (PRODUCT §4).
        DocumentType("demand_to_pay", _("Demand to pay"), "催", "催告书"),
        DocumentType("seizure_decision", _("Seizure decision"), "扣", "查封（扣押）决定书"),
        DocumentType("seizure_list", _("Seizure list"), "扣清", "查封（扣押）物品清单"),
        DocumentType("demolition_notice", _("Public notice to demolish"), "拆告", "限期拆除公告"),
        # Campaigns (PRODUCT §7).
        DocumentType("rectification_notice", _("Rectification notice"), "整", "责令限期整改通知书"),
    ]
}


def type_choices():
    return [(slug, t.name) for slug, t in TYPES.items()]


def type_name(slug):
    found = TYPES.get(slug)
    return found.name if found is not None else slug
