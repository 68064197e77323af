"""How newscli is declared: every dependency has a floor that `make test-floors` can install
(see .ci/floors.py)."""

import re
import subprocess
import sys
import tomllib

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_floors_are_every_dependency_pinned_at_its_lowest_version():
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "floors.py")], capture_output=True, text=True, check=True
    )
    pins = dict(line.split("==", 1) for line in done.stdout.splitlines())
    declared = [*PYPROJECT["dependencies"], *PYPROJECT["optional-dependencies"]["test"]]
    for requirement in declared:
        name, floor = re.match(r"([A-Za-z0-9._-]+).*?>=\s*([^,;\s]+)", requirement).groups()
        assert pins[name] == floor, requirement
    assert len(pins) == len(declared)


def test_a_dependency_without_a_floor_is_refused(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["click>=8", "rich"]\n')
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "floors.py"), str(tmp_path / "pyproject.toml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr == "error: 'rich' has no >= floor: give it the lowest version that works\n"
