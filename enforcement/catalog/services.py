"""Changing the catalogue: each change is validated, saved against the version the editor read (a
stale edit raises `StaleEdit`, nothing is lost) and audited, in one transaction."""

from django.db import transaction

from enforcement.audit.services import record_create, record_update, snapshot

from .models import ViolationCategory


@transaction.atomic
def create_category(values, *, by):
    category = ViolationCategory(**values)
    category.full_clean()
    category.save()
    category.refresh_from_db()  # the audit records the values as stored (e.g. 500 → 500.00)
    record_create(category, actor=by)
    return category


@transaction.atomic
def save_changes(obj, changes, *, by, expected_version=None):
    """Applies `changes` (field → value) to a category or legal parameter loaded from the database."""
    before = snapshot(obj)
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save_versioned(expected_version=expected_version)
    obj.refresh_from_db()  # the audit records the values as stored (e.g. 500 → 500.00)
    record_update(obj, before, actor=by)
    return obj


@transaction.atomic
def set_category_active(category, active, *, by, expected_version=None):
    """Deactivates (or reactivates) a category; categories are never deleted, since complaints and
    cases keep pointing at them. Deactivating a major category deactivates its sub-categories too.
    Returns the categories changed."""
    if category.is_active == active:
        return []
    save_changes(category, {"is_active": active}, by=by, expected_version=expected_version)
    changed = [category]
    if not active:
        for child in category.children.filter(is_active=True).order_by("pk"):
            save_changes(child, {"is_active": False}, by=by)
            changed.append(child)
    return changed
