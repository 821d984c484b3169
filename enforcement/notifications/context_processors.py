from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """`unread_notifications`: the signed-in user's unread inbox count for the navigation badge. Lazy, so
    a page that doesn't show it costs nothing; one count over a partial index when it does."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    def count():
        from .services import unread_count

        return unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
