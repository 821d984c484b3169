"""Who reads what of a case's party (PRODUCT §1: ID-card numbers are masked in lists). One rule for the pages,
the API and the exports: the roles that work on cases read a party's full ID number on the case's and the
party's own page; every list and every export shows it masked (440604********1234)."""

from typing import NamedTuple

from django.db.models import Count, Q

from enforcement.org.choices import Role

CASE_ROLES = frozenset({Role.OFFICER, Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD})


def sees_id_numbers(user):
    """Whether `user` reads ID numbers in full on a record's own page (never in a list or an export)."""
    return bool(user is not None and user.is_authenticated and user.roles & CASE_ROLES)


def id_number_for(party, user=None, *, full=False):
    """(the party's ID number as `user` reads it, whether it is masked): in full only where `full` (a record's
    own page) and for the case roles."""
    if full and sees_id_numbers(user):
        return party.id_number, False
    return party.masked_id_number, bool(party.id_number)


def identifier_for(party, user=None, *, full=False):
    """What identifies the party to `user`: an organisation's credit code (public), an individual's ID number
    as `id_number_for` shows it."""
    if party.is_organisation:
        return party.credit_code
    return id_number_for(party, user, full=full)[0]


class PartyStanding(NamedTuple):
    """What `user` reads of a party on its own page (the page and the API alike)."""

    full: bool  # the ID number in full: the user sees one of the party's cases, or registered the party
    earlier_citywide: int  # the party's decided cases in the whole city (counted, never shown)
    earlier_in_scope: int  # of them, those in the user's units


def party_standing(party, user):
    """Two counting queries on the (party, registered_at) index. The full ID number is for whoever works on
    one of the party's cases or registered them, not for every case role of the city (ids are sequential:
    the whole register would read); whether the party offends again is the city's count (a first violation,
    Administrative Penalty Law Art. 33), while the cases themselves stay in their units."""
    decided = Q(decided_at__isnull=False)
    from .models import Case

    mine = (
        Case.objects.visible_to(user)
        .filter(party=party)
        .aggregate(seen=Count("pk"), decided=Count("pk", filter=decided))
    )
    return PartyStanding(
        full=bool(mine["seen"]) or party.created_by_id == user.pk,
        earlier_citywide=Case.objects.filter(decided, party=party).count(),
        earlier_in_scope=mine["decided"],
    )
