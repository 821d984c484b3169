# Two commands: `make run` serves the app with its worker and beat; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install migrate demo lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	mkdir -p var
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' > var/pip-install.log 2>&1 \
		|| { cat var/pip-install.log; exit 1; }
	touch $(STAMP)

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
