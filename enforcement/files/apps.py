from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "enforcement.files"
    label = "files"
    verbose_name = _("Files")

    def ready(self):
        from django.template.defaultfilters import filesizeformat

        from enforcement.audit.labels import register_key, register_reference, register_renamed_key

        from .choices import FileKind
        from .models import attachment_model_for

        # The "add attachment" event on a record's timeline (services.store_attachment): the file named by
        # its record, with that record's details; its own copies of them only if the record is not known.
        register_reference("attachment", attachment_model_for)
        register_key("file_name", _("file name"), hidden_beside="attachment")
        register_key(
            "file_kind",
            _("file type"),
            display=lambda value: str(dict(FileKind.choices).get(value, value)),
            hidden_beside="attachment",
        )
        register_key(
            "file_size",
            _("file size"),
            display=lambda value: filesizeformat(value) if isinstance(value, int) else str(value),
            hidden_beside="attachment",
        )
        for written, read in (("name", "file_name"), ("kind", "file_kind"), ("size", "file_size")):
            register_renamed_key("add_attachment", written, read)  # events written before these keys
