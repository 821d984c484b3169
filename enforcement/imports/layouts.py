"""The documented column layouts of the history import, one per kind, declared once as data: the upload
page's table, the API's `/api/v1/imports/layouts/`, the downloadable CSV template and the header check all
read them.

A file's first row names its columns, in Chinese or in English (either header of each column, in any
order; a trailing "*" is ignored). A missing required column, an unknown or a repeated one refuses the
whole file; otherwise every line is checked on its own: good lines import, bad lines are listed with their
line number and column (第12行「受理时间」：不是日期) and import nothing.
"""

from dataclasses import dataclass

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import ImportKind


class Format:
    """How a cell is read (services.CONVERTERS has one converter per format)."""

    TEXT = "text"
    DATETIME = "datetime"
    DATE = "date"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    MONEY = "money"
    CHOICE = "choice"  # a value of the field's choices: its slug, or its Chinese or English label
    UNIT = "unit"  # an org unit by code or name, in the importing user's scope
    CATEGORY = "category"  # a violation category by code or name


FORMAT_HELP = {
    Format.TEXT: _("Text"),
    Format.DATETIME: _("Date and time: 2024-03-05 14:30 (or 2024/3/5 14:30:00, or a date alone at 00:00)"),
    Format.DATE: _("Date: 2024-03-05 (or 2024/3/5)"),
    Format.BOOLEAN: _("是/否, Y/N, 1/0 or true/false; empty is no"),
    Format.INTEGER: _("A whole number, 0 or more"),
    Format.MONEY: _("An amount in yuan, 0 or more: 200 or 1500.50"),
    Format.CHOICE: _("One of the listed values, as its code or its name"),
    Format.UNIT: _("An org unit's code or name, in your scope"),
    Format.CATEGORY: _("A violation category's code or name"),
}


@dataclass(frozen=True)
class Column:
    key: str  # the model field it fills (or a name of the layout's own, e.g. a party's fields)
    zh: str  # the two headers a file may use: they are the file format, not translations
    en: str
    label: str  # as messages and pages name it, in the reader's language
    format: str = Format.TEXT
    required: bool = False
    example: str = ""
    max_length: int | None = None
    choices: tuple = ()  # (slug, label) pairs for Format.CHOICE
    note: str = ""

    @property
    def format_help(self):
        return FORMAT_HELP[self.format]

    @property
    def header(self):
        return self.zh if (get_language() or "zh").startswith("zh") else self.en

    def as_dict(self):
        return {
            "key": self.key,
            "header_zh": self.zh,
            "header_en": self.en,
            "label": str(self.label),
            "required": self.required,
            "format": self.format,
            "format_help": str(self.format_help),
            "choices": [{"value": v, "label": str(label)} for v, label in self.choices],
            "example": self.example,
            "note": str(self.note),
        }


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: tuple

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    @property
    def label(self):
        return ImportKind(self.kind).label

    @property
    def template_name(self):
        return f"{self.kind}-template.csv"


def _complaints():
    from complaints.choices import Channel, ComplaintStatus, Satisfaction

    imported_statuses = tuple((s.value, s.label) for s in (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED))
    return Layout(
        ImportKind.COMPLAINTS,
        (
            Column(
                "external_ref",
                "外部编号",
                "External reference",
                _("external reference"),
                required=True,
                example="OLD-2023-000123",
                max_length=64,
                note=_("The old system's number: a line whose reference was imported already is skipped."),
            ),
            Column(
                "number",
                "投诉编号",
                "Number",
                _("number"),
                example="TS202303050001",
                max_length=24,
                note=_("Empty: HX followed by the external reference."),
            ),
            Column(
                "received_at",
                "登记时间",
                "Received at",
                _("received at"),
                Format.DATETIME,
                True,
                "2023-03-05 09:12",
            ),
            Column(
                "channel",
                "来源渠道",
                "Channel",
                _("channel"),
                Format.CHOICE,
                True,
                "12345热线",
                choices=tuple(Channel.choices),
            ),
            Column("category", "类别", "Category", _("category"), Format.CATEGORY, True, "占道经营"),
            Column(
                "unit", "责任单位", "Responsible unit", _("responsible unit"), Format.UNIT, True, "甲区一中队"
            ),
            Column(
                "address",
                "地址",
                "Address",
                _("address"),
                required=True,
                example="中山路12号",
                max_length=255,
            ),
            Column(
                "description", "描述", "Description", _("description"), required=True, example="门前占道经营"
            ),
            Column(
                "status",
                "状态",
                "Status",
                _("status"),
                Format.CHOICE,
                True,
                "办结",
                choices=imported_statuses,
                note=_("History only: closed or rejected complaints."),
            ),
            Column(
                "complainant_name",
                "投诉人姓名",
                "Complainant's name",
                _("complainant's name"),
                max_length=100,
            ),
            Column(
                "complainant_phone",
                "投诉人电话",
                "Complainant's phone",
                _("complainant's phone"),
                max_length=32,
            ),
            Column("accept_due_at", "受理期限", "Accept by", _("accept by"), Format.DATETIME),
            Column(
                "accepted_at",
                "受理时间",
                "Accepted at",
                _("accepted at"),
                Format.DATETIME,
                example="2023-03-05 10:00",
            ),
            Column(
                "reply_due_at",
                "答复期限",
                "Reply by",
                _("reply by"),
                Format.DATETIME,
                example="2023-03-12 17:30",
            ),
            Column(
                "replied_at",
                "答复时间",
                "Replied at",
                _("replied at"),
                Format.DATETIME,
                example="2023-03-08 16:00",
            ),
            Column("reply_text", "答复内容", "Reply", _("reply")),
            Column("reject_reason", "不予受理理由", "Reason for rejection", _("reason for rejection")),
            Column("visited_at", "回访时间", "Visited at", _("visited at"), Format.DATETIME),
            Column(
                "satisfaction",
                "满意度",
                "Satisfaction",
                _("satisfaction"),
                Format.CHOICE,
                example="满意",
                choices=tuple(Satisfaction.choices),
            ),
            Column(
                "closed_at",
                "办结时间",
                "Closed at",
                _("closed at"),
                Format.DATETIME,
                True,
                "2023-03-09 09:00",
            ),
            Column(
                "on_the_spot",
                "当场整改",
                "Fixed on the spot",
                _("fixed on the spot"),
                Format.BOOLEAN,
                example="否",
            ),
            Column(
                "reopen_count",
                "重新办理次数",
                "Times reopened",
                _("times reopened"),
                Format.INTEGER,
                example="0",
            ),
        ),
    )


def _cases():
    from cases.choices import CaseSource, Procedure
    from enforcement.catalog.choices import PartyType

    return Layout(
        ImportKind.CASES,
        (
            Column(
                "external_ref",
                "外部编号",
                "External reference",
                _("external reference"),
                required=True,
                example="OLD-AJ-2023-0456",
                max_length=64,
                note=_(
                    "The old system's case number: a line whose reference was imported already is skipped."
                ),
            ),
            Column(
                "number",
                "案件编号",
                "Case number",
                _("case number"),
                example="AJ202304010001",
                max_length=24,
                note=_("Empty: HX followed by the external reference."),
            ),
            Column(
                "procedure",
                "程序",
                "Procedure",
                _("procedure"),
                Format.CHOICE,
                True,
                "简易程序",
                choices=tuple(Procedure.choices),
            ),
            Column(
                "source",
                "案件来源",
                "Source",
                _("source"),
                Format.CHOICE,
                example="巡查发现",
                choices=tuple(CaseSource.choices),
                note=_("Empty: found on patrol."),
            ),
            Column(
                "party_type",
                "当事人类型",
                "Party type",
                _("party type"),
                Format.CHOICE,
                True,
                "个人",
                choices=tuple(PartyType.choices),
            ),
            Column(
                "party_name", "当事人", "Party", _("party"), required=True, example="李四", max_length=200
            ),
            Column(
                "party_id",
                "证件号码",
                "ID number or credit code",
                _("ID number or credit code"),
                max_length=18,
                example="440604199001011234",
                note=_(
                    "An individual's ID number or an organisation's unified social credit code: a party "
                    "registered with it already is reused."
                ),
            ),
            Column("category", "类别", "Category", _("category"), Format.CATEGORY, True, "占道经营"),
            Column(
                "unit", "承办单位", "Responsible unit", _("responsible unit"), Format.UNIT, True, "甲区一中队"
            ),
            Column(
                "address",
                "违法地点",
                "Place",
                _("place"),
                required=True,
                example="中山路12号",
                max_length=255,
            ),
            Column(
                "act_date",
                "违法日期",
                "Date of the act",
                _("date of the act (or its end)"),
                Format.DATE,
                True,
                "2023-04-01",
            ),
            Column("facts", "违法事实", "Facts", _("facts"), required=True, example="占道经营水果摊"),
            Column(
                "registered_at",
                "登记时间",
                "Registered at",
                _("registered at"),
                Format.DATETIME,
                True,
                "2023-04-01 10:00",
            ),
            Column(
                "filed_at", "立案时间", "Filed at", _("filed at"), Format.DATETIME, example="2023-04-01 11:00"
            ),
            Column(
                "decided_at",
                "处罚决定时间",
                "Decided at",
                pgettext_lazy("case", "decided at"),
                Format.DATETIME,
                example="2023-04-01 11:30",
            ),
            Column(
                "fine_decided", "罚款金额", "Fine decided", _("fine decided"), Format.MONEY, example="200"
            ),
            Column(
                "fine_paid",
                "已缴罚款",
                "Fine paid",
                _("fine paid"),
                Format.MONEY,
                example="200",
                note=_(
                    "The fine and any late payment surcharge paid in the old system: at most twice the fine, "
                    "as the surcharge is never more than the fine (Administrative Penalty Law, Art. 72). "
                    "Given, the fine's execution is imported with the case, ended: paid once the fine is "
                    "paid in full, otherwise uncollectable (0: nothing was paid). Empty: no execution is "
                    "imported."
                ),
            ),
            Column(
                "paid_on",
                "缴款日期",
                "Paid on",
                _("paid on"),
                Format.DATE,
                example="2023-04-01",
                note=_(
                    "Required with a fine paid: the day it was paid (the last day, if paid in parts), not "
                    "before the decision and not in the future."
                ),
            ),
            Column(
                "confiscated_gains",
                "没收违法所得",
                "Illegal gains confiscated",
                _("illegal gains confiscated (yuan)"),
                Format.MONEY,
                note=_(
                    "The illegal gains the decision confiscated (Administrative Penalty Law, Art. 9 and 28), "
                    "counted in the month's confiscations: more than 0 needs the time decided. Empty or 0: "
                    "none."
                ),
            ),
            Column(
                "confiscated_property",
                "没收非法财物价值",
                "Value of illegal property confiscated",
                _("value of illegal property confiscated (yuan)"),
                Format.MONEY,
                note=_(
                    "The value of the illegal property the decision confiscated (Art. 9), counted in the "
                    "month's confiscations: more than 0 needs the time decided. Empty or 0: none."
                ),
            ),
            Column(
                "closed_at",
                "结案时间",
                "Closed at",
                pgettext_lazy("case", "closed at"),
                Format.DATETIME,
                True,
                "2023-04-03 09:00",
                note=_("History only: every imported case is closed."),
            ),
        ),
    )


_LAYOUTS = {}


def layout(kind):
    """The layout of `kind` (built on first use: the domain apps' choices load after this app)."""
    if kind not in _LAYOUTS:
        _LAYOUTS[kind] = {ImportKind.COMPLAINTS: _complaints, ImportKind.CASES: _cases}[kind]()
    return _LAYOUTS[kind]


def all_layouts():
    return [layout(kind) for kind in ImportKind.values]


def template_csv(kind):
    """The CSV template: the Chinese headers (required ones marked *) and one example line, UTF-8 with BOM
    so that spreadsheet software shows the Chinese."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    columns = layout(kind).columns
    writer.writerow([c.zh + ("*" if c.required else "") for c in columns])
    writer.writerow([c.example for c in columns])
    return "\ufeff" + out.getvalue()


# Line errors, stored on the job as codes and worded when shown, in the reader's language.
ERRORS = {
    "required": _("required, but empty"),
    "not_datetime": _("not a date and time (2024-03-05 14:30)"),
    "not_date": _("not a date (2024-03-05)"),
    "future": _("in the future"),
    "not_boolean": _("not yes or no (是/否)"),
    "not_integer": _("not a whole number of 0 or more"),
    "not_money": _("not an amount of 0 or more"),
    "too_long": _("longer than %(max)s characters"),
    "unknown_choice": _("not one of the listed values"),
    "unknown_unit": _("no such unit"),
    "out_of_scope": _("a unit outside your scope"),
    "unknown_category": _("no such category"),
    "before_received": _("earlier than the line's receiving or registering time"),
    "before_accepted": _("earlier than the time it was accepted"),
    "before_decided": _("earlier than the day of the penalty decision"),
    "paid_without_fine": _(
        "a fine paid, but the line gives no penalty decision with a fine (the time decided and the fine "
        "decided)"
    ),
    "paid_over_twice": _(
        "more than twice the fine (%(most)s yuan): the late payment surcharge paid with a fine is never more "
        "than the fine (Administrative Penalty Law, Art. 72)"
    ),
    "paid_over_owed": _(
        "more than the %(owed)s yuan owed on the day paid: the fine and the late payment surcharge to that "
        "day, counted from the deadline to pay after the day of the decision"
    ),
    "paid_on_missing": _("required when a fine paid is given"),
    "paid_on_without_paid": _("a day of payment, but no fine paid"),
    "confiscated_without_decision": _(
        "a confiscation, but the line gives no penalty decision (the time decided): only a decision confiscates"
    ),
    "number_taken": _("this number is used by another record already"),
    "bad_party_id": _("not a valid ID number (individual) or unified social credit code (organisation)"),
    "not_saved": _("the line could not be saved: %(detail)s"),
}
HEADER_ERRORS = {
    "missing": _("The file has no column “%(column)s”, which is required."),
    "unknown": _("The file's column “%(column)s” is not one of the layout's."),
    "repeated": _("The file has the column “%(column)s” twice."),
}
LINE_MESSAGE = pgettext_lazy("import error", "Line %(line)d, “%(column)s”: %(message)s")


def error_message(kind, error):
    """The worded message of a stored line error: 第12行「受理时间」：不是日期."""
    columns = {c.key: c for c in layout(kind).columns}
    column = columns.get(error.get("column"))
    message = ERRORS.get(error.get("code"), error.get("code", "")) % error.get("params", {})
    return LINE_MESSAGE % {
        "line": error.get("line", 0),
        "column": column.header if column else error.get("column", ""),
        "message": message,
    }
