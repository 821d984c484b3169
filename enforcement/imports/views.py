"""The history import pages: the upload form with each kind's column layout and its CSV template, and a
job's page, which reloads itself every 2 s until the job is done and lists the refused lines."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from enforcement.org.forms import BootstrapFormMixin

from . import layouts, services
from .models import ImportJob, ImportKind

REFRESH_SECONDS = 2
RECENT_JOBS = 20


class ImportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8 or GB18030) or XLSX, its first row the column headers.")
    )


def _importer(request):
    if not services.can_import(request.user):
        raise PermissionDenied(_("Only administrators and statisticians import history."))


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(
                kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(job)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:RECENT_JOBS]
    return render(
        request, "imports/upload.html", {"form": form, "layouts": layouts.all_layouts(), "jobs": jobs}
    )


@login_required
def detail(request, pk):
    _importer(request)
    job = get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("created_by"), pk=pk)
    errors = [{**e, "message": layouts.error_message(job.kind, e)} for e in job.errors]
    context = {"job": job, "errors": errors, "refresh": None if job.is_finished else REFRESH_SECONDS}
    return render(request, "imports/detail.html", context)


@login_required
def template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(layouts.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{layouts.layout(kind).template_name}"'
    return response
