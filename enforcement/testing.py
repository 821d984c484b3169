"""Base test classes: each API endpoint gets its anonymous / forbidden / out-of-scope / allowed checks
with a few lines (NetBox's shared test classes, pytest style).

Subclass `ScopedEndpointChecks` (reads) or `ScopedCreateChecks` (reads and creates) in a test module and define:
- `basename`: the router basename (URLs are `api:<basename>-list` / `-detail`);
- `make_object(self, unit)`: a saved object belonging to `unit`;
- `create_payload(self, unit)`: a valid POST body for an object in `unit` (`ScopedCreateChecks` only);
- `writer_roles`: roles allowed to write; `reader_roles`: roles that read but may not write.
The fixtures `district_a`, `district_b`, `make_user` come from the root conftest.
"""

from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent


class ScopedEndpointChecks:
    basename = None
    writer_roles = ("admin",)
    reader_roles = ("officer",)

    def make_object(self, unit):
        raise NotImplementedError

    def create_payload(self, unit):
        raise NotImplementedError

    # --- helpers ---------------------------------------------------------------------------------
    def list_url(self):
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj):
        return reverse(f"api:{self.basename}-detail", args=[obj.pk])

    def client_for(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    # --- the checks ------------------------------------------------------------------------------
    def test_anonymous_is_refused(self, district_a):
        obj = self.make_object(district_a)
        client = APIClient()
        assert client.get(self.list_url()).status_code in (401, 403)
        assert client.get(self.detail_url(obj)).status_code in (401, 403)

    def test_list_shows_only_objects_in_scope(self, district_a, district_b, make_user):
        mine, theirs = self.make_object(district_a), self.make_object(district_b)
        reader = make_user(*self.reader_roles, unit=district_a)
        response = self.client_for(reader).get(self.list_url(), {"page_size": 200})
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert mine.pk in ids
        assert theirs.pk not in ids

    def test_out_of_scope_detail_is_404(self, district_a, district_b, make_user):
        theirs = self.make_object(district_b)
        reader = make_user(*self.reader_roles, unit=district_a)
        assert self.client_for(reader).get(self.detail_url(theirs)).status_code == 404
        writer = make_user(*self.writer_roles, unit=district_a)
        assert self.client_for(writer).patch(self.detail_url(theirs), {}, format="json").status_code == 404

    def test_in_scope_detail_is_readable(self, district_a, make_user):
        mine = self.make_object(district_a)
        reader = make_user(*self.reader_roles, unit=district_a)
        response = self.client_for(reader).get(self.detail_url(mine))
        assert response.status_code == 200
        assert response.json()["id"] == mine.pk


class ScopedCreateChecks(ScopedEndpointChecks):
    """Adds the create checks for endpoints that accept POST."""

    def test_reader_may_not_create(self, district_a, make_user):
        payload = self.create_payload(district_a)
        reader = make_user(*self.reader_roles, unit=district_a)
        assert self.client_for(reader).post(self.list_url(), payload, format="json").status_code == 403

    def test_writer_creates_and_it_is_audited(self, district_a, make_user):
        payload = self.create_payload(district_a)
        writer = make_user(*self.writer_roles, unit=district_a)
        before = AuditEvent.objects.count()
        response = self.client_for(writer).post(self.list_url(), payload, format="json")
        assert response.status_code == 201, response.json()
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert event.actor == writer
        assert event.action == "create"
        assert event.source == "api"
        assert event.object_id == str(response.json()["id"])
