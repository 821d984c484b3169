"""The catalogue pages: every signed-in user browses the violation categories and legal parameters;
a city administrator (`org.permissions.can_edit_city_wide`) creates and edits them. Edits carry the
version they started from, so a concurrent edit is refused with a clear message, never overwritten."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcement.org.permissions import can_edit_city_wide, city_admin_required
from enforcement.versioning import StaleEdit

from .forms import CategorySearchForm, ConfirmForm, LegalParameterForm, ViolationCategoryForm
from .models import LegalParameter, ViolationCategory
from .params import DEFAULTS
from .services import create_category, save_changes, set_category_active


def _category(request, pk):
    return get_object_or_404(
        ViolationCategory.objects.visible_to(request.user).select_related("parent"), pk=pk
    )


def _form_values(form):
    return {name: value for name, value in form.cleaned_data.items() if name != "version"}


def _in_table_order(parameters):
    """In the order of params.DEFAULTS, which groups them by stage of the procedure."""
    order = {key: n for n, key in enumerate(DEFAULTS)}
    return sorted(parameters, key=lambda p: (order.get(p.key, len(order)), p.key))


@login_required
def category_list(request):
    search = CategorySearchForm(request.GET or None)
    return render(
        request,
        "catalog/category_list.html",
        {
            "search": search,
            "tree": search.tree(),
            "parameters": _in_table_order(LegalParameter.objects.visible_to(request.user)),
            "can_edit": can_edit_city_wide(request.user),
        },
    )


@login_required
def category_detail(request, pk):
    category = _category(request, pk)
    return render(
        request,
        "catalog/category_detail.html",
        {
            "category": category,
            "children": category.children.all(),
            "can_edit": can_edit_city_wide(request.user),
        },
    )


@city_admin_required
def category_create(request):
    initial = {}
    if parent := ViolationCategory.objects.top_level().filter(pk=request.GET.get("parent") or None).first():
        initial["parent"] = parent
    form = ViolationCategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        category = create_category(_form_values(form), by=request.user)
        messages.success(request, _("Created “%(object)s”.") % {"object": category})
        return redirect("catalog:category-detail", category.pk)
    return render(request, "catalog/category_form.html", {"form": form})


@city_admin_required
def category_edit(request, pk):
    category = _category(request, pk)
    form = ViolationCategoryForm(request.POST or None, instance=copy.copy(category))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save_changes(
                category, _form_values(form), by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            stale = True
        except ValidationError as exc:  # e.g. its major category was deactivated meanwhile
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved “%(object)s”.") % {"object": category})
            return redirect("catalog:category-detail", category.pk)
    return render(request, "catalog/category_form.html", {"form": form, "object": category, "stale": stale})


def _set_active(request, pk, active):
    category = _category(request, pk)
    form = ConfirmForm(request.POST or None, instance=copy.copy(category))
    if request.method == "POST" and form.is_valid():
        try:
            changed = set_category_active(
                category, active, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            count = len(changed) - 1  # the sub-categories deactivated with it
            if active:
                message = _("Reactivated “%(object)s”.")
            elif count:
                message = ngettext(
                    "Deactivated “%(object)s” and its %(count)d sub-category.",
                    "Deactivated “%(object)s” and its %(count)d sub-categories.",
                    count,
                )
            else:
                message = _("Deactivated “%(object)s”.")
            messages.success(request, message % {"object": category, "count": count})
            return redirect("catalog:category-detail", category.pk)
    return render(
        request,
        "catalog/category_activation.html",
        {
            "form": form,
            "category": category,
            "activate": active,
            "affected_children": [] if active else category.children.filter(is_active=True),
        },
    )


@city_admin_required
def category_deactivate(request, pk):
    return _set_active(request, pk, active=False)


@city_admin_required
def category_activate(request, pk):
    return _set_active(request, pk, active=True)


@city_admin_required
def parameter_edit(request, pk):
    parameter = get_object_or_404(LegalParameter.objects.visible_to(request.user), pk=pk)
    form = LegalParameterForm(request.POST or None, instance=copy.copy(parameter))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save_changes(
                parameter, _form_values(form), by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            stale = True
        else:
            messages.success(request, _("Saved “%(object)s”.") % {"object": parameter.display_description})
            return redirect(reverse("catalog:category-list") + "#parameters")
    return render(
        request, "catalog/parameter_form.html", {"form": form, "parameter": parameter, "stale": stale}
    )
