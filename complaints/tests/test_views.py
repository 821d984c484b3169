import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.org import workqueue

from ..choices import ComplaintStatus
from ..models import Complaint, DeadlinePolicy
from .conftest import EXE, JPEG, upload
from .factories import ComplaintFactory

S = ComplaintStatus
LIST = reverse("complaints:list")
CREATE = reverse("complaints:create")
PATROL = reverse("complaints:patrol")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read English; tests/test_i18n.py reads Chinese
    client.force_login(user)
    return client


def action_url(c, slug):
    return reverse("complaints:action", args=[c.pk, slug])


def intake_data(category, **kw):
    data = {
        "channel": "hotline_12345",
        "category": category.pk,
        "description": "店外占道经营",
        "address": "人民路1号",
        "lat": "23.020000",
        "lng": "113.120000",
        "complainant_name": "陈小明",
        "complainant_phone": "13812345678",
    }
    data.update(kw)
    return data


# --- list -----------------------------------------------------------------------------------------------
def test_list_masks_the_complainant_for_officers_only(make_user, district_a, category):
    ComplaintFactory(
        unit=district_a, category=category, complainant_name="张三丰", complainant_phone="13812345678"
    )
    officer, intake = make_user("officer", unit=district_a), make_user("intake", unit=district_a)
    seen_by_officer = browser(officer).get(LIST).content.decode()
    assert (
        "138****5678" in seen_by_officer
        and "13812345678" not in seen_by_officer
        and "张三丰" not in seen_by_officer
    )
    seen_by_intake = browser(intake).get(LIST).content.decode()
    assert "13812345678" in seen_by_intake and "张三丰" in seen_by_intake


def test_list_colours_time_left_and_pages_by_cursor(make_user, city, category):
    now = timezone.now()
    overdue = ComplaintFactory(unit=city, category=category, status=S.DISPATCHED)
    Complaint.objects.filter(pk=overdue.pk).update(due_at=now - dt.timedelta(hours=2))
    for _ in range(30):
        ComplaintFactory(unit=city, category=category, received_at=now - dt.timedelta(days=1))
    page = browser(make_user("intake", unit=city)).get(LIST, {"ordering": "due_at"}).content.decode()
    first_row = re.search(r'<tr class="complaint-row urgency-(\w+)" data-id="(\d+)"', page)
    assert first_row.groups() == ("overdue", str(overdue.pk))
    assert "deadline-overdue" in page and "text-bg-danger" in page
    assert 'id="next-page"' in page and "cursor=" in page


def test_list_filters_through_the_shared_filterset(make_user, district_a, district_b, category):
    mine = ComplaintFactory(unit=district_a, category=category, status=S.RECEIVED)
    ComplaintFactory(unit=district_a, category=category, status=S.CLOSED)
    theirs = ComplaintFactory(unit=district_b, category=category, status=S.RECEIVED)
    page = browser(make_user("intake", unit=district_a)).get(LIST, {"status": "received"}).content.decode()
    ids = set(re.findall(r'data-id="(\d+)"', page))
    assert ids == {str(mine.pk)}
    assert str(theirs.pk) not in ids


def test_list_page_query_count_is_small_and_constant(make_user, district_a, squad_a, category):
    for _ in range(40):
        ComplaintFactory(unit=squad_a, category=category)
    client = browser(make_user("intake", unit=district_a))
    client.get(LIST)  # fills the one-minute cache of the filter choices
    counts = []
    for params in ({}, {"q": "占道", "unit": district_a.pk, "status": "received", "category": category.pk}):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, params).status_code == 200
        counts.append(len(ctx))
    assert max(counts) <= 10, counts


# --- intake ---------------------------------------------------------------------------------------------
def test_intake_registers_with_a_photo_and_shows_the_record(intake_city, category):
    client = browser(intake_city)
    assert client.get(CREATE).status_code == 200
    data = intake_data(category, files=[upload("现场.jpg")])
    response = client.post(CREATE, data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert complaint.attachments.get().kind == "photo"
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert complaint.number in page and "13812345678" in page


def test_intake_refuses_a_disguised_executable_and_saves_nothing(intake_city, category):
    response = browser(intake_city).post(CREATE, intake_data(category, files=[upload("photo.jpg", EXE)]))
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("field,value", [("lat", "95"), ("lng", "-200"), ("category", "999999")])
def test_intake_bad_input_is_400_and_saves_nothing(intake_city, category, field, value):
    data = intake_data(category)
    data[field] = value
    response = browser(intake_city).post(CREATE, data)
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_html_in_the_description_is_escaped_on_the_page(intake_city, category):
    client = browser(intake_city)
    client.post(CREATE, intake_data(category, description="<script>alert('x')</script>"))
    complaint = Complaint.objects.get()
    assert complaint.description == "<script>alert('x')</script>"
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_200_mb_upload_is_refused_unread(intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    response = browser(intake_city).generic(
        "POST",
        reverse("complaints:attachments", args=[c.pk]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert not c.attachments.exists()


def test_officers_get_the_patrol_form_not_the_hotline_intake(officer_a, category):
    client = browser(officer_a)
    form = client.get(CREATE).content.decode()
    assert 'value="patrol"' in form and 'value="hotline_12345"' not in form
    assert client.post(CREATE, intake_data(category)).status_code == 400
    assert not Complaint.objects.exists()


def test_patrol_fixed_on_the_spot_closes_at_once(officer_a, category):
    client = browser(officer_a)
    base = {
        "category": category.pk,
        "description": "流动摊贩占道",
        "address": "公园路3号",
        "photos": [upload()],
    }
    missing = client.post(PATROL, {**base, "fixed_on_the_spot": "on", "closure_note": "已劝离"})
    assert missing.status_code == 400 and not Complaint.objects.exists()
    done = client.post(
        PATROL,
        {
            **base,
            "fixed_on_the_spot": "on",
            "closure_note": "已劝离",
            "after_photo": upload("after.jpg", JPEG),
            "photos": [upload()],
        },
    )
    complaint = Complaint.objects.get()
    assert done.status_code == 302
    assert (complaint.status, complaint.on_the_spot, complaint.channel) == (S.CLOSED, True, "patrol")
    assert sorted(complaint.attachments.values_list("stage", flat=True)) == ["after", "evidence"]


def _token(page):
    return re.search(r'name="upload_token" value="([^"]+)"', page).group(1)


def test_a_failed_patrol_report_keeps_the_photos_already_attached(
    officer_a, category, django_capture_on_commit_callbacks
):
    """Issue 8: an invalid report (no address; ticked without a note) used to lose the chosen photos."""
    from enforcement.files.models import PendingUpload

    client = browser(officer_a)
    base = {"category": category.pk, "description": "流动摊贩占道"}
    failed = client.post(
        PATROL,
        {
            **base,
            "address": "",
            "fixed_on_the_spot": "on",
            "photos": [upload("现场1.jpg"), upload("现场2.jpg")],
            "after_photo": upload("整改后.jpg"),
        },
    )
    page = failed.content.decode()
    assert failed.status_code == 400 and not Complaint.objects.exists()
    assert "现场1.jpg" in page and "现场2.jpg" in page and "整改后.jpg" in page and "kept-uploads" in page
    assert 'data-kept="true"' in page  # the after-photo input counts as filled
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            PATROL,
            {
                **base,
                "address": "公园路3号",
                "fixed_on_the_spot": "on",
                "closure_note": "已劝离",
                "upload_token": _token(page),
            },
        )
    assert done.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.status == S.CLOSED
    assert sorted(complaint.attachments.values_list("original_name", "stage")) == [
        ("整改后.jpg", "after"),
        ("现场1.jpg", "evidence"),
        ("现场2.jpg", "evidence"),
    ]
    assert complaint.attachments.get(original_name="现场1.jpg").file.read() == JPEG
    assert not PendingUpload.objects.exists()  # used, then gone


def test_a_kept_photo_can_be_removed_and_a_kept_file_is_the_users_own(
    officer_a, make_user, squad_a, category
):
    from enforcement.files.models import PendingUpload

    client = browser(officer_a)
    base = {"category": category.pk, "description": "流动摊贩占道"}
    page = client.post(PATROL, {**base, "photos": [upload("a.jpg"), upload("b.jpg")]}).content.decode()
    token, remove = _token(page), PendingUpload.objects.get(original_name="a.jpg").pk
    colleague = browser(make_user("officer", unit=squad_a))
    colleague.post(PATROL, {**base, "address": "公园路5号", "upload_token": token})
    assert not Complaint.objects.get().attachments.exists()  # another user's token brings nothing
    client.post(PATROL, {**base, "address": "公园路3号", "upload_token": token, "remove_upload": remove})
    assert list(Complaint.objects.latest("pk").attachments.values_list("original_name", flat=True)) == [
        "b.jpg"
    ]


def test_a_failed_intake_keeps_its_files(intake_city, category):
    client = browser(intake_city)
    failed = client.post(
        CREATE, intake_data(category, address="", files=[upload("现场.jpg"), upload("x.exe", EXE)])
    )
    page = failed.content.decode()
    assert failed.status_code == 400 and "现场.jpg" in page
    client.post(CREATE, intake_data(category, upload_token=_token(page)))
    assert list(Complaint.objects.get().attachments.values_list("original_name", flat=True)) == ["现场.jpg"]


def test_the_on_the_spot_fields_are_marked_and_still_checked(officer_a, category):
    """Issue 8: the fields that become required when "fixed on the spot" is ticked were not marked; the
    page's script marks the inputs carrying data-required-when (tests/browser/test_patrol_form.py)."""
    page = browser(officer_a).get(PATROL).content.decode()
    for name in ("closure_note", "after_photo"):
        tag = re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'data-required-when="fixed_on_the_spot"' in tag
    assert page.count("Required when it was fixed on the spot.") == 2  # said in words without the script
    refused = browser(officer_a).post(
        PATROL,
        {"category": category.pk, "description": "占道", "address": "公园路3号", "fixed_on_the_spot": "on"},
    )
    assert refused.status_code == 400 and not Complaint.objects.exists()


# --- detail and actions ---------------------------------------------------------------------------------
def test_buttons_come_from_allowed_actions(make_user, district_a, category):
    c = ComplaintFactory(
        unit=district_a, category=category, status=S.DISPATCHED, previous_unit=district_a.parent
    )
    officer = make_user("officer", unit=district_a)
    page = browser(officer).get(c.get_absolute_url()).content.decode()
    shown = re.findall(r'data-action="(\w+)"', page)
    assert shown == c.allowed_actions(officer) == ["send_back", "start", "request_extension"]


def test_action_post_runs_the_service(make_user, district_a, category):
    c = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS)
    officer = make_user("officer", unit=district_a)
    response = browser(officer).post(
        action_url(c, "reply"), {"reply-reply_text": "已整改", "reply-version": c.version}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.reply_text, c.replied_by) == (S.REPLIED, "已整改", officer)


def test_reply_on_a_rejected_complaint_shows_409(make_user, city, category):
    c = ComplaintFactory(unit=city, category=category, status=S.REJECTED)
    response = browser(make_user("intake", unit=city)).post(action_url(c, "reply"), {"reply-reply_text": "x"})
    assert response.status_code == 409
    c.refresh_from_db()
    assert c.status == S.REJECTED and c.reply_text == ""


def test_dispatch_out_of_scope_is_400_in_the_ui(make_user, district_a, district_b, category):
    c = ComplaintFactory(unit=district_a, category=category, status=S.ACCEPTED)
    response = browser(make_user("intake", unit=district_a)).post(
        action_url(c, "dispatch"), {"dispatch-unit": district_b.pk}
    )
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.status == S.ACCEPTED


def test_out_of_scope_pages_are_404(officer_a, district_b, category):
    c = ComplaintFactory(unit=district_b, category=category, status=S.DISPATCHED)
    client = browser(officer_a)
    assert client.get(c.get_absolute_url()).status_code == 404
    assert client.post(action_url(c, "start"), {}).status_code == 404
    assert (
        client.post(reverse("complaints:attachments", args=[c.pk]), {"files": [upload()]}).status_code == 404
    )


def test_a_file_downloads_in_scope_only(officer_a, officer_b, squad_b, category):
    from .. import services

    c = ComplaintFactory(unit=squad_b, category=category, status=S.IN_PROGRESS)
    photo = services.add_attachment(c, upload("现场.jpg"), by=officer_b)
    url = reverse("complaints:attachment", args=[c.pk, photo.pk])
    mine = browser(officer_b).get(url)
    assert mine.status_code == 200 and mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content) == JPEG
    assert browser(officer_a).get(url).status_code == 404  # another district's complaint: as if missing
    mine_too = ComplaintFactory(unit=officer_a.unit, category=category)  # in scope, but not the file's record
    assert (
        browser(officer_a).get(reverse("complaints:attachment", args=[mine_too.pk, photo.pk])).status_code
        == 404
    )


def test_files_with_when_and_where_they_were_taken(officer_a, category):
    c = ComplaintFactory(unit=officer_a.unit, category=category, status=S.IN_PROGRESS)
    response = browser(officer_a).post(
        reverse("complaints:attachments", args=[c.pk]),
        {
            "files": [upload("现场.jpg")],
            "stage": "evidence",
            "captured_at": "2026-11-30T09:15",
            "captured_lat": "23.025000",
            "captured_lng": "113.105000",
        },
    )
    assert response.status_code == 302
    photo = c.attachments.get()
    assert (timezone.localtime(photo.captured_at).hour, str(photo.lat)) == (9, "23.025000")
    page = browser(officer_a).get(c.get_absolute_url()).content.decode()
    assert "Taken at" in page


def test_merge_from_the_duplicates_panel(make_user, city, category):
    from decimal import Decimal

    keep = ComplaintFactory(unit=city, category=category, lat=Decimal("23.02"), lng=Decimal("113.12"))
    dup = ComplaintFactory(unit=city, category=category, lat=Decimal("23.0201"), lng=Decimal("113.12"))
    client = browser(make_user("intake", unit=city))
    page = client.get(dup.get_absolute_url()).content.decode()
    assert keep.number in page
    response = client.post(
        action_url(dup, "merge"), {"merge-into": keep.number, "merge-version": dup.version}
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into) == (S.MERGED, keep)


# --- work queue -----------------------------------------------------------------------------------------
def test_work_queue_lists_what_waits_for_each_role(make_user, city, district_a, category):
    officer = make_user("officer", unit=district_a)
    other = make_user("officer", unit=district_a)
    intake = make_user("intake", unit=city)
    unassigned = ComplaintFactory(unit=district_a, category=category, status=S.DISPATCHED)
    held_by_other = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS, handler=other)
    fresh = ComplaintFactory(unit=city, category=category, status=S.RECEIVED)
    closed = ComplaintFactory(unit=district_a, category=category, status=S.CLOSED)
    officer_urls = {item.url for item in workqueue.items_for(officer)}
    assert unassigned.get_absolute_url() in officer_urls
    assert (
        held_by_other.get_absolute_url() not in officer_urls and closed.get_absolute_url() not in officer_urls
    )
    intake_urls = {item.url for item in workqueue.items_for(intake)}
    assert fresh.get_absolute_url() in intake_urls and closed.get_absolute_url() not in intake_urls
    home = browser(officer).get("/").content.decode()
    assert unassigned.number in home


# --- deadline policy pages ------------------------------------------------------------------------------
def test_admin_edits_deadline_policy_in_the_ui(city_admin, officer_a):
    assert browser(officer_a).get(reverse("complaints:policy-create")).status_code == 403
    assert browser(officer_a).get(reverse("complaints:policies")).status_code == 200
    client = browser(city_admin)
    response = client.post(
        reverse("complaints:policy-create"),
        {
            "channel": "web",
            "unit": "working_days",
            "accept_within": 1,
            "reply_within": 4,
            "reply_counts_from": "received",
            "visit_within": 2,
            "visit_unit": "working_days",
            "max_extensions": 1,
            "max_extension": 3,
        },
    )
    assert response.status_code == 302
    policy = DeadlinePolicy.objects.get()
    response = client.post(
        reverse("complaints:policy-edit", args=[policy.pk]),
        {
            "channel": "web",
            "unit": "working_days",
            "accept_within": 1,
            "reply_within": 6,
            "reply_counts_from": "received",
            "visit_within": 2,
            "visit_unit": "working_days",
            "max_extensions": 1,
            "max_extension": 3,
            "version": policy.version,
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.reply_within, policy.version) == (6, 2)
    page = client.get(reverse("complaints:policies")).content.decode()
    assert "Extensions: up to 1, each at most 3 working days" in page and "×" not in page


def test_the_deadline_defaults_cite_their_articles_in_the_readers_words(officer_a):
    page = browser(officer_a).get(reverse("complaints:policies")).content.decode()
    assert "Regulations on Petitions Art. 23, Art. 34" in page and "信访工作条例 Art." not in page


def test_a_district_administrator_reads_deadline_policies_but_does_not_edit_them(admin_a):
    """Deadline policies are city-wide (enforcement.org.permissions): no edit buttons, and the edit
    pages refuse with the reason."""
    policy = DeadlinePolicy.objects.create(channel="web", accept_within=1, reply_within=4, visit_within=2)
    client = browser(admin_a)
    page = client.get(reverse("complaints:policies"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("complaints:policy-create") not in html
    assert reverse("complaints:policy-edit", args=[policy.pk]) not in html
    data = {
        "channel": "web",
        "unit": "working_days",
        "accept_within": 1,
        "reply_within": 9,
        "reply_counts_from": "received",
        "visit_within": 2,
        "visit_unit": "working_days",
        "max_extensions": 1,
        "max_extension": 3,
        "version": policy.version,
    }
    for url in (reverse("complaints:policy-create"), reverse("complaints:policy-edit", args=[policy.pk])):
        response = client.post(url, data)
        assert response.status_code == 403
        assert "Only a city administrator can change this" in response.content.decode()
    policy.refresh_from_db()
    assert (policy.reply_within, DeadlinePolicy.objects.count()) == (4, 1)


def test_the_officers_detail_page_never_shows_the_complainant(make_user, district_a, intake_a, category):
    from .. import services

    c = services.register_complaint(
        by=intake_a,
        channel="hotline_12345",
        category=category,
        description="噪音",
        address="人民路1号",
        complainant_name="张三丰",
        complainant_phone="13812345678",
    )
    officer = make_user("officer", unit=district_a)
    page = browser(officer).get(c.get_absolute_url()).content.decode()
    assert "138****5678" in page and "张**" in page
    assert "13812345678" not in page and "张三丰" not in page  # the timeline included
    full = browser(intake_a).get(c.get_absolute_url()).content.decode()
    assert "13812345678" in full


def test_exports_mask_the_complainant_even_for_intake(make_user, district_a, category):
    ComplaintFactory(
        unit=district_a,
        category=category,
        complainant_name="张三丰",
        complainant_phone="13812345678",
        description='含逗号,和"引号"',
    )
    intake = make_user("intake", unit=district_a)
    response = browser(intake).get(reverse("complaints:export"), {"status": "received"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and body.startswith("\ufeff")
    assert "138****5678" in body and "张**" in body
    assert "13812345678" not in body and "张三丰" not in body
    assert '"含逗号,和""引号"""' in body


def test_an_export_neutralises_cells_a_spreadsheet_would_read_as_formulas(make_user, district_a, category):
    ComplaintFactory(
        unit=district_a,
        category=category,
        description='=HYPERLINK("http://evil","点我")',
        address="@SUM(1+1)人民路",
    )
    ComplaintFactory(unit=district_a, category=category, description="-2+3", address="\t人民路2号")
    response = browser(make_user("intake", unit=district_a)).get(reverse("complaints:export"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert '"\'=HYPERLINK(""http://evil"",""点我"")"' in body and ",'@SUM(1+1)人民路," in body
    assert ",'-2+3\r\n" in body and "'\t人民路2号" in body
    assert ",=" not in body and ",@" not in body


def test_empty_any_choices_are_ignored_and_bad_filters_match_nothing(make_user, city, category):
    c = ComplaintFactory(unit=city, category=category)
    client = browser(make_user("intake", unit=city))
    page = client.get(LIST, {"q": c.number, "status": "", "channel": "", "due": ""}).content.decode()
    assert re.findall(r'data-id="(\d+)"', page) == [str(c.pk)] and "alert-warning" not in page
    bad = client.get(LIST, {"status": "no-such-status"}).content.decode()
    assert re.findall(r'data-id="(\d+)"', bad) == [] and "alert-warning" in bad


def test_a_search_shows_more_than_a_page_uncounted_and_one_character_is_refused(make_user, city, category):
    for i in range(27):
        ComplaintFactory(unit=city, category=category, description=f"夜市烧烤摊占道{i}")
    ComplaintFactory(unit=city, category=category, description="井盖破损")
    client = browser(make_user("intake", unit=city))
    page = client.get(LIST, {"q": "烧烤"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'data-id="(\d+)"', page)) == 25 and 'id="next-page"' in page
    assert "More than 25 complaints match" in page
    assert (
        "1 complaint\n" in client.get(LIST, {"q": "井盖"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )  # counted
    refused = client.get(LIST, {"q": "烧"}).content.decode()
    assert re.findall(r'data-id="(\d+)"', refused) == [] and "alert-warning" in refused


def test_filter_choices_are_escaped_and_keep_the_selection(make_user, city, category):
    from enforcement.org.tests.factories import GridFactory, OrgUnitFactory

    unit = OrgUnitFactory(parent=city, name='<b>"南区"</b>', name_en='<b>"South"</b>')
    grid = GridFactory(unit=unit)
    page = (
        browser(make_user("intake", unit=city)).get(LIST, {"unit": unit.pk, "grid": grid.pk}).content.decode()
    )

    def select(name):
        return re.search(rf'<select [^>]*id="filter-{name}">(.*?)</select>', page, re.S).group(1)

    assert f'<option value="{unit.pk}" selected>' in select("unit") and "<b>" not in page
    assert "&lt;b&gt;&quot;South&quot;&lt;/b&gt;" in select("unit")
    assert f'<option value="{grid.pk}" selected>' in select("grid")
    assert f'<option value="{category.pk}">' in select("category") and " selected" not in select("category")


def test_a_new_sub_category_is_found_under_its_parent_at_once(make_user, city, category):
    from enforcement.catalog.tests.factories import ViolationCategoryFactory

    client = browser(make_user("intake", unit=city))
    assert client.get(LIST, {"category": category.pk}).status_code == 200  # fills the category cache
    sub = ViolationCategoryFactory(parent=category)
    c = ComplaintFactory(unit=city, category=sub)
    assert re.findall(r'data-id="(\d+)"', client.get(LIST, {"category": category.pk}).content.decode()) == [
        str(c.pk)
    ]


def test_a_closed_complaint_offers_no_upload_and_refuses_one(officer_a, category):
    c = ComplaintFactory(unit=officer_a.unit, category=category, status=S.CLOSED)
    client = browser(officer_a)
    assert b"attachment-form" not in client.get(c.get_absolute_url()).content
    response = client.post(
        reverse("complaints:attachments", args=[c.pk]), {"files": [upload()], "stage": "after"}
    )
    assert response.status_code == 409 and b"only while the complaint is open" in response.content
    assert not c.attachments.exists()
    open_one = ComplaintFactory(unit=officer_a.unit, category=category, status=S.IN_PROGRESS)
    assert b"attachment-form" in client.get(open_one.get_absolute_url()).content


def test_a_reopened_complaint_still_shows_the_earlier_reply_and_the_unsatisfied_visit(
    intake_city, district_a, district_officer_a, category
):
    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    from enforcement.audit.models import AuditEvent

    from .. import services

    c = ComplaintFactory(unit=district_a, status=S.IN_PROGRESS, category=category, handler=district_officer_a)
    c = services.reply(c, by=district_officer_a, reply_text="已责令摊贩撤离")
    first_reply_at = c.replied_at
    c = services.record_visit(c, by=intake_city, satisfaction="unsatisfied", note="仍有摊贩")
    c = services.reopen(c, by=intake_city, reason="群众不满意")
    page = browser(intake_city).get(c.get_absolute_url()).content.decode()
    earlier = page.split('earlier-round">')[1].split("</dl>")[0]
    with translation.override("en"):
        assert (
            "已责令摊贩撤离" in earlier
            and date_filter(timezone.localtime(first_reply_at), "SHORT_DATETIME_FORMAT") in earlier
        )
    assert "Unsatisfied" in earlier and "仍有摊贩" in earlier and "群众不满意" in earlier
    assert 'complaint-reply"' not in page  # no current reply yet: the old one is not shown as if it were
    c = services.start(c, by=district_officer_a)
    c = services.reply(c, by=district_officer_a, reply_text="已整改并加强巡查")
    c = services.record_visit(c, by=intake_city, satisfaction="satisfied")
    page = browser(intake_city).get(c.get_absolute_url()).content.decode()
    assert page.count("earlier-round") == 1 and "已责令摊贩撤离" in page and "已整改并加强巡查" in page
    # Countable for the statistics: the reopen's event keeps what it cleared.
    reopen = AuditEvent.objects.for_object(c).get(verb="reopen")
    assert reopen.before["satisfaction"] == "unsatisfied" and reopen.before["replied_at"]
    assert c.reopen_count == 1


def _panels(page):
    """(slug, summary button classes, label, confirm question) of each action panel, in page order."""
    return re.findall(
        r'data-action="([a-z_]+)".*?<summary class="btn ([^"]+?) w-100 action-toggle">([^<]+)</summary>'
        r'.*?class="mt-2 action-form"\s*(?:data-confirm="([^"]*)")?',
        page,
        re.S,
    )


def test_after_an_unsatisfied_visit_reopening_leads_and_closing_asks_first(intake_city, district_a, category):
    unsatisfied = ComplaintFactory(
        unit=district_a, status=S.VISITED, category=category, satisfaction="unsatisfied"
    )
    panels = _panels(browser(intake_city).get(unsatisfied.get_absolute_url()).content.decode())
    assert [p[0] for p in panels[:2]] == ["reopen", "close"]
    (_, reopen_class, _, _), (_, close_class, _, close_question) = panels[:2]
    assert reopen_class == "btn-primary" and close_class == "btn-outline-secondary"
    assert close_question == "Close this complaint? It then counts as finished."
    satisfied = ComplaintFactory(
        unit=district_a, status=S.VISITED, category=category, satisfaction="satisfied"
    )
    panels = _panels(browser(intake_city).get(satisfied.get_absolute_url()).content.decode())
    assert panels[0][:2] == ("close", "btn-success") and "reopen" not in [p[0] for p in panels]
    assert panels[0][3]  # closing asks, whatever the visit said


def test_action_buttons_and_messages_read_as_a_clerk_would_say_them(intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category, status=S.RECEIVED)
    client = browser(intake_city)
    page = client.get(c.get_absolute_url()).content.decode()
    assert "Confirm:" not in page
    assert re.search(r'name="submit-accept">\s*<i[^>]*></i> Accept\s*</button>', page)
    done = client.post(action_url(c, "accept"), {"accept-version": c.version}, follow=True)
    assert "Accepted. Now dispatch it to the unit that will handle it." in done.content.decode()
    assert ": done." not in done.content.decode()


def test_a_dispatched_complaint_offers_a_re_dispatch(intake_city, city, district_a, category):
    c = ComplaintFactory(unit=city, category=category, status=S.ACCEPTED)
    client = browser(intake_city)
    assert ("dispatch", "Dispatch") in [
        (p[0], p[2]) for p in _panels(client.get(c.get_absolute_url()).content.decode())
    ]
    client.post(action_url(c, "dispatch"), {"dispatch-unit": district_a.pk, "dispatch-version": c.version})
    c.refresh_from_db()
    assert c.status == S.DISPATCHED
    assert ("dispatch", "Re-dispatch") in [
        (p[0], p[2]) for p in _panels(client.get(c.get_absolute_url()).content.decode())
    ]


def test_the_dispatch_form_ties_each_officer_to_a_unit_for_the_script(
    intake_city, city, squad_a, squad_b, officer_a, officer_b, make_user, category
):
    retired = make_user("officer", unit=squad_a, username="retired", is_active=False)
    c = ComplaintFactory(unit=city, category=category, status=S.ACCEPTED)
    page = browser(intake_city).get(c.get_absolute_url()).content.decode()
    form = page.split('data-action="dispatch"')[1].split("</details>")[0]
    assert "data-unit-select" in form and "data-follows-unit" in form
    assert f'value="{squad_a.pk}" data-path="{squad_a.path}"' in form
    handlers = form.split("data-follows-unit")[1].split("</select>")[0]
    assert f'value="{officer_a.pk}" data-path="{squad_a.path}"' in handlers
    assert f'value="{officer_b.pk}" data-path="{squad_b.path}"' in handlers
    assert f'value="{retired.pk}"' not in handlers
    assert "complaints/complaints.js" in page
    from .. import services

    with pytest.raises(services.ValidationError):  # the server checks what the script only hides
        services.dispatch(
            services.accept(ComplaintFactory(unit=city, category=category), by=intake_city),
            by=intake_city,
            unit=squad_a,
            handler=officer_b,
        )


def test_a_patrol_find_is_not_dressed_as_a_citizen_complaint(officer_a, category):
    client = browser(officer_a)
    client.post(
        PATROL,
        {
            "category": category.pk,
            "description": "流动摊贩占道",
            "address": "公园路3号",
            "photos": [upload()],
            "fixed_on_the_spot": "on",
            "closure_note": "已劝离",
            "after_photo": upload("after.jpg", JPEG),
        },
    )
    find = Complaint.objects.get()
    page = client.get(find.get_absolute_url()).content.decode()
    assert find.on_the_spot and 'class="mb-0 small complainant"' not in page and "masked" not in page
    card = page.split('id="deadlines-title"')[1].split("</section>")[0]
    assert "Reply by" not in card and "Accept by" not in card and "complaint-reply-due" not in page
    citizen = ComplaintFactory(unit=officer_a.unit, category=category, status=S.IN_PROGRESS)
    page = client.get(citizen.get_absolute_url()).content.decode()
    assert 'class="mb-0 small complainant"' in page and "Reply by" in page


def test_the_patrol_report_is_one_tap_from_an_officers_home(officer_a, intake_city):
    assert (
        f'class="btn btn-primary btn-lg patrol-report" href="{PATROL}"'
        in browser(officer_a).get("/").content.decode()
    )
    assert "patrol-report" not in browser(intake_city).get("/").content.decode()


def test_the_12345_ticket_number_has_its_own_field_and_finds_the_complaint(intake_city, category):
    client = browser(intake_city)
    page = client.get(CREATE).content.decode()
    assert "12345 ticket number" in page and 'data-shown-for="hotline_12345"' in page
    bad = client.post(CREATE, intake_data(category, external_ref="工单 1"))
    assert bad.status_code == 400 and "letters, digits and hyphens only" in bad.content.decode()
    elsewhere = client.post(CREATE, intake_data(category, channel="letter", external_ref="GD20261201-0042"))
    assert elsewhere.status_code == 400 and not Complaint.objects.exists()
    assert client.post(CREATE, intake_data(category, external_ref="GD20261201-0042")).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.external_ref == "GD20261201-0042"
    found = client.get(reverse("complaints:list"), {"q": "GD20261201-0042"}).content.decode()
    assert complaint.number in found


def test_the_complaint_page_prints_without_navigation_or_forms(intake_city, city, category):
    from django.contrib.staticfiles import finders

    c = ComplaintFactory(unit=city, category=category)
    page = browser(intake_city).get(c.get_absolute_url()).content.decode()
    assert 'href="/static/complaints/print.css" media="print"' in page
    # The platform's print rule hides navigation, forms and buttons on every page (a browser test prints it).
    css = open(finders.find("css/app.css"), encoding="utf-8").read()
    rule = css[css.index("@media print") :]
    assert all(part in rule for part in (".app-navbar", "form", ".btn", ".workflow-actions"))
