"""Legal parameters: the one place their statutory defaults live, each with the article it comes from.

Code reads a parameter with `get_param(key)` (a Decimal). An administrator may override a default (a
province sets its own large-fine threshold, Art. 63); the override is a `LegalParameter` row, created
from these defaults by a data migration. A key added here later needs a migration calling
`ensure_rows` again; until then `get_param` answers with the default.

Articles without a law name are of the Administrative Penalty Law (中华人民共和国行政处罚法, 2021).
Periods of 2, 3, 5, 7 and 10 days count working days (行政处罚法 Art. 85, 行政强制法 Art. 69).
"""

import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import ParamUnit

# How long a process trusts its cached values: bounds how late other processes (web workers, Celery)
# see an administrator's change. The process that saves sees it at once.
CACHE_SECONDS = 60


@dataclass(frozen=True)
class ParamDefault:
    value: Decimal
    unit: str
    article: Promise
    description: Promise


def _p(value, unit, article, description):
    return ParamDefault(Decimal(value), unit, article, description)


Y, D, WD, M, YR, PCT = (
    ParamUnit.YUAN,
    ParamUnit.DAYS,
    ParamUnit.WORKING_DAYS,
    ParamUnit.MONTHS,
    ParamUnit.YEARS,
    ParamUnit.PERCENT,
)

DEFAULTS = {
    # --- simple procedure (简易程序) -----------------------------------------------------------------
    "simple_fine_max_individual": _p(
        "200",
        Y,
        _("Administrative Penalty Law, Art. 51"),
        _("Highest fine an individual may be given on the spot under the simple procedure"),
    ),
    "simple_fine_max_organisation": _p(
        "3000",
        Y,
        _("Administrative Penalty Law, Art. 51"),
        _("Highest fine an organisation may be given on the spot under the simple procedure"),
    ),
    "cash_on_spot_max": _p(
        "100",
        Y,
        _("Administrative Penalty Law, Art. 68"),
        _("Highest fine an officer may collect in cash on the spot"),
    ),
    "cash_handover_working_days": _p(
        "2",
        WD,
        _("Administrative Penalty Law, Art. 71"),
        _("Cash collected on the spot is handed to the bureau within this many working days"),
    ),
    "simple_filing_working_days": _p(
        "3",
        WD,
        _("Administrative Penalty Law, Art. 52; bureau rule"),
        _("An on-the-spot decision is filed with the bureau within this many working days"),
    ),
    # --- hearings (听证) ------------------------------------------------------------------------------
    "large_fine_individual": _p(
        "3000",
        Y,
        _("Administrative Penalty Law, Art. 63; provincial rule"),
        _("A fine above this amount for an individual is a large fine: the party may request a hearing"),
    ),
    "large_fine_organisation": _p(
        "50000",
        Y,
        _("Administrative Penalty Law, Art. 63; provincial rule"),
        _("A fine above this amount for an organisation is a large fine: the party may request a hearing"),
    ),
    "large_confiscation_individual": _p(
        "3000",
        Y,
        _("Administrative Penalty Law, Art. 63; provincial rule"),
        _("Confiscating more than this value from an individual gives the right to a hearing"),
    ),
    "large_confiscation_organisation": _p(
        "50000",
        Y,
        _("Administrative Penalty Law, Art. 63; provincial rule"),
        _("Confiscating more than this value from an organisation gives the right to a hearing"),
    ),
    "hearing_request_working_days": _p(
        "5",
        WD,
        _("Administrative Penalty Law, Art. 64(1)"),
        _("A hearing is requested within this many working days of the advance notice"),
    ),
    "statement_working_days": _p(
        "3",
        WD,
        _("Administrative Penalty Law, Art. 45, 62; bureau rule"),
        _("The party states and defends within this many working days of receiving the advance notice"),
    ),
    "hearing_notice_working_days": _p(
        "7",
        WD,
        _("Administrative Penalty Law, Art. 64(2)"),
        _("The parties are notified at least this many working days before the hearing"),
    ),
    # --- general procedure (一般程序) ------------------------------------------------------------------
    "decision_days": _p(
        "90",
        D,
        _("Administrative Penalty Law, Art. 60"),
        _("A penalty decision is made within this many days of filing the case, unless extended"),
    ),
    "filing_decision_days": _p(
        "15",
        D,
        _("Provisions on Administrative Penalty Procedure for Housing and Urban-Rural Development, Art. 17"),
        _("A lead is checked and a decision to file the case or not is made within this many days"),
    ),
    "decision_extension_max_days": _p(
        "30",
        D,
        _("Administrative Penalty Law, Art. 60; provincial rule"),
        _("Longest single extension of the decision period, approved by the bureau head"),
    ),
    "service_working_days": _p(
        "7",
        WD,
        _("Administrative Penalty Law, Art. 61"),
        _("A decision not handed over on the spot is served within this many working days"),
    ),
    "limitation_years": _p(
        "2",
        YR,
        _("Administrative Penalty Law, Art. 36"),
        _("No penalty for a violation not discovered within this many years"),
    ),
    "limitation_years_serious": _p(
        "5",
        YR,
        _("Administrative Penalty Law, Art. 36"),
        _("Limitation where life, health or financial safety was harmed"),
    ),
    # --- payment and execution -----------------------------------------------------------------------
    "payment_days": _p(
        "15",
        D,
        _("Administrative Penalty Law, Art. 67"),
        _("A fine is paid within this many days of receiving the decision"),
    ),
    "late_surcharge_percent_per_day": _p(
        "3",
        PCT,
        _("Administrative Penalty Law, Art. 72(1)"),
        _("Late-payment surcharge per day, as a percentage of the fine; never more than the fine"),
    ),
    "court_enforcement_wait_working_days": _p(
        "10",
        WD,
        _("Administrative Coercion Law, Art. 54"),
        _("Court enforcement may be applied for this many working days after the demand to pay is served"),
    ),
    "court_enforcement_application_months": _p(
        "3",
        M,
        _("Administrative Coercion Law, Art. 53"),
        _("Court enforcement is applied for within this many months after the appeal periods end"),
    ),
    "seizure_max_days": _p(
        "30",
        D,
        _("Administrative Coercion Law, Art. 25"),
        _("Longest seizure or sealing"),
    ),
    "seizure_extension_days": _p(
        "30",
        D,
        _("Administrative Coercion Law, Art. 25"),
        _("Longest single extension of a seizure or sealing, approved by the bureau head"),
    ),
    "rectification_max_days": _p(
        "90",
        D,
        _("Administrative Penalty Law, Art. 28"),
        _("Longest period a rectification notice gives the party to correct the violation"),
    ),
    "demolition_max_days": _p(
        "180",
        D,
        _("The bureau's own standard (the law sets no limit)"),
        _("Longest period an order to demolish gives the party to demolish the structure himself"),
    ),
    "demolition_notice_days": _p(
        "10",
        D,
        _("Administrative Coercion Law, Art. 44"),
        _("Period a public notice gives the party to demolish before a forced demolition (the default)"),
    ),
    # --- appeals -------------------------------------------------------------------------------------
    "reconsideration_days": _p(
        "60",
        D,
        _("Administrative Reconsideration Law, Art. 20"),
        _("An application for administrative reconsideration is made within this many days"),
    ),
    "appeal_after_outcome_days": _p(
        "15",
        D,
        _("Administrative Litigation Law, Art. 45 and 85"),
        _(
            "After a reconsideration is decided the party may sue, and after a judgment appeal, within this many "
            "days"
        ),
    ),
    "litigation_months": _p(
        "6",
        M,
        _("Administrative Litigation Law, Art. 46"),
        _("An administrative lawsuit is filed within this many months"),
    ),
    # --- petitions (信访) and hotline complaints ------------------------------------------------------
    "petition_accept_days": _p(
        "15",
        D,
        _("Regulations on Petitions, Art. 23"),
        _("A petition is accepted or declined in writing within this many days"),
    ),
    "petition_handle_days": _p(
        "60",
        D,
        _("Regulations on Petitions, Art. 34"),
        _("An accepted petition is handled within this many days"),
    ),
    "petition_extension_max_days": _p(
        "30",
        D,
        _("Regulations on Petitions, Art. 34"),
        _("Longest approved extension of a petition's handling period"),
    ),
    "petition_review_request_days": _p(
        "30",
        D,
        _("Regulations on Petitions, Art. 35"),
        _("A review (复查) is requested within this many days of the reply"),
    ),
    "petition_review_answer_days": _p(
        "30",
        D,
        _("Regulations on Petitions, Art. 35"),
        _("A review request is answered within this many days"),
    ),
    "petition_recheck_request_days": _p(
        "30",
        D,
        _("Regulations on Petitions, Art. 36"),
        _("A second review (复核) is requested within this many days of the review's answer"),
    ),
    "petition_recheck_answer_days": _p(
        "30",
        D,
        _("Regulations on Petitions, Art. 36"),
        _("A second review request is answered within this many days"),
    ),
    "hotline_reply_working_days": _p(
        "5",
        WD,
        _("Hotline service rule"),
        _("A hotline complaint is replied to within this many working days"),
    ),
    "visit_after_reply_working_days": _p(
        "3",
        WD,
        _("Hotline service rule"),
        _("The follow-up visit is made within this many working days of the reply"),
    ),
}


class UnknownParameter(KeyError):
    pass


# --- reading ---------------------------------------------------------------------------------------


class _State:
    """Shared by the threads of a process, so a save clears the cache for all of them."""

    values = None
    expires = 0.0
    bypass_until = 0.0


_state = _State()


def get_param(key):
    """The value of legal parameter `key`: the administrator's setting if there is one, else the
    statutory default."""
    try:
        return _current_values()[key]
    except KeyError:
        raise UnknownParameter(key) from None


def get_int(key):
    """A period parameter (days, months, years) as an int."""
    return int(get_param(key))


def _current_values():
    now = time.monotonic()
    usable = now >= _state.bypass_until
    if usable and _state.values is not None and now < _state.expires:
        return _state.values
    from .models import LegalParameter

    values = {key: default.value for key, default in DEFAULTS.items()}
    values.update(LegalParameter.objects.values_list("key", "value"))
    if usable:
        _state.values, _state.expires = values, now + CACHE_SECONDS
    return values


def invalidate_cache():
    """Called whenever a LegalParameter is saved or deleted. Inside a transaction the cache is bypassed
    until it commits: a value read now might still be rolled back."""
    _state.values = None
    if connection.in_atomic_block:
        _state.bypass_until = time.monotonic() + CACHE_SECONDS
        transaction.on_commit(reset_cache)


def reset_cache():
    """Forgets everything cached, e.g. after editing rows with `QuerySet.update()`, which sends no signal."""
    _state.bypass_until = 0.0
    _state.values = None


# --- the rows --------------------------------------------------------------------------------------


def source_text(text):
    """The English source of a translatable string: what is stored in the database."""
    with translation.override("en"):
        return str(text)


def ensure_rows(model=None):
    """Creates a LegalParameter row for every default that has none; existing rows (an administrator's
    settings) are left alone. Returns the number created. Migrations pass their historical model."""
    if model is None:
        from .models import LegalParameter as model
    existing = set(model.objects.values_list("key", flat=True))
    missing = [
        model(
            key=key,
            value=default.value,
            unit=str(default.unit),
            article=source_text(default.article),
            description=source_text(default.description),
        )
        for key, default in DEFAULTS.items()
        if key not in existing
    ]
    model.objects.bulk_create(missing)
    return len(missing)
