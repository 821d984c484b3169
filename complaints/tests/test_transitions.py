"""Every action × every role × every status, generated from the transition table by the platform's
permission matrix (enforcement/workflow/testing.py): the service succeeds exactly where the table (and the
action's guard, satisfied here) allows, answers 403 for a role and 409 for a state it does not allow, changes
nothing when it refuses, answers 404 out of scope and 409 for a stale version, and `allowed_actions` agrees."""

from django.core.files.base import ContentFile
from django.utils import timezone

from enforcement.workflow.testing import permission_matrix

from ..choices import AttachmentStage, Channel
from ..models import ComplaintAttachment, ComplaintExtension
from ..workflow import WORKFLOW
from .conftest import JPEG
from .factories import ComplaintFactory


def prepare(slug, status, *, request, actor, outsider=False):
    """A complaint in `status` in district A that meets the action's guard, and the action's inputs."""
    district_a, city, category = (
        request.getfixturevalue(name) for name in ("district_a", "city", "category")
    )
    requester = request.getfixturevalue("make_user")("officer", unit=district_a)
    review = {"replied_at": timezone.now()} if slug == "request_review" else {}
    if slug == "request_recheck":
        review = {
            "replied_at": timezone.now(),
            "review_requested_at": timezone.now(),
            "review_answered_at": timezone.now(),
        }
    complaint = ComplaintFactory(
        unit=district_a,
        status=status,
        category=category,
        previous_unit=city,
        satisfaction="unsatisfied",
        channel={"close_on_the_spot": Channel.PATROL, "request_review": Channel.PETITION}.get(
            slug, Channel.HOTLINE_12345
        ),
        **review,
    )
    # Inputs the outsider could use on their own records, so that only the complaint's scope refuses.
    home = request.getfixturevalue("district_b") if outsider else district_a
    squad = request.getfixturevalue("squad_b" if outsider else "squad_a")
    inputs = {
        "accept": {},
        "reject": {"reason": "不属于职责"},
        "dispatch": {"unit": squad},
        "send_back": {"reason": "非本单位"},
        "start": {},
        "reply": {"reply_text": "已处理"},
        "record_visit": {"satisfaction": "satisfied"},
        "close": {},
        "reopen": {"reason": "不满意"},
        "request_extension": {"reason": "需协调", "days": 1},
        "decide_extension": {"decision": "approved"},
        "merge": {"into": ComplaintFactory(unit=home, category=category)},
        "close_on_the_spot": {"note": "已整改"},
        "request_review": {"reason": "对答复不服"},
        "answer_review": {"answer": "维持原答复"},
        "request_recheck": {"reason": "对复查意见不服"},
        "answer_recheck": {"answer": "维持复查意见"},
    }[slug]
    if slug == "decide_extension":
        ComplaintExtension.objects.create(complaint=complaint, requested_by=requester, reason="复杂", days=1)
    if slug == "close_on_the_spot":
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=ContentFile(JPEG, name="after.jpg"),
            kind="photo",
            stage=AttachmentStage.AFTER,
            content_type="image/jpeg",
            size=len(JPEG),
            sha256="0" * 64,
            uploaded_by=requester,
        )
    return complaint, inputs


test_action_per_role_and_status, test_out_of_scope_actor_gets_404, test_stale_version_loses = (
    permission_matrix(WORKFLOW, prepare=prepare)
)
