# Two commands: `make run` serves the app with its worker and beat; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lock migrate demo lint messages bench clean

# Every package, direct or not, at the version and with the hashes of requirements-dev.lock (made by `make
# lock` from the direct pins in pyproject.toml); then the project itself, which adds nothing. The image
# installs requirements.lock, the same without the development tools.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	mkdir -p var
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock \
		> var/pip-install.log 2>&1 || { cat var/pip-install.log; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . >> var/pip-install.log 2>&1 \
		|| { cat var/pip-install.log; exit 1; }
	touch $(STAMP)

# After changing a pin in pyproject.toml: resolve every transitive dependency again, with hashes.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --no-header --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --no-header --quiet -o requirements-dev.lock

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	bin/run-dev

test: install
	bin/ensure-system-packages
	bin/run-tests

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'static/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
