"""Who hears of a complaint's steps (enforcement/notifications/events.py): dispatched to an officer or to
a unit, sent back, reopened. Extension requests and decisions need nothing here: their approval kind says
who decides (complaints/approvals.py), and the platform tells the deciders and the requester."""

from django.utils.translation import gettext_lazy as _

from enforcement.notifications.events import Notice
from enforcement.org.choices import Role

# A unit's line supervisors, the squad leader before the bureau head (the squad leader runs the squadron;
# a district's bureau head hears when the district itself has the complaint).
LINE_SUPERVISORS = (Role.SQUAD_LEADER, Role.BUREAU_HEAD)
# Who answers for a unit that has no handler on the complaint: an external responsible unit's liaisons
# (only external units have them), else the unit's line supervisors.
UNIT_RECEIVERS = (Role.LIAISON, *LINE_SUPERVISORS)

NOTICES = {
    # Assigned to you, or to your unit when no handler was named.
    "dispatch": Notice(
        to=("handler",),
        fallback_roles=UNIT_RECEIVERS,
        text=_("%(actor)s dispatched %(record)s to you."),
        fallback_text=_("%(actor)s dispatched %(record)s to %(unit)s; it has no handler yet."),
    ),
    # Back with the unit that dispatched it (services.send_back): its intake desk dispatches it again,
    # else its supervisors.
    "send_back": Notice(
        fallback_roles=(Role.INTAKE, *LINE_SUPERVISORS),
        text=_("%(actor)s sent %(record)s back to %(unit)s: %(note)s"),
    ),
    # Back with the unit that handled it: its handler, else its supervisors.
    "reopen": Notice(
        to=("handler",),
        fallback_roles=UNIT_RECEIVERS,
        text=_("%(actor)s reopened %(record)s, as the complainant was not satisfied: %(note)s"),
    ),
    # A petition's review or second review, now with the unit one level up (nobody holds it there yet).
    "request_review": Notice(
        fallback_roles=LINE_SUPERVISORS,
        text=_("%(actor)s recorded a request to review %(record)s; %(unit)s answers it: %(note)s"),
    ),
    "request_recheck": Notice(
        fallback_roles=LINE_SUPERVISORS,
        text=_(
            "%(actor)s recorded a request for a second review of %(record)s; %(unit)s answers it, "
            "finally: %(note)s"
        ),
    ),
}
