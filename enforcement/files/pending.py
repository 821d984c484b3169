"""Files that survive a failed form. A browser cannot refill a file input, so when a form with files fails
for another reason (a missing address, say), the files it accepted are kept (models.PendingUpload), listed
on the re-shown form with a box to remove each, and used when the corrected form is sent. The form
carries only a random token; the files stay bound to the user who sent them.

    kept = KeptUploads(request, {"photos": True, "after_photo": False})  # field → takes several files
    form = PatrolForm(request.POST or None, request.FILES or None, kept=kept)
    ... form.is_valid(): attach form.uploads("photos"); kept.used()
    ... otherwise: form.keep_uploads(request); render with {"kept": kept}
"""

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.html import format_html

from .models import PendingUpload, new_token
from .services import display_name, inspect_upload, sha256_of

TOKEN_FIELD = "upload_token"
REMOVE_FIELD = "remove_upload"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


class KeptUploads:
    """The kept files of one form for the requesting user; in templates `kept.<field>` lists a field's."""

    def __init__(self, request, fields):
        self.user = request.user
        self.fields = dict(fields)
        token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        self.token = token if _TOKEN.match(token) else ""
        self.rows, self._opened = [], []
        if self.token and self.user.is_authenticated:
            rows = PendingUpload.objects.live().filter(
                owner=self.user, token=self.token, field__in=self.fields
            )
            removed = {value for value in request.POST.getlist(REMOVE_FIELD) if value.isdigit()}
            for row in rows:
                if str(row.pk) in removed:
                    _discard([row])
                else:
                    self.rows.append(row)

    def __getitem__(self, field):
        if field not in self.fields:
            raise KeyError(field)
        return [row for row in self.rows if row.field == field]

    def has(self, field):
        return bool(self[field])

    @property
    def hidden_input(self):
        return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, self.token)

    def files(self, field):
        """The kept files of `field`, opened from storage, to hand to `store_attachment` like uploads."""
        opened = [File(row.file.open("rb"), name=row.original_name) for row in self[field]]
        self._opened.extend(opened)
        return opened

    def keep(self, request):
        """After a failed submission: keeps each accepted file the request carried (a file refused for its
        size or type is not kept; the form says why). A new file for a one-file field replaces the kept one."""
        self._close()
        for field, several in self.fields.items():
            accepted = []
            for upload in request.FILES.getlist(field):
                try:
                    kind, content_type = inspect_upload(upload)
                except ValidationError:
                    continue
                accepted.append((upload, kind, content_type))
            if not accepted:
                continue
            if not several:
                _discard(self[field])
                self.rows = [row for row in self.rows if row.field != field]
                accepted = accepted[-1:]
            self.token = self.token or new_token()
            for upload, kind, content_type in accepted:
                row = PendingUpload(
                    token=self.token,
                    owner=self.user,
                    field=field,
                    original_name=display_name(upload),
                    kind=kind,
                    content_type=content_type,
                    size=upload.size,
                    sha256=sha256_of(upload),
                )
                row.file.save("upload", upload, save=False)
                row.save()
                self.rows.append(row)

    def used(self):
        """The corrected form was saved with these files: they go once the transaction commits."""
        rows, self.rows = self.rows, []
        self._close()
        transaction.on_commit(partial(_discard, rows))

    def _close(self):
        for opened in self._opened:
            opened.close()
        self._opened = []


def _discard(rows):
    for row in rows:
        row.file.delete(save=False)
        if row.pk:
            row.delete()
