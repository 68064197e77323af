"""Print the lowest versions pyproject.toml allows, as pip constraints: `name==floor`.

    python .ci/floors.py > floors.txt
    pip install -c floors.txt -e '.[test]'

`make test-floors` installs exactly these and runs the suite's fast part, so that every `>=`
in pyproject.toml is a version that installs with the others and works. Every dependency
(of the package and of each extra) must have a `>=` floor; one without is an error. Reads
pyproject.toml each time: a dependency added there is covered with no edit here.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

# name, [extras], specifiers, ; marker (PEP 508, without URLs)
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def floors(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        if not match:
            raise SystemExit(f"error: cannot read the requirement {requirement!r}")
        name, specifiers, marker = match.groups()
        floor = [s.strip()[2:].strip() for s in specifiers.split(",") if s.strip().startswith(">=")]
        if not floor:
            raise SystemExit(f"error: {requirement!r} has no >= floor: give it the lowest version that works")
        key = re.sub(r"[-_.]+", "-", name).lower()
        pin = f"{name}=={floor[0]}{(' ' + marker) if marker else ''}"
        if key in pins and pins[key] != pin:
            raise SystemExit(f"error: two floors for {name}: {pins[key]} and {pin}")
        pins[key] = pin
    return sorted(pins.values(), key=str.lower)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    print("\n".join(floors(Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "pyproject.toml")))
