"""The import-linter contract in pyproject.toml holds, and it would catch an app importing
upwards, two apps on one line importing each other, or a module importing the wiring.

The probes run on a copy of the Python sources in tmp_path, so no other test (or xdist
worker) ever sees a probe module, whatever happens to this one."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _python_only(directory, names):
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not (Path(directory) / n).is_dir())]


@pytest.fixture
def tree(tmp_path) -> Path:
    """The project's packages (Python files only) and its pyproject.toml, in tmp_path."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_app_and_only_the_apps_are_in_the_layers():
    project_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    layers = CONFIG["contracts"][0]
    named = {name.strip() for line in layers["layers"] for name in line.replace("|", " ").split()}
    assert set(CONFIG["root_packages"]) == project_apps
    assert named == project_apps


@pytest.mark.parametrize(
    ("probe", "source", "broken"),
    [
        # the platform importing an app
        ("mecto/_upward_probe.py", "import clients\n", "mecto._upward_probe -> clients"),
        # a lower app importing a higher one, even inside a function
        ("accounts/_upward_probe.py", "def f():\n    import booking.ics\n", "accounts._upward_probe -> booking.ics"),
        # two apps on one line
        ("booking/_sibling_probe.py", "import training.models\n", "booking._sibling_probe -> training.models"),
        # booking back to billing, which uses it
        ("booking/_cycle_probe.py", "from billing import services\n", "booking._cycle_probe -> billing.services"),
        # a type hint counts
        (
            "training/_hint_probe.py",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import integrations.models\n",
            "training._hint_probe -> integrations.models",
        ),
        # reaching another app through the wiring
        ("clients/_wiring_probe.py", "from mecto import urls\n", "clients._wiring_probe -> mecto.urls"),
    ],
)
def test_a_forbidden_import_breaks_the_contract_and_is_named(tree, probe, source, broken):
    (tree / probe).write_text(source)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout
    assert broken in result.stdout


def test_the_wiring_may_import_apps(tree):
    (tree / "mecto" / "urls.py").write_text((tree / "mecto" / "urls.py").read_text() + "\nimport booking.urls\n")
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
