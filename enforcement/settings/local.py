"""Development on one machine: `make run`.

DEBUG stays off unless asked for (`DJANGO_DEBUG=1`): someone trying the product sees its own pages — the
site's 404 for a mistyped address, its 500 page — not Django's debug pages, and nothing of the settings
leaks when the server is reached from another machine. Tracebacks still reach the console (LOGGING in
base). WhiteNoise serves the static files straight from the source folders, re-read on every request,
so `make run` needs no collectstatic and an edited stylesheet shows on reload."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
