"""Who reads what of a case's party (PRODUCT §1: ID-card numbers are masked in lists). One rule for the pages,
the API and the exports: the roles that work on cases read a party's full ID number on the case's and the
party's own page; every list and every export shows it masked (440604********1234)."""

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
