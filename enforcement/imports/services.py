"""Starting and running a history import.

`start_import(kind=, upload=, by=)` checks who imports and the file's header, stores the file and queues
the job; `run_import(job)` reads it line by line, checks every line against the layout (layouts.py) and
writes the good ones in batches with `bulk_create`, straight to the tables: the history is closed already,
and the workflow would stamp today's dates on it. A line whose external reference exists already (or
came earlier in the file) is skipped and counted, so importing a file again creates nothing. A case line
that gives the fine paid brings the fine's execution and its payment with it, in the same batch
(`CaseRows.save_executions`); its decision's penalties, the fine and the confiscations it gives, come as the
case's decided penalty rows (`CaseRows.save_penalties`). Progress is written to the job after every batch.

Refusals: not an administrator or statistician → PermissionDenied (403); an unreadable file, a wrong
header or a file too large → ValidationError (400) on `file`; nothing is stored.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enforcement.audit.context import current_source
from enforcement.audit.models import AuditAction, AuditEvent
from enforcement.audit.services import record_event
from enforcement.catalog.models import ViolationCategory
from enforcement.org.choices import Role
from enforcement.org.models import OrgUnit
from enforcement.workdays import calendar

from . import parse
from .layouts import HEADER_ERRORS, Format, layout
from .models import MAX_ERRORS, ImportJob, ImportKind, ImportStatus

IMPORT_ROLES = (Role.ADMIN, Role.STATISTICIAN)
BATCH = 2000  # lines per transaction and per progress update
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # 100,000 complaints are about 30 MB of CSV
NUMBER_PREFIX = "HX"  # 历史: a number made for an imported record that brought none
SAFE = re.compile(r"[^0-9A-Za-z-]")


def max_import_bytes():
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def can_import(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*IMPORT_ROLES))


class LineError(Exception):
    def __init__(self, code, **params):
        self.code, self.params = code, params
        super().__init__(code)


# --- the header ---------------------------------------------------------------------------------------------
def _normal(text):
    return " ".join(str(text or "").replace("\ufeff", "").split()).rstrip("*").strip().casefold()


def header_map(kind, headers):
    """[column key or None per cell of the header row]; ValidationError listing every problem when a
    required column is missing or a header is unknown or repeated."""
    known = {}
    for column in layout(kind).columns:
        known[_normal(column.zh)] = known[_normal(column.en)] = column
    keys, problems = [], []
    for header in headers:
        if not _normal(header):
            keys.append(None)  # an empty trailing header cell, as spreadsheets save them
            continue
        column = known.get(_normal(header))
        if column is None:
            problems.append(HEADER_ERRORS["unknown"] % {"column": str(header).strip()})
        elif column.key in keys:
            problems.append(HEADER_ERRORS["repeated"] % {"column": column.header})
        keys.append(column.key if column else None)
    for column in layout(kind).columns:
        if column.required and column.key not in keys:
            problems.append(HEADER_ERRORS["missing"] % {"column": column.header})
    if problems:
        raise ValidationError([str(p) for p in problems], code="header")
    return keys


def read_sheet(kind, fileobj, name):
    """(sheet, column keys) of a file, or ValidationError: unreadable, or a wrong header."""
    try:
        sheet = parse.read(fileobj, name)
    except parse.UnreadableFile as exc:
        raise ValidationError(str(exc.message), code="unreadable") from None
    return sheet, header_map(kind, sheet.headers)


# --- starting -----------------------------------------------------------------------------------------------
def start_import(*, kind, upload, by):
    """Checks and stores the upload as a pending job, queued once the transaction commits."""
    if not can_import(by):
        raise PermissionDenied(_("Only administrators and statisticians import history."))
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose complaints or cases.")})
    if upload.size > max_import_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": max_import_bytes() // 2**20}}
        )
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    if not name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise ValidationError({"file": _("Upload a CSV or XLSX file.")})
    try:
        read_sheet(kind, upload, name)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    upload.seek(0)
    from enforcement.celery import send

    from .tasks import run_import_task

    with transaction.atomic():
        job = ImportJob(kind=kind, file_name=name, created_by=by)
        job.file.save(name, upload, save=False)
        job.save()
        # Not queued (the broker down): `requeue_waiting` sends it again once the broker answers.
        transaction.on_commit(lambda: send(run_import_task, job.pk))
    return job


# --- reading cells ------------------------------------------------------------------------------------------
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
TIME_RE = re.compile(r"(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.\d+)?")
TRUE = {"是", "y", "yes", "1", "true", "t", "√", "有"}
FALSE = {"否", "n", "no", "0", "false", "f", "×", "无", ""}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet's number cell holding an id
    return str(value).strip()


def _date(text):
    match = DATE_RE.fullmatch(text) or DATE_RE.match(text)
    if not match:
        raise LineError("not_date")
    try:
        return datetime.date(*map(int, match.groups())), text[match.end() :].strip(" T")
    except ValueError:
        raise LineError("not_date") from None


def to_date(value, column, context):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    day, rest = _date(_text(value))
    if rest:
        raise LineError("not_date")
    return day


def to_datetime(value, column, context):
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        try:
            day, rest = _date(_text(value))
        except LineError:
            raise LineError("not_datetime") from None
        clock = datetime.time()
        if rest:
            match = TIME_RE.fullmatch(rest)
            if not match:
                raise LineError("not_datetime")
            try:
                clock = datetime.time(*(int(part or 0) for part in match.groups()))
            except ValueError:
                raise LineError("not_datetime") from None
        moment = datetime.datetime.combine(day, clock)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=context.tz)  # the bureau's local time (settings.TIME_ZONE)
    return moment


def to_text(value, column, context):
    text = _text(value)
    if column.max_length and len(text) > column.max_length:
        raise LineError("too_long", max=column.max_length)
    return text


def to_boolean(value, column, context):
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise LineError("not_boolean")


def to_integer(value, column, context):
    try:
        number = int(_text(value))
    except ValueError:
        raise LineError("not_integer") from None
    if not 0 <= number <= 32767:
        raise LineError("not_integer")
    return number


def to_money(value, column, context):
    try:
        amount = Decimal(_text(value).replace(",", "").replace("，", "").removesuffix("元"))
    except InvalidOperation:
        raise LineError("not_money") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise LineError("not_money")
    return amount.quantize(Decimal("0.01"))


def to_choice(value, column, context):
    slug = context.choices[column.key].get(_normal(value))
    if slug is None:
        raise LineError("unknown_choice")
    return slug


def to_unit(value, column, context):
    unit_id = context.units.get(_normal(value))
    if unit_id is None:
        raise LineError("unknown_unit")
    if context.scope is not None and unit_id not in context.scope:
        raise LineError("out_of_scope")
    return unit_id


def to_category(value, column, context):
    category_id = context.categories.get(_normal(value))
    if category_id is None:
        raise LineError("unknown_category")
    return category_id


CONVERTERS = {
    Format.TEXT: to_text,
    Format.DATETIME: to_datetime,
    Format.DATE: to_date,
    Format.BOOLEAN: to_boolean,
    Format.INTEGER: to_integer,
    Format.MONEY: to_money,
    Format.CHOICE: to_choice,
    Format.UNIT: to_unit,
    Format.CATEGORY: to_category,
}


class Context:
    """What checking a line needs, loaded once per job: units and categories by code and name, each
    choice column's values by slug and by Chinese and English label, the importer's scope."""

    def __init__(self, job):
        self.job, self.user, self.kind = job, job.created_by, job.kind
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.scope = None if self.user.sees_all_units else set(self.user.scope_unit_ids)
        self.units = self._lookup(OrgUnit.objects.values_list("id", "code", "name", "name_en"), self.scope)
        self.categories = self._lookup(ViolationCategory.objects.values_list("id", "code", "name", "name_en"))
        self.choices = {}
        for column in layout(self.kind).columns:
            if column.format == Format.CHOICE:
                values = {}
                for language in ("en", "zh-hans"):
                    with translation.override(language):
                        for slug, label in column.choices:
                            values.setdefault(_normal(label), slug)
                            values.setdefault(_normal(str(label).removeprefix("已")), slug)  # 已办结 / 办结
                for slug, _label in column.choices:
                    values[_normal(slug)] = slug
                self.choices[column.key] = values

    @staticmethod
    def _lookup(rows, preferred=None):
        """{normalised code or name: id}. Codes are unique; a name two units share means the one in the
        importer's scope (a squadron called 一中队 in every district)."""
        rows = list(rows)
        if preferred is not None:
            rows.sort(key=lambda row: row[0] not in preferred)
        found = {}
        for pk, *names in rows:
            for name in names[1:]:
                if name:
                    found.setdefault(_normal(name), pk)
        for pk, code, *_names in rows:
            found[_normal(code)] = pk
        return found


def read_line(cells, keys, columns, context):
    """({column key: value} of one line, [(column key, LineError)]) — every column checked."""
    values, errors = {}, []
    for key, cell in zip(keys, cells, strict=False):
        if key is None:
            continue
        column = columns[key]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            if column.required:
                errors.append((key, LineError("required")))
            continue
        try:
            values[key] = CONVERTERS[column.format](cell, column, context)
        except LineError as exc:
            errors.append((key, exc))
    for key in keys[len(cells) :]:  # a short line: its last cells are empty
        if key and columns[key].required:
            errors.append((key, LineError("required")))
    return values, errors


def _order(values, errors, key, after, code):
    if key in values and after in values and values[key] < values[after]:
        errors.append((key, LineError(code)))


def _not_future(values, errors, keys, now):
    for key in keys:
        if key in values and values[key] > now:
            errors.append((key, LineError("future")))


def generated_number(external_ref):
    return (NUMBER_PREFIX + SAFE.sub("", external_ref).upper())[:24]


# --- the kinds ----------------------------------------------------------------------------------------------
class ComplaintRows:
    """Historical complaints, closed or rejected: received and closed by the importer's account on the
    dates the file gives; the receiving unit is the responsible one."""

    MOMENTS = ("received_at", "accepted_at", "replied_at", "visited_at", "closed_at")

    def __init__(self, context):
        from complaints.models import Complaint

        self.model, self.context = Complaint, context

    def check(self, values, errors):
        _not_future(values, errors, self.MOMENTS, self.context.now)
        for key in self.MOMENTS[1:]:
            _order(values, errors, key, "received_at", "before_received")
        _order(values, errors, "replied_at", "accepted_at", "before_accepted")

    def build(self, values):
        values.setdefault("number", generated_number(values["external_ref"]))
        unit_id, category_id = values.pop("unit"), values.pop("category")
        return self.model(
            **values,
            unit_id=unit_id,
            intake_unit_id=unit_id,
            category_id=category_id,
            received_by=self.context.user,
        )

    def existing(self, refs, numbers):
        found = self.model.objects.filter(external_ref__in=refs).values_list("external_ref", flat=True)
        taken = self.model.objects.filter(number__in=numbers).values_list("number", flat=True)
        return set(found), set(taken)

    def save(self, records):
        return self.model.objects.bulk_create(records)

    def also_created(self, records):
        return []


class CaseRows:
    """Historical cases, closed: registered, filed, decided (with the fine decided) and closed on the dates
    the file gives, registered by the importer's account. The party is found by ID number or credit code,
    or registered. A line that gives the fine paid brings the fine's execution too, ended as the old system
    ended it, with the money as one payment (`collection`). A decided line's fine and confiscations are its
    decided penalties, as deciding a case in the system records them."""

    MOMENTS = ("registered_at", "filed_at", "decided_at", "closed_at")
    PARTY = ("party_type", "party_name", "party_id")
    MONEY = ("fine_paid", "paid_on")

    def __init__(self, context):
        from cases.choices import PenaltyKind
        from cases.models import Case
        from enforcement.catalog.params import get_int
        from penalties import rules

        self.model, self.context = Case, context
        self.confiscation_kinds = {
            "confiscated_gains": PenaltyKind.CONFISCATE_GAINS,
            "confiscated_property": PenaltyKind.CONFISCATE_PROPERTY,
        }
        self.fine_kind = PenaltyKind.FINE
        # Read once for the job (penalties.rules reads them per call): the daily surcharge (Art. 72), the
        # days to pay (Art. 67) and the working-day calendar they end on.
        self.rate_bp, self.payment_days = rules.rate_bp(), get_int("payment_days")
        self.calendar = calendar.get_calendar()

    def check(self, values, errors):
        _not_future(values, errors, self.MOMENTS, self.context.now)
        if "act_date" in values and values["act_date"] > timezone.localdate(self.context.now):
            errors.append(("act_date", LineError("future")))
        for key in self.MOMENTS[1:]:
            _order(values, errors, key, "registered_at", "before_received")
        if values.get("party_id"):
            from cases.identity import validate_credit_code, validate_id_number
            from enforcement.catalog.choices import PartyType

            values["party_id"] = number = values["party_id"].upper()
            organisation = values.get("party_type") == PartyType.ORGANISATION
            try:
                (validate_credit_code if organisation else validate_id_number)(number)
            except ValidationError:
                errors.append(("party_id", LineError("bad_party_id")))
        self.check_money(values, errors)
        for key in self.confiscation_kinds:
            if values.get(key) and values.get("decided_at") is None:
                errors.append((key, LineError("confiscated_without_decision")))

    def check_money(self, values, errors):
        """The fine paid: only with a decision and its fine; at most twice the fine (the surcharge is never
        more than the fine, 行政处罚法 Art. 72) and at most what the ledger says was owed on the day paid;
        dated from the decision's day to today."""
        from penalties import ledger, services
        from penalties.models import Payment

        paid, paid_on = values.get("fine_paid"), values.get("paid_on")
        fine, decided_at = values.get("fine_decided"), values.get("decided_at")
        if paid is None:
            if paid_on is not None:
                errors.append(("paid_on", LineError("paid_on_without_paid")))
            return
        if not paid:
            return  # nothing paid: with a decision and a fine, an execution without payment
        if not fine or decided_at is None:
            errors.append(("fine_paid", LineError("paid_without_fine")))
            return
        if paid > 2 * fine:
            errors.append(("fine_paid", LineError("paid_over_twice", most=str(2 * fine))))
        if paid_on is None:
            errors.append(("paid_on", LineError("paid_on_missing")))
        elif paid_on > timezone.localdate(self.context.now):
            errors.append(("paid_on", LineError("future")))
        elif paid_on < calendar.local_date(decided_at):
            errors.append(("paid_on", LineError("before_decided")))
        if errors:
            return
        execution, instalment = self.collection(fine, decided_at, values["closed_at"], paid)
        payment = Payment(execution=execution, amount=paid, paid_on=paid_on)
        try:
            services.replay(execution, upto=paid_on, history_rows=([instalment], [payment], []))
        except ledger.Overpayment as exc:
            owed = str(ledger.to_yuan(exc.owed_fen))
            errors.append(("fine_paid", LineError("paid_over_owed", owed=owed)))

    def collection(self, fine, decided_at, closed_at, paid):
        """The fine's execution (unsaved), ended when the case was closed: paid once the fine is paid in full
        (the surcharge may have been paid with it, or let go), otherwise uncollectable — the old system
        closed it with money missing, for a reason the file does not give, so neither enforced by a court
        nor ended on a ground of law (行政强制法 Art. 40) is claimed. With its one instalment (unsaved).

        The file gives no day of service: the decision is taken as served the day it was made (as a
        decision on the spot is, Art. 52), the earliest day the days to pay (Art. 67) and then the surcharge
        could run from, so the ledger's surcharge is the most the law allowed."""
        from enforcement.workdays.periods import PeriodUnit
        from penalties import ledger
        from penalties.choices import ExecutionStatus
        from penalties.models import Execution, Instalment

        served_on = calendar.local_date(decided_at)
        due_at = self.calendar.due_after(decided_at, self.payment_days, PeriodUnit.DAYS)  # rules.payment_due
        due_on = calendar.local_date(due_at)
        fine_fen = ledger.to_fen(fine)
        if paid >= fine:
            status, reason = ExecutionStatus.PAID, ""
        else:
            status = ExecutionStatus.UNCOLLECTABLE
            reason = _("The old system closed the case with %(paid)s of the fine of %(fine)s yuan paid.") % {
                "paid": paid,
                "fine": fine,
            }
        execution = Execution(
            status=status,
            fine=fine,
            original_fine=fine,
            served_on=served_on,
            due_on=due_on,
            due_at=due_at,
            rate_bp=self.rate_bp,
            fine_fen=fine_fen,
            outstanding_fen=fine_fen,
            state_day=served_on.toordinal(),
            opened_at=decided_at,
            ended_at=closed_at,
            end_reason=reason,
        )
        instalment = Instalment(
            execution=execution,
            due_on=due_on,
            due_day=due_on.toordinal(),
            amount=fine,
            outstanding_fen=fine_fen,
            effective_on=served_on,
        )
        return execution, instalment

    def build(self, values):
        from cases.choices import CaseStatus

        values.setdefault("number", generated_number(values["external_ref"]))
        paid, paid_on = (values.pop(key, None) for key in self.MONEY)
        confiscated = {key: values.pop(key, None) for key in self.confiscation_kinds}
        party = {key: values.pop(key, "") for key in self.PARTY}
        unit_id, category_id = values.pop("unit"), values.pop("category")
        case = self.model(
            **values,
            unit_id=unit_id,
            category_id=category_id,
            status=CaseStatus.CLOSED,
            registered_by=self.context.user,
        )
        case.imported_party = party
        collected = paid is not None and values.get("fine_decided") and values.get("decided_at")
        case.imported_money = (paid, paid_on) if collected else None
        # The decision's penalties as deciding records them (cases.services._save_penalties): its fine and
        # what it confiscated; checked above, so a confiscation comes with a decision.
        penalties = []
        if values.get("fine_decided") and values.get("decided_at"):
            penalties.append((self.fine_kind, values["fine_decided"]))
        penalties += [(self.confiscation_kinds[key], amount) for key, amount in confiscated.items() if amount]
        case.imported_penalties = penalties
        return case

    def existing(self, refs, numbers):
        found = self.model.objects.filter(external_ref__in=refs).values_list("external_ref", flat=True)
        taken = self.model.objects.filter(number__in=numbers).values_list("number", flat=True)
        return set(found), set(taken)

    def save(self, records):
        """Each case's party: the one registered with its ID number or credit code, else a new one (one per
        number in the batch; one per line when the line gives none)."""
        from cases.models import Party
        from enforcement.catalog.choices import PartyType

        numbers = {c.imported_party["party_id"] for c in records if c.imported_party["party_id"]}
        by_number = {}
        for party in Party.objects.filter(id_number__in=numbers) | Party.objects.filter(
            credit_code__in=numbers
        ):
            by_number[party.id_number or party.credit_code] = party
        new = []
        for case in records:
            given = case.imported_party
            party = by_number.get(given["party_id"]) if given["party_id"] else None
            if party is None:
                organisation = given["party_type"] == PartyType.ORGANISATION
                party = Party(
                    party_type=given["party_type"],
                    name=given["party_name"],
                    id_number="" if organisation else given["party_id"],
                    credit_code=given["party_id"] if organisation else "",
                    created_by=self.context.user,
                )
                new.append(party)
                if given["party_id"]:
                    by_number[given["party_id"]] = party
            case.party = party
        Party.objects.bulk_create(new)  # bulk_create of the cases then reads each new party's id
        saved = self.model.objects.bulk_create(records)
        self.save_penalties(saved)
        self.save_executions(saved)
        return saved

    def save_penalties(self, cases):
        """The decided penalties of the cases, in bulk: what the case page, the decision's papers, the check
        of one fine per act (Art. 29) and the statistics (a decision with a penalty; the confiscations)
        read."""
        from cases.choices import PenaltyStage
        from cases.models import CasePenalty

        CasePenalty.objects.bulk_create(
            CasePenalty(case=case, stage=PenaltyStage.DECIDED, kind=kind, amount=amount)
            for case in cases
            for kind, amount in case.imported_penalties
        )

    def save_executions(self, cases):
        """The executions of the cases whose line gave the fine paid (0 included), their instalments and
        payments, in bulk. The ledger's state on each is the ledger's own (services.apply_history on the
        unsaved rows, as the bank statement import does), so the stored figures are what a replay of the
        saved rows gives. The payment's bank reference is HX- and the external reference (cut to 64
        characters): the database keeps it once per channel, and an import again skips the case before."""
        from penalties import services
        from penalties.choices import PaymentChannel
        from penalties.models import Execution, Instalment, Payment

        executions, instalments, payments = [], [], []
        today = timezone.localdate(self.context.now)
        for case in cases:
            case.imported_execution = None
            if case.imported_money is None:
                continue
            paid, paid_on = case.imported_money
            execution, instalment = self.collection(case.fine_decided, case.decided_at, case.closed_at, paid)
            execution.case, execution.unit_id = case, case.unit_id
            # As services.open_execution numbers it when no decision document was issued in the system.
            execution.decision_number = case.number
            execution.payment_code = services.payment_code_for(case.pk)
            paying = []
            if paid:
                paying.append(
                    Payment(
                        execution=execution,
                        channel=PaymentChannel.BANK,  # Art. 67: a fine is paid to the designated bank
                        reference=f"HX-{case.external_ref}"[:64],
                        amount=paid,
                        paid_on=paid_on,
                        recorded_by=self.context.user,
                        recorded_at=self.context.now,
                        note=self.context.note,
                    )
                )
            services.apply_history(
                execution, *services.history(execution, [instalment], paying, []), today=today
            )
            case.imported_execution = execution
            executions.append(execution)
            instalments.append(instalment)
            payments.extend(paying)
        Execution.objects.bulk_create(executions)  # then the instalments and payments read each one's id
        Instalment.objects.bulk_create(instalments)
        Payment.objects.bulk_create(payments)

    def also_created(self, cases):
        """The records saved with the cases that get their own audit event: the executions."""
        return [case.imported_execution for case in cases if case.imported_execution is not None]


ROWS = {ImportKind.COMPLAINTS: ComplaintRows, ImportKind.CASES: CaseRows}


# --- running ------------------------------------------------------------------------------------------------
class Run:
    """One job's counts and errors while it runs."""

    def __init__(self, job):
        self.job = job
        self.context = Context(job)
        self.rows = ROWS[job.kind](self.context)
        self.columns = {c.key: c for c in layout(job.kind).columns}
        self.seen_refs, self.seen_numbers = set(), set()
        self.note = self.context.note = _("Imported from the history file “%(name)s” (import #%(id)d).") % {
            "name": job.file_name,
            "id": job.pk,
        }

    def error(self, line, key, exc, value=None):
        if len(self.job.errors) < MAX_ERRORS:
            entry = {"line": line, "column": key, "code": exc.code}
            if exc.params:
                entry["params"] = exc.params
            if value not in (None, ""):
                entry["value"] = str(value)[:100]
            self.job.errors.append(entry)

    def check(self, line, cells, keys):
        """The line's unsaved record, or None (refused, errors noted; or skipped, counted)."""
        values, errors = read_line(cells, keys, self.columns, self.context)
        if not errors:
            self.rows.check(values, errors)
        if errors:
            raw = dict(zip(keys, cells, strict=False))
            for key, exc in errors:
                self.error(line, key, exc, raw.get(key))
            self.job.failed += 1
            return None
        record = self.rows.build(values)
        record.line = line
        return record

    def write(self, batch):
        """Skips what exists (by external reference), refuses numbers taken, saves the rest in one
        transaction; a conflict with a concurrent import falls back to one savepoint per record."""
        refs = {r.external_ref for r in batch}
        found, taken = self.rows.existing(refs, {r.number for r in batch})
        fresh = []
        for record in batch:
            if record.external_ref in found or record.external_ref in self.seen_refs:
                self.job.skipped += 1
            elif record.number in taken or record.number in self.seen_numbers:
                self.error(record.line, "number", LineError("number_taken"), record.number)
                self.job.failed += 1
            else:
                self.seen_refs.add(record.external_ref)
                self.seen_numbers.add(record.number)
                fresh.append(record)
        try:
            with transaction.atomic():
                self._save(fresh)
        except IntegrityError:
            for record in fresh:
                try:
                    with transaction.atomic():
                        self._save([record])
                except IntegrityError as exc:
                    self.error(record.line, "number", LineError("not_saved", detail=str(exc)[:200]))
                    self.job.failed += 1

    def _save(self, records):
        if not records:
            return
        saved = self.rows.save(records)
        actor, source = self.job.created_by, current_source()
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor,
                content_type=ContentType.objects.get_for_model(record),  # cached by the manager
                object_id=str(record.pk),
                object_repr=str(record)[:200],
                action=AuditAction.CREATE,
                source=source,
                note=self.note,
            )
            for record in [*saved, *self.rows.also_created(saved)]
        )
        self.job.created += len(saved)

    def progress(self, **extra):
        job = self.job
        fields = {
            "total": max(job.total, job.processed),
            "processed": job.processed,
            "created": job.created,
            "skipped": job.skipped,
            "failed": job.failed,
            "errors": job.errors,
            **extra,
        }
        ImportJob.objects.filter(pk=job.pk).update(**fields)


def run_import(job):
    """Reads and imports the job's file (the job is `running`); returns the job, `done` or `failed`."""
    run = Run(job)
    try:
        with job.file.open("rb") as fileobj:
            sheet, keys = read_sheet(job.kind, fileobj, job.file_name)
            job.total = sheet.total or 0
            run.progress()
            batch = []
            for line, cells in sheet.rows:
                job.processed += 1
                record = run.check(line, cells, keys)
                if record is not None:
                    batch.append(record)
                if job.processed % BATCH == 0:
                    run.write(batch)
                    batch = []
                    run.progress()
            run.write(batch)
    except ValidationError as exc:
        job.status, job.message = ImportStatus.FAILED, "\n".join(exc.messages)
    else:
        job.status = ImportStatus.DONE
    job.total = job.processed if job.status == ImportStatus.DONE else job.total
    job.finished_at = timezone.now()
    run.progress(status=job.status, message=job.message, finished_at=job.finished_at)
    record_event(
        job,
        AuditAction.CREATE,
        actor=job.created_by,
        after={
            "kind": job.kind,
            "file": job.file_name,
            "created": job.created,
            "skipped": job.skipped,
            "failed": job.failed,
        },
        note=_(
            "%(created)d records imported, %(skipped)d skipped (imported before), %(failed)d lines refused."
        )
        % {"created": job.created, "skipped": job.skipped, "failed": job.failed},
    )
    return job


# A job still waiting this long after it was started counts as not queued (the broker was down then) and
# is sent again; a second message for a job that was queued finds it claimed and does nothing.
REQUEUE_AFTER = datetime.timedelta(minutes=10)


def requeue_waiting(now=None):
    """Sends again the jobs waiting for longer than REQUEUE_AFTER; returns how many."""
    from enforcement.celery import send_all

    from .tasks import run_import_task

    cutoff = (now or timezone.now()) - REQUEUE_AFTER
    waiting = ImportJob.objects.filter(status=ImportStatus.PENDING, created_at__lt=cutoff).order_by("pk")
    return send_all(run_import_task, waiting.values_list("pk"))


def claim(job_id):
    """The job, moved from pending to running by this call alone (a second delivery finds it running)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING
    ):
        return None
    return ImportJob.objects.select_related("created_by__unit").get(pk=job_id)
