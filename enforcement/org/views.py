"""The work queue, login, one's own password, and the administrators' pages for org units and users.

Every management page goes through `visible_to(request.user)`: an administrator of a district manages
only that district's subtree, and anything outside it answers 404. Non-administrators get 403."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_create, record_event, record_update, snapshot
from enforcement.versioning import StaleEdit

from . import workqueue
from .forms import (
    AdminSetPasswordForm,
    DeactivateUserForm,
    GridForm,
    LoginForm,
    OrgUnitForm,
    OwnPasswordChangeForm,
    UnitSearchForm,
    UserCreateForm,
    UserForm,
    UserSearchForm,
)
from .models import Grid, OrgUnit, User

MEMBERS_SHOWN = 50


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(lockout_minutes=settings.LOGIN_LOCKOUT_MINUTES, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Anyone signed in changes their own password. Only the password column is written (an
    administrator's concurrent edit of the user stays), the audit says that it changed but never the
    value, and this session stays signed in (other sessions of the user end: their hash no longer fits)."""

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        user = form.user
        with transaction.atomic():
            user.set_password(form.cleaned_data["new_password1"])
            user.save(update_fields=["password"])
            record_event(user, AuditAction.UPDATE, actor=user, verb="change_password")
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password is changed. Sign in with the new one from now on."))
        return redirect(self.get_success_url())


@login_required
def home(request):
    """The work queue (待办): what waits for this user, by time left, optionally for one next step. Domain
    apps fill it."""
    steps = workqueue.steps_for(request.user)
    step = request.GET.get("step", "")
    if step not in dict(steps):
        step = ""
    items = workqueue.items_for(request.user, step=step)
    counts = {"overdue": 0, "due_soon": 0}
    for item in items:
        if item.urgency in counts:
            counts[item.urgency] += 1
    return render(
        request, "home.html", {"work_items": items, "urgency_counts": counts, "steps": steps, "step": step}
    )


# --- shared pieces -------------------------------------------------------------------------------
class AdminRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous → login page; signed in without the admin role → 403."""

    def test_func(self):
        return self.request.user.is_admin


class ScopedUnitsMixin(AdminRequiredMixin):
    model = OrgUnit
    context_object_name = "unit"

    def get_queryset(self):
        return OrgUnit.objects.visible_to(self.request.user)


class ScopedUsersMixin(AdminRequiredMixin):
    model = User
    context_object_name = "member"  # `user` is the signed-in user in every template

    def get_queryset(self):
        users = User.objects.visible_to(self.request.user).select_related("unit")
        if not self.request.user.is_superuser:
            users = users.filter(is_superuser=False)  # nobody below a superuser manages one
        return users


class ScopedGridsMixin(AdminRequiredMixin):
    model = Grid
    context_object_name = "grid"

    def get_queryset(self):
        return Grid.objects.visible_to(self.request.user).select_related("unit")

    def get_success_url(self):
        return reverse("org:unit-detail", args=[self.object.unit_id]) + "#grids-heading"


class FormUserMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class AuditedCreateMixin(FormUserMixin):
    """Saves the new record and its audit event in one transaction."""

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
            record_create(self.object, actor=self.request.user)
        messages.success(self.request, _("Created “%(object)s”.") % {"object": self.object})
        return redirect(self.get_success_url())


class VersionedUpdateMixin(FormUserMixin):
    """An edit saves only if nobody saved since the form was loaded: otherwise the form comes back (409)
    with the user's input and a clear error, and what the other person saved stays."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.before = self.snapshot(obj)  # before the bound form writes into the instance
        return obj

    def snapshot(self, obj):
        return snapshot(obj)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save(commit=False)
                self.object.save_versioned(form.cleaned_data["version"])
                self.after_save(form)
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form, stale=True), status=409)
        messages.success(self.request, _("Saved “%(object)s”.") % {"object": self.object})
        return redirect(self.get_success_url())

    def after_save(self, form):
        record_update(self.object, self.before, actor=self.request.user)


def base_depth(user):
    """Depth of the highest unit an admin sees, so their list starts at the left margin."""
    return 0 if user.sees_all_units or user.unit is None else user.unit.depth


# --- org units -----------------------------------------------------------------------------------
class UnitListView(ScopedUnitsMixin, generic.ListView):
    template_name = "org/unit_list.html"
    context_object_name = "units"
    paginate_by = 50

    def get_queryset(self):
        self.search = UnitSearchForm(self.request.GET or None)
        units = self.search.filter(super().get_queryset())
        return units.annotate(member_count=Count("members", filter=Q(members__is_active=True))).order_by(
            "path"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(search=self.search, **kwargs)
        top = base_depth(self.request.user)
        for unit in context["units"]:
            unit.indent = max(unit.depth - top, 0)
        return context


class UnitDetailView(ScopedUnitsMixin, generic.DetailView):
    template_name = "org/unit_detail.html"

    def get_context_data(self, **kwargs):
        unit = self.object
        visible = OrgUnit.objects.visible_to(self.request.user)
        members = unit.members.order_by("-is_active", "full_name").prefetch_related("role_assignments")
        return super().get_context_data(
            ancestors=visible.filter(pk__in=unit.ancestors().values("pk")),
            children=unit.children.order_by("path").annotate(
                member_count=Count("members", filter=Q(members__is_active=True))
            ),
            members=members[:MEMBERS_SHOWN],
            member_total=unit.members.count(),
            grids=unit.grids.order_by("code"),
            **kwargs,
        )


class UnitFromQueryMixin:
    """A create form started from a unit's page gets that unit (`?<unit_from_query>=<id>`, in scope)."""

    unit_from_query = None

    def get_initial(self):
        initial = super().get_initial()
        value = self.request.GET.get(self.unit_from_query)
        if value and value.isdigit():
            initial[self.unit_from_query] = (
                OrgUnit.objects.visible_to(self.request.user).filter(pk=value).first()
            )
        return initial


class UnitCreateView(ScopedUnitsMixin, UnitFromQueryMixin, AuditedCreateMixin, generic.CreateView):
    template_name = "org/unit_form.html"
    form_class = OrgUnitForm

    unit_from_query = "parent"  # "Add sub-unit" on a unit's page

    def get_success_url(self):
        return reverse("org:unit-detail", args=[self.object.pk])


class UnitUpdateView(ScopedUnitsMixin, VersionedUpdateMixin, generic.UpdateView):
    template_name = "org/unit_form.html"
    form_class = OrgUnitForm

    def after_save(self, form):
        if "parent" in form.changed_data:
            self.object.save()  # recomputes the materialised path of the unit and its subtree
        super().after_save(form)

    def get_success_url(self):
        return reverse("org:unit-detail", args=[self.object.pk])


# --- grids ---------------------------------------------------------------------------------------
class GridCreateView(ScopedGridsMixin, UnitFromQueryMixin, AuditedCreateMixin, generic.CreateView):
    template_name = "org/grid_form.html"
    form_class = GridForm

    unit_from_query = "unit"  # "New grid" on a unit's page


class GridUpdateView(ScopedGridsMixin, VersionedUpdateMixin, generic.UpdateView):
    template_name = "org/grid_form.html"
    form_class = GridForm


# --- users ---------------------------------------------------------------------------------------
def user_snapshot(user):
    """The audited fields of a user, roles included (they live in their own table)."""
    return {**snapshot(user), "roles": sorted(user.roles)}


def record_user_update(user, before, actor):
    record_update(user, before, actor=actor, after=user_snapshot(user))


class UserListView(ScopedUsersMixin, generic.ListView):
    template_name = "org/user_list.html"
    context_object_name = "members"
    paginate_by = 25

    def get_queryset(self):
        self.search = UserSearchForm(self.request.GET or None, user=self.request.user)
        users = self.search.filter(super().get_queryset())
        return users.prefetch_related("role_assignments").order_by("full_name", "username")

    def get_context_data(self, **kwargs):
        return super().get_context_data(search=self.search, **kwargs)


class UserDetailView(ScopedUsersMixin, generic.DetailView):
    template_name = "org/user_detail.html"


class UserCreateView(ScopedUsersMixin, FormUserMixin, generic.CreateView):
    template_name = "org/user_form.html"
    form_class = UserCreateForm

    def get_initial(self):
        return {**super().get_initial(), "unit": self.request.user.unit}

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save(commit=False)
            form.set_password_and_save(user)
            user.set_roles(form.cleaned_data["roles"])
            record_event(user, AuditAction.CREATE, actor=self.request.user, after=user_snapshot(user))
        self.object = user
        messages.success(self.request, _("Created “%(object)s”.") % {"object": user})
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("org:user-detail", args=[self.object.pk])


class UserUpdateView(ScopedUsersMixin, VersionedUpdateMixin, generic.UpdateView):
    template_name = "org/user_form.html"
    form_class = UserForm

    def snapshot(self, obj):
        return user_snapshot(obj)

    def after_save(self, form):
        self.object.set_roles(form.cleaned_data["roles"])
        record_user_update(self.object, self.before, self.request.user)

    def get_success_url(self):
        return reverse("org:user-detail", args=[self.object.pk])


class UserSetPasswordView(ScopedUsersMixin, generic.DetailView):
    template_name = "org/user_password.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AdminSetPasswordForm(self.object))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = user = self.get_object()
        form = AdminSetPasswordForm(user, request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with transaction.atomic():
            user.set_password(form.cleaned_data["new_password1"])
            user.save(update_fields=["password"])
            record_event(user, AuditAction.UPDATE, actor=request.user, verb="set_password")
        if user == request.user:
            update_session_auth_hash(request, user)  # setting one's own password keeps one signed in
        messages.success(request, _("The password of “%(object)s” is set.") % {"object": user})
        return redirect("org:user-detail", user.pk)


class UserActivationView(ScopedUsersMixin, generic.UpdateView):
    """Deactivate (or reactivate) after a confirmation page: users are never deleted, their records
    and audit trail keep pointing at them."""

    template_name = "org/user_activation.html"
    form_class = DeactivateUserForm
    activate = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(activate=self.activate, **kwargs)

    def form_valid(self, form):
        user = self.object
        if user == self.request.user and not self.activate:
            form.add_error(None, _("You cannot deactivate your own account."))
            return self.form_invalid(form)
        before = snapshot(user)
        user.is_active = self.activate
        try:
            with transaction.atomic():
                user.save_versioned(form.cleaned_data["version"], update_fields=["is_active"])
                record_update(user, before, actor=self.request.user)
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if self.activate:
            messages.success(self.request, _("“%(object)s” can sign in again.") % {"object": user})
        else:
            messages.success(self.request, _("“%(object)s” is deactivated.") % {"object": user})
        return redirect("org:user-detail", user.pk)
