"""What a client sends: the POST of a service request and the filters of the request list (GeoReport v2
field names). Validation errors become GeoReport 400 errors in the views."""

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from complaints.choices import OPEN_STATUSES
from enforcement.catalog.models import ViolationCategory

SIX_PLACES = Decimal("0.000001")
DEFAULT_WINDOW = timedelta(days=90)  # GeoReport v2: without dates, the last 90 days
STATUS_VALUES = ("open", "closed")


def services():
    """The services: active categories a complaint can be filed under — sub-categories (小类) of an active
    major category, and major categories that have none."""
    categories = list(ViolationCategory.objects.filter(is_active=True).select_related("parent"))
    parents_with_children = {c.parent_id for c in categories if c.parent_id}
    return [
        c
        for c in categories
        if (c.parent_id is None and c.pk not in parents_with_children) or (c.parent_id and c.parent.is_active)
    ]


def service_by_code(code):
    return next((c for c in services() if c.code == code), None)


def _coordinate(value, low, high, name):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise forms.ValidationError(_("%(name)s must be a number.") % {"name": name}) from None
    if not number.is_finite() or not low <= number <= high:
        raise forms.ValidationError(
            _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}
        )
    return number.quantize(SIX_PLACES)


class ServiceRequestForm(forms.Form):
    service_code = forms.CharField(max_length=32)
    lat = forms.CharField(required=False)
    long = forms.CharField(required=False)
    address_string = forms.CharField(required=False, max_length=255)
    address_id = forms.CharField(required=False, max_length=64)
    description = forms.CharField(max_length=4000)
    first_name = forms.CharField(required=False, max_length=50)
    last_name = forms.CharField(required=False, max_length=50)
    phone = forms.RegexField(
        required=False,
        max_length=32,
        regex=r"^[0-9+\-() ]*$",
        error_messages={"invalid": _("Enter a phone number (digits, +, -, spaces).")},
    )
    email = forms.EmailField(required=False)
    media_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    jurisdiction_id = forms.CharField(required=False, max_length=100)
    device_id = forms.CharField(required=False, max_length=100)
    account_id = forms.CharField(required=False, max_length=100)

    def clean_service_code(self):
        category = service_by_code(self.cleaned_data["service_code"].strip())
        if category is None:
            raise forms.ValidationError(_("Unknown service_code; see services.json."))
        return category

    def clean_lat(self):
        return _coordinate(self.cleaned_data.get("lat"), -90, 90, "lat")

    def clean_long(self):
        return _coordinate(self.cleaned_data.get("long"), -180, 180, "long")

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Describe the matter."))
        return description

    def clean(self):
        data = super().clean()
        if "lat" not in data or "long" not in data:
            return data  # a coordinate was refused already
        lat, lng = data["lat"], data["long"]
        if (lat is None) != (lng is None):
            self.add_error("long" if lng is None else "lat", _("Give both lat and long, or neither."))
        elif lat is None and not data.get("address_string", "").strip():
            message = _("Give the location: lat and long, or address_string.")
            if data.get("address_id"):
                message = _("address_id is not supported here; give lat and long, or address_string.")
            self.add_error("address_string", message)
        return data

    def complainant_name(self):
        first, last = (
            self.cleaned_data.get("first_name", "").strip(),
            self.cleaned_data.get("last_name", "").strip(),
        )
        if first and last and not (first.isascii() and last.isascii()):
            return f"{last}{first}"  # a Chinese name: family name first, no space
        return " ".join(part for part in (first, last) if part)

    def address(self):
        address = self.cleaned_data.get("address_string", "").strip()
        if address:
            return address
        return f"{self.cleaned_data['lat']}, {self.cleaned_data['long']}"


def _moment(value, *, end=False):
    """A w3c datetime, or a date (its start; the start of the next day for an end_date)."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class RequestListForm(forms.Form):
    service_request_id = forms.CharField(required=False, max_length=2000)
    service_code = forms.CharField(required=False, max_length=1000)
    start_date = forms.CharField(required=False)
    end_date = forms.CharField(required=False)
    status = forms.CharField(required=False)

    def _list(self, name):
        return [part.strip() for part in self.cleaned_data.get(name, "").split(",") if part.strip()]

    def clean_start_date(self):
        value = self.cleaned_data["start_date"].strip()
        try:
            return _moment(value) if value else None
        except ValueError:
            raise forms.ValidationError(
                _("start_date must be a w3c date-time, e.g. 2026-11-25T09:00:00+08:00.")
            ) from None

    def clean_end_date(self):
        value = self.cleaned_data["end_date"].strip()
        try:
            return _moment(value, end=True) if value else None
        except ValueError:
            raise forms.ValidationError(
                _("end_date must be a w3c date-time, e.g. 2026-11-25T18:00:00+08:00.")
            ) from None

    def clean_status(self):
        values = self._list("status")
        if any(value not in STATUS_VALUES for value in values):
            raise forms.ValidationError(_("status is open, closed or both (comma-separated)."))
        return values

    def filter(self, queryset):
        ids = self._list("service_request_id")
        if ids:  # GeoReport v2: with ids, the other filters do not apply
            return queryset.filter(number__in=ids)
        codes = self._list("service_code")
        if codes:
            queryset = queryset.filter(category__code__in=codes)
        start, end = self.cleaned_data.get("start_date"), self.cleaned_data.get("end_date")
        if start is None and end is None:
            start = timezone.now() - DEFAULT_WINDOW
        elif start is None:
            start = end - DEFAULT_WINDOW
        queryset = queryset.filter(received_at__gte=start)
        if end is not None:
            queryset = queryset.filter(received_at__lt=end)
        statuses = set(self.cleaned_data.get("status") or [])
        if statuses == {"open"}:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            queryset = queryset.exclude(status__in=OPEN_STATUSES)
        return queryset
