"""Simplified Chinese is the default; English is complete and a switch away."""

from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_a_browser_without_a_language_choice_gets_chinese(officer_a):
    client = Client()  # no Accept-Language header
    client.force_login(officer_a)
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "待办" in page
    assert "城管执法办案平台" in page


def test_api_errors_follow_the_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/complaints/")
    assert response.status_code in (401, 403)
    assert "身份" in response.json()["detail"] or "认证" in response.json()["detail"]


def test_every_string_has_a_chinese_translation():
    """The catalogue is complete: no untranslated or fuzzy entries (CI also checks that the compiled
    .mo matches the .po, so a fresh machine needs no gettext)."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgid_plural" not in e]
    untranslated += [e for e in entries if 'msgstr[0] ""' in e and e.rstrip().endswith('msgstr[0] ""')]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, untranslated[:5]
    assert not fuzzy, fuzzy[:5]


def test_catalogue_strings_render_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Work queue") == "待办"
        assert str(translation.gettext_lazy("Complaints")) != "Complaints"
