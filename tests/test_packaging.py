"""How newscli is declared: what its messages tell users to install exists, and every
dependency has a floor that `make test-floors` can install (see .ci/floors.py)."""

import re
import subprocess
import sys
import tomllib

from conftest import FIXTURES, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_extra_named_to_users_exists():
    extras = set(PYPROJECT.get("optional-dependencies", {}))
    named = set()
    for path in [*(ROOT / "newscli").rglob("*.py"), ROOT / "README.md"]:
        named |= set(re.findall(r"newscli\[(\w+)\]", path.read_text()))
    assert named <= extras, f"messages name extras that do not exist: {named - extras}"


def test_a_broken_trafilatura_install_is_told_with_the_requirement_to_install(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what `import` meets when it is missing
    result = run("import", FIXTURES / "html" / "saved-news-page-with-metadata.html")
    assert result.exit_code == 1
    declared = next(r for r in PYPROJECT["dependencies"] if r.startswith("trafilatura"))
    assert result.stderr.startswith(
        "error: " + str(FIXTURES / "html" / "saved-news-page-with-metadata.html")
        + ": reading web pages needs trafilatura, which cannot be imported ("
    )  # fmt: skip
    assert result.stderr.splitlines()[0].endswith(f": pip install '{declared}'")


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
