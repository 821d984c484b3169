from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


def _approval_deciders():
    # Whoever decides some registered kind of approval (the kinds are declared by the apps at start-up).
    from enforcement.approvals.registry import decider_roles

    return decider_roles()


# (label, url name, roles that see it — or a function giving them; empty = everyone signed in)
NAVIGATION = [
    (_("Work queue"), "home", ()),
    (_("Approvals"), "approvals:inbox", _approval_deciders),
    (_("Complaints"), "complaints:list", ()),
    (_("Cases"), "cases:list", (Role.OFFICER, Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD)),
    (_("Fines"), "penalties:list", (Role.OFFICER, Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD)),
    (_("Campaigns"), "campaigns:list", (Role.OFFICER, Role.SQUAD_LEADER, Role.BUREAU_HEAD)),
    (_("Documents"), "documents:list", ()),
    (_("Statistics"), "stats:dashboard", ()),
    (_("History import"), "imports:upload", (Role.ADMIN, Role.STATISTICIAN)),
    (_("Org units"), "org:unit-list", (Role.ADMIN,)),
    (_("Users"), "org:user-list", (Role.ADMIN,)),
    (_("Working-day calendar"), "workdays:calendar", (Role.ADMIN,)),
    (_("Catalog"), "catalog:category-list", (Role.ADMIN,)),
    (_("Reminders"), "notifications:settings", (Role.ADMIN,)),
    (_("API docs"), "api-docs", ()),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, roles in NAVIGATION:
        if callable(roles):
            roles = roles() or {None}  # a function giving no roles shows the entry to nobody
        if roles and not (user.is_superuser or user.has_role(*roles)):
            continue
        url = reverse(url_name)
        # A section stays highlighted on its sub-pages (/org/users/7/ under /org/users/).
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "active": active})
    role_labels = [label for value, label in Role.choices if value in user.roles]
    return {"nav_items": items, "user_role_labels": role_labels}
