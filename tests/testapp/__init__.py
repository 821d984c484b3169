"""A test-only domain app: a "permit" workflow declared in a few lines on top of the platform, to prove
that a new app needs declarations only (workflow, approvals, files, deadlines, numbering). Installed by
the test settings alone. Its migration is made with the test settings
(`DJANGO_SETTINGS_MODULE=enforcement.settings.test manage.py makemigrations testapp`): an app without
migrations would have its tables made before the platform's, and on PostgreSQL their foreign keys to
org units would point at nothing."""
