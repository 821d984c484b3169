import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.files.testing import jpeg_bytes

JPEG = jpeg_bytes()  # a real picture: photos must open (enforcement/files/sniffing.py)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def upload(name="photo.jpg", content=JPEG, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")


@pytest.fixture
def urgent_category(db):
    return ViolationCategoryFactory(code="U01", name="燃气泄漏", name_en="Gas leak", is_urgent=True)


@pytest.fixture(autouse=True)
def _fresh_choice_cache():
    """The filter choices are cached for a minute; each test starts from its own database rows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
