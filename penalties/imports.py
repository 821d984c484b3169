"""Bank and payment-platform statements (罚缴分离, Art. 67): the file is read whole first
(`statements.parse_statement`; a wrong column or a malformed amount refuses it with the line number, and
nothing is recorded), then each line is matched to a penalty by its payment code, else its decision number,
among those the importing user may see, and recorded — or listed for a person: no penalty found, or not
recordable (more than owed, a revoked penalty, one no longer collected). A line whose bank reference is
already recorded on the channel is counted as such and recorded nothing, so re-importing a file records
nothing twice.

Fast at a bank's volume: the executions, their histories and the references already recorded are read in
chunks of CHUNK ids (a few queries per chunk), the ledger runs in memory, and the payments, the new states
and one audit event per penalty are written in bulk."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.context import current_source
from enforcement.audit.models import AuditAction, AuditEvent
from enforcement.bulk import update_rows
from enforcement.org.models import in_scope
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import services
from .choices import MONEY_DESK, PaymentChannel
from .models import Execution, Instalment, LineStatus, Payment, Review, StatementImport, StatementLine
from .statements import parse_statement

CHUNK = 1000
STATE_FIELDS = (
    "state_day",
    "fine_fen",
    "outstanding_fen",
    "fine_paid_fen",
    "surcharge_paid_fen",
    "accrued_micro",
    "paused",
    "due_on",
    "due_at",
    "status",
    "ended_at",
    "end_reason",
    "surcharge_started_at",
    "version",
    "updated_at",
)


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_statement(data, filename, *, by, unit, channel):
    """Imports one statement file for `unit` (the importing user's scope); returns the StatementImport."""
    if not (by.roles & MONEY_DESK):
        raise PermissionDenied(_("Your role does not allow importing bank statements."))
    if unit is None or not in_scope(by, unit):
        raise ValidationError({"unit": _("Choose a unit of yours.")})
    if channel not in PaymentChannel.values:
        raise ValidationError({"channel": _("Choose where the payments were made.")})
    statement = parse_statement(data, filename)  # StatementError (a ValidationError): nothing recorded
    today = timezone.localdate()
    with transaction.atomic():
        record = StatementImport.objects.create(
            unit=unit,
            channel=channel,
            file_name=filename[:255],
            sha256=statement.sha256,
            imported_by=by,
            lines=len(statement.lines),
        )
        visible = Execution.objects.visible_to(by)
        by_code, by_number = {}, {}
        codes = {line.payment_code for line in statement.lines if line.payment_code}
        numbers = {line.decision_number for line in statement.lines if line.decision_number}
        for chunk in _chunks(codes):
            by_code.update(visible.filter(payment_code__in=chunk).values_list("payment_code", "pk"))
        for chunk in _chunks(numbers):
            by_number.update(visible.filter(decision_number__in=chunk).values_list("decision_number", "pk"))
        known = set()
        for chunk in _chunks({line.reference for line in statement.lines}):
            known.update(
                Payment.objects.filter(channel=channel, reference__in=chunk).values_list(
                    "reference", flat=True
                )
            )
        problems, per_execution = [], defaultdict(list)
        already = 0
        for line in statement.lines:
            if line.reference in known:
                already += 1
                continue
            pk = by_code.get(line.payment_code) if line.payment_code else None
            if pk is None and line.decision_number:
                pk = by_number.get(line.decision_number)
            if pk is None:
                problems.append(
                    _problem(
                        record,
                        line,
                        LineStatus.UNMATCHED,
                        _("No penalty of yours has this payment code or decision number."),
                    )
                )
                continue
            per_execution[pk].append(line)
        recorded = 0
        for chunk in _chunks(per_execution):
            recorded += _record_chunk(record, chunk, per_execution, by, channel, today, problems)
        StatementLine.objects.bulk_create(problems, batch_size=CHUNK)
        record.recorded, record.already = recorded, already
        record.unmatched = sum(1 for p in problems if p.status == LineStatus.UNMATCHED)
        record.refused = sum(1 for p in problems if p.status == LineStatus.REFUSED)
        record.save(update_fields=["recorded", "already", "unmatched", "refused"])
    return record


def _problem(record, line, status, message):
    return StatementLine(
        statement=record,
        line_no=line.line_no,
        reference=line.reference,
        amount=line.amount,
        paid_on=line.paid_on,
        payer=line.payer,
        decision_number=line.decision_number,
        payment_code=line.payment_code,
        status=status,
        message=message,
    )


def _record_chunk(record, pks, per_execution, by, channel, today, problems):
    executions = {e.pk: e for e in Execution.objects.select_for_update().filter(pk__in=pks)}
    instalments, payments, reviews = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in Instalment.objects.filter(execution_id__in=pks):
        instalments[row.execution_id].append(row)
    for row in Payment.objects.filter(execution_id__in=pks):
        payments[row.execution_id].append(row)
    case_ids = {e.case_id: e.pk for e in executions.values()}
    for row in Review.objects.filter(case_id__in=case_ids):
        reviews[case_ids[row.case_id]].append(row)
    new_payments, changed_rows, changed_payments, touched, events = [], [], [], [], []
    content_type = ContentType.objects.get_for_model(Execution)
    source = current_source()
    now = timezone.now()
    for pk in pks:
        execution = executions[pk]
        taken = []
        for line in sorted(per_execution[pk], key=lambda item: (item.paid_on, item.line_no)):
            # The same checks as a payment recorded by hand, on the history loaded for the whole chunk.
            rows = (instalments[pk], [*payments[pk], *taken], reviews[pk])
            message = services.payment_problem(execution, line.amount, line.paid_on, today, history_rows=rows)
            if message is None:
                taken.append(
                    Payment(
                        execution=execution,
                        channel=channel,
                        reference=line.reference,
                        amount=line.amount,
                        paid_on=line.paid_on,
                        payer=line.payer,
                        recorded_by=by,
                        statement=record,
                        recorded_at=now,
                    )
                )
            else:
                problems.append(_problem(record, line, LineStatus.REFUSED, message))
        if not taken:
            continue
        new_payments.extend(taken)
        _state, rows, paid = services.apply_history(
            execution,
            *services.history(execution, instalments[pk], [*payments[pk], *taken], reviews[pk]),
            today=today,
        )
        changed_rows.extend(rows)
        changed_payments.extend(paid)
        execution.version += 1
        execution.updated_at = now
        touched.append(execution)
        events.append(
            AuditEvent(
                actor=by,
                content_type=content_type,
                object_id=str(pk),
                object_repr=str(execution)[:200],
                action=AuditAction.UPDATE,
                verb="import_payment",
                source=source,
                after={
                    "statement": record.file_name,
                    "payments": [
                        {"reference": p.reference, "amount": str(p.amount), "paid_on": p.paid_on.isoformat()}
                        for p in taken
                    ],
                    "status": execution.status,
                },
            )
        )
    Payment.objects.bulk_create(new_payments, batch_size=CHUNK)
    update_rows(Execution, touched, STATE_FIELDS)
    update_rows(Instalment, changed_rows, ["outstanding_fen"])
    update_rows(Payment, changed_payments, ["surcharge_part"])
    AuditEvent.objects.bulk_create(events, batch_size=CHUNK)
    return len(new_payments)


def resolve_line(line, *, by, execution=None, note=""):
    """A person settles a problem line: records it on `execution` (chosen by them), or dismisses it with a
    note (a payment for another authority, a refund)."""
    if not in_scope(by, line.statement):
        from django.http import Http404

        raise Http404(_("Not found."))
    if line.status not in (LineStatus.UNMATCHED, LineStatus.REFUSED):
        raise ValidationError(_("This line has already been settled."))
    with transaction.atomic():
        locked = StatementLine.objects.select_for_update().select_related("statement").get(pk=line.pk)
        if execution is not None:
            if not in_scope(by, execution):
                from django.http import Http404

                raise Http404(_("Not found."))
            try:
                services.record_payment(
                    execution,
                    by=by,
                    amount=locked.amount,
                    paid_on=locked.paid_on,
                    channel=locked.statement.channel,
                    reference=locked.reference,
                    payer=locked.payer,
                    note=note
                    or _("From the statement %(file)s, line %(line)s.")
                    % {"file": locked.statement.file_name, "line": locked.line_no},
                )
            except ValidationError as exc:
                # The line's amount and date are the bank's, not inputs of this step: the penalty chosen
                # cannot take this line (409, in the payment check's words).
                raise TransitionNotAllowed(" ".join(exc.messages)) from None
            locked.payment = Payment.objects.get(channel=locked.statement.channel, reference=locked.reference)
        elif not (note or "").strip():
            raise ValidationError({"note": _("Say why this line is not recorded on a penalty.")})
        locked.status = LineStatus.RESOLVED
        locked.message = "\n".join(part for part in (locked.message, note) if part)
        locked.save(update_fields=["status", "message", "payment"])
    return locked
