"""The lock files (make lock) agree with pyproject.toml: each direct pin is locked at its version, with
hashes, so `make install` and the image install exactly what the project says it depends on."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^;\s]+)")


def locked(path):
    """{normalised name: version} of a lock file, each entry required to carry a hash."""
    text = (ROOT / path).read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} in {path} has no hash"
            entries[normalise(match.group(1))] = match.group(2)
    return entries


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements):
    result = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement!r} in pyproject.toml is not an exact pin"
        result[normalise(match.group(1))] = match.group(2)
    return result


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    "path, requirements",
    [
        ("requirements.lock", PROJECT["dependencies"]),
        ("requirements-dev.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_direct_pin_is_locked_at_its_version(path, requirements):
    lock = locked(path)
    for name, version in pins(requirements).items():
        assert lock.get(name) == version, (
            f"{name}=={version} is locked as {lock.get(name)} in {path}: run make lock"
        )


def test_the_image_lock_has_no_development_tools():
    lock = locked("requirements.lock")
    assert not {"pytest", "ruff", "playwright", "schemathesis"} & set(lock)
