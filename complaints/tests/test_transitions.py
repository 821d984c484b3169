"""Every action × every role × every status, generated from the transition table: the service succeeds
exactly where the table (and the action's guard, satisfied here) allows, answers 403 for a role and 409 for
a state it does not allow, changes nothing when it refuses, and `allowed_actions` agrees."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from enforcement.org.choices import Role
from enforcement.versioning import StaleEdit

from .. import services
from ..choices import TRANSITIONS, AttachmentStage, Channel, ComplaintStatus
from ..models import ComplaintAttachment, ComplaintExtension
from .conftest import JPEG
from .factories import ComplaintFactory

ROLES = list(Role.values)
STATUSES = list(ComplaintStatus.values)


def prepare(slug, status, *, district_a, city, squad_a, requester, category):
    """A complaint in `status` in district A that meets the action's guard, and the action's inputs."""
    complaint = ComplaintFactory(
        unit=district_a, status=status, category=category, previous_unit=city, satisfaction="unsatisfied",
        channel=Channel.PATROL if slug == "close_on_the_spot" else Channel.HOTLINE_12345,
    )
    inputs = {
        "accept": {}, "reject": {"reason": "不属于职责"}, "dispatch": {"unit": squad_a},
        "send_back": {"reason": "非本单位"}, "start": {}, "reply": {"reply_text": "已处理"},
        "record_visit": {"satisfaction": "satisfied"}, "close": {}, "reopen": {"reason": "不满意"},
        "request_extension": {"reason": "需协调", "days": 1}, "decide_extension": {"decision": "approved"},
        "merge": {"into": ComplaintFactory(unit=district_a, category=category)}, "close_on_the_spot": {"note": "已整改"},
    }[slug]
    if slug == "decide_extension":
        ComplaintExtension.objects.create(complaint=complaint, requested_by=requester, reason="复杂", days=1)
    if slug == "close_on_the_spot":
        ComplaintAttachment.objects.create(
            complaint=complaint, file=ContentFile(JPEG, name="after.jpg"), kind="photo", stage=AttachmentStage.AFTER,
            content_type="image/jpeg", size=len(JPEG), sha256="0" * 64, uploaded_by=requester,
        )
    return complaint, inputs


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("slug", list(TRANSITIONS))
def test_action_per_role_and_status(slug, role, make_user, district_a, city, squad_a, category):
    transition = TRANSITIONS[slug]
    user = make_user(role, unit=district_a)
    requester = make_user("officer", unit=district_a)
    for status in STATUSES:
        complaint, inputs = prepare(
            slug, status, district_a=district_a, city=city, squad_a=squad_a, requester=requester, category=category
        )
        allowed = role in transition.roles and status in transition.sources
        assert (slug in complaint.allowed_actions(user)) == allowed, (slug, role, status)
        if allowed:
            done = services.perform(slug, complaint, by=user, version=complaint.version, **inputs)
            assert done.status == (transition.target or status), (slug, role, status)
            assert done.version == complaint.version + 1
            continue
        expected = PermissionDenied if role not in transition.roles else services.TransitionNotAllowed
        with pytest.raises(expected):
            services.perform(slug, complaint, by=user, **inputs)
        fresh = type(complaint).objects.get(pk=complaint.pk)
        assert (fresh.status, fresh.version) == (status, complaint.version), (slug, role, status)


@pytest.mark.parametrize("slug", list(TRANSITIONS))
def test_an_out_of_scope_actor_gets_404_for_every_action(slug, make_user, district_a, district_b, city, squad_a,
                                                          squad_b, category):
    transition = TRANSITIONS[slug]
    outsider = make_user(*transition.roles, unit=district_b)
    requester = make_user("officer", unit=district_a)
    complaint, inputs = prepare(slug, sorted(transition.sources)[0], district_a=district_a, city=city,
                                squad_a=squad_a, requester=requester, category=category)
    # Inputs the outsider could use on their own records, so that only the complaint's scope refuses.
    if slug == "dispatch":
        inputs["unit"] = squad_b
    if slug == "merge":
        inputs["into"] = ComplaintFactory(unit=district_b, category=category)
    assert complaint.allowed_actions(outsider) == []
    with pytest.raises(Http404):
        services.perform(slug, complaint, by=outsider, **inputs)


def test_stale_version_loses_even_when_the_action_is_allowed(make_user, district_a, category):
    leader = make_user("squad_leader", unit=district_a)
    complaint = ComplaintFactory(unit=district_a, status="in_progress", category=category)
    with pytest.raises(StaleEdit):
        services.perform("request_extension", complaint, by=leader, version=complaint.version - 1 or 99,
                         reason="x", days=1)
