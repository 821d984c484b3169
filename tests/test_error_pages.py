def test_out_of_scope_record_is_a_friendly_404(client, admin_a, squad_b):
    client.force_login(admin_a)
    response = client.get(f"/org/units/{squad_b.pk}/")
    assert response.status_code == 404
    assert b"outside your unit" in response.content
    assert squad_b.name.encode() not in response.content


def test_unknown_page_uses_the_site_404(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"outside your unit" in response.content
    assert b"navbar" in response.content


def test_forbidden_page_explains(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/org/users/")
    assert response.status_code == 403
    assert b"Back to the work queue" in response.content


# --- what a newcomer of `make run` hits (enforcement/settings/local.py) ---------------------------------
def test_make_run_keeps_debug_off_unless_asked(monkeypatch):
    """With DEBUG on, Django answers a mistyped address with its yellow debug page, not the site's 404."""
    import importlib

    from enforcement.settings import local

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert importlib.reload(local).DEBUG is False
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    assert importlib.reload(local).DEBUG is True
    # Static files come from the source folders, so `make run` needs no collectstatic.
    assert local.WHITENOISE_USE_FINDERS and local.WHITENOISE_AUTOREFRESH


def test_static_files_are_served_without_collectstatic(tmp_path, settings):
    from django.test import Client

    settings.STATIC_ROOT = tmp_path  # nothing collected
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/img/favicon.svg")  # a new client builds the middleware anew
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_a_newcomer_lands_on_the_products_pages(client, db):
    root = client.get("/")
    assert root.status_code == 302 and root["Location"].startswith("/login/")
    assert b"Sign in with your bureau account." in client.get(root["Location"]).content
    assert client.get("/admin/")["Location"] == "/org/units/"
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"] == "/static/img/favicon.svg"
    mistyped = client.get("/complaint/")
    assert mistyped.status_code == 404
    assert b"This page or record does not exist" in mistyped.content
