"""The generic workflow engine every domain app runs on (complaints, cases, campaigns).

An app declares its workflow once, as data (django-oscar style):

    WORKFLOW = Workflow("complaints.Complaint", {
        "accept": Transition(_("Accept"), {S.RECEIVED}, S.ACCEPTED, INTAKE_ROLES, fields=("note",)),
        ...
    }, inputs={...})

and one service per action (Saleor style) that calls `WORKFLOW.run(obj, slug, by=..., change=...)`:
lock the row, check scope (404), role (403), state and guard (409) and version (409), apply the change, stamp,
save, audit what changed (before → after), and announce the step after commit. From the same table come
`allowed_actions(user)`, the page's action forms (`forms.py`), the API's `POST /<resource>/<id>/<action>/`
routes (`api.py`) and the labels of the steps on the audit timeline."""
