"""Who may change the catalogue. It is shared by the whole city, so like any record it may be changed
only by an administrator whose scope covers all of it: a city-level administrator."""



def can_edit_catalog(user):
    return user is not None and user.is_authenticated and user.is_city_admin
