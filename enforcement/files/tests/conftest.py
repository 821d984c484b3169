import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.files.testing import jpeg_bytes
from tests.testapp.models import Permit


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test its own storage: stored names are content hashes, so files of earlier runs would collide."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def permit(squad_a):
    return Permit.objects.create(title="占道施工许可", unit=squad_a)


@pytest.fixture
def other_permit(squad_b):
    return Permit.objects.create(title="户外广告许可", unit=squad_b)


def upload(name="现场.jpg", content=None):
    return SimpleUploadedFile(name, jpeg_bytes() if content is None else content, content_type="image/jpeg")
