"""Who may change the catalogue. It is shared by the whole city, so like any record it may be changed
only by an administrator whose scope covers all of it: a city-level administrator."""

from enforcement.org.choices import Role


def can_edit_catalog(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.has_role(Role.ADMIN) and user.sees_all_units)
