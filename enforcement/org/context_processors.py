from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it; empty = everyone signed in)
NAVIGATION = [
    (_("Work queue"), "home", ()),
    (_("API docs"), "api-docs", ()),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, roles in NAVIGATION:
        if roles and not (user.is_superuser or user.has_role(*roles)):
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
