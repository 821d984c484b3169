FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=enforcement.settings.production \
    STATIC_ROOT=/app/staticfiles WEB_CONCURRENCY=3
# Noto CJK and Pango: WeasyPrint renders the documents' PDFs in Chinese (without the fonts the glyphs are blank).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
# Every dependency at the version and hash of the lock file, then the project itself (adds nothing).
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY enforcement ./enforcement
COPY complaints ./complaints
COPY cases ./cases
COPY campaigns ./campaigns
RUN pip install --no-cache-dir --no-deps .
COPY . .
# Hashed names and their compressed copies (CompressedManifestStaticFilesStorage), made once here. The
# production settings require these variables; nothing connects to them during collectstatic.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput -v0
RUN useradd --system --home /app app && mkdir -p /app/var/media && chown -R app /app/var
USER app
EXPOSE 8000
# Liveness only (the process answers); compose's web service checks readiness, /health/ready/. The worker
# and beat services replace this check with their own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live/', timeout=3)"]
# WEB_CONCURRENCY processes; the access log on stdout, key=value, with the request id Django answers.
# (No control socket: the image's user has no writable home, and nothing in a container drives one.)
CMD ["gunicorn", "enforcement.wsgi:application", "--bind", "0.0.0.0:8000", "--no-control-socket", "--access-logfile", "-", \
     "--access-logformat", "remote=%(h)s forwarded_for=\"%({x-forwarded-for}i)s\" method=%(m)s path=\"%(U)s\" status=%(s)s bytes=%(b)s duration_ms=%(M)s request_id=%({x-request-id}o)s user_agent=\"%(a)s\""]
