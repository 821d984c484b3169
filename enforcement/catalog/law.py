"""Small pure rules of the Administrative Penalty Law (行政处罚法, 2021) and the Administrative Coercion
Law (行政强制法), applied to the legal parameters of `params`. Money is Decimal yuan, never float."""

from decimal import Decimal

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext

from .choices import PartyType
from .params import get_int, get_param

CENT = Decimal("0.01")


def _money(amount):
    if amount is None:
        return None
    if isinstance(amount, float):
        raise TypeError("Money is Decimal, never float.")
    amount = Decimal(amount)
    if amount < 0:
        raise ValueError("An amount of money cannot be negative.")
    return amount


def _party(party):
    return PartyType(party)  # ValueError for anything but "individual" / "organisation"


def simple_procedure_permits(fine, party, warning_only=False):
    """Art. 51: a decision on the spot (简易程序) only for a warning, or a fine of at most 200 yuan for an
    individual / 3,000 yuan for an organisation."""
    fine, party = _money(fine), _party(party)
    if not fine:
        return bool(warning_only)
    return fine <= get_param(f"simple_fine_max_{party}")


def cash_on_the_spot_permitted(fine):
    """Art. 68(1): an officer collects a fine in cash on the spot only if it is at most 100 yuan."""
    fine = _money(fine)
    return bool(fine) and fine <= get_param("cash_on_spot_max")


def is_large_fine(fine, party):
    """Art. 63(1): a fine above the province's threshold (e.g. > 3,000 individual, > 50,000 organisation)
    gives the party the right to a hearing."""
    fine, party = _money(fine), _party(party)
    return fine is not None and fine > get_param(f"large_fine_{party}")


def is_large_confiscation(value, party):
    """Art. 63(1): confiscating illegal gains or property above the province's threshold gives the party
    the right to a hearing."""
    value, party = _money(value), _party(party)
    return value is not None and value > get_param(f"large_confiscation_{party}")


def add_years(day, years):
    """`day` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def limitation_expires(act_ended_on, harms_life_health_or_finance=False):
    """Art. 36: the last day a violation can still be discovered and punished — 2 years after the act
    (for a continuing act, after it ended); 5 years where life, health or financial safety was harmed."""
    key = "limitation_years_serious" if harms_life_health_or_finance else "limitation_years"
    return add_years(act_ended_on, get_int(key))


def within_limitation(act_ended_on, discovered_on=None, harms_life_health_or_finance=False):
    """Art. 36: may a violation that ended on `act_ended_on`, discovered on `discovered_on` (default
    today), still be punished?"""
    discovered_on = discovered_on or timezone.localdate()
    return discovered_on <= limitation_expires(act_ended_on, harms_life_health_or_finance)


def fine_within_category(category, fine, party):
    """Discretion: is the fine inside the category's range for this party? An open bound is no limit."""
    fine = _money(fine)
    low, high = category.fine_range(_party(party))
    return (low is None or fine >= low) and (high is None or fine <= high)


def _article_reference(law, numbers):
    articles = pgettext("list of law articles", ", ").join(
        gettext("Art. %(number)s") % {"number": number} for number in numbers
    )
    return f"{law} {articles}"


_article_reference_lazy = lazy(_article_reference, str)


def article_reference(law, *numbers):
    """How a law's articles are cited, in the reader's language when it is shown: "信访工作条例 第23条、第34条",
    "Regulations on Petitions Art. 23, Art. 34". `law` is a (lazy) translatable name."""
    return _article_reference_lazy(law, numbers)
