"""benchmarks/run.py's --merge: a section of RESULTS.md measured in parts keeps every note,
with the lines that continue it, and the rows of the sections not measured again."""

import sys

from conftest import ROOT

OLD = """## N = 1,000
- Made in two parts:
  - Import rows: commit a, one run;
    load average up to 3.
- Sections measured: search
  and nothing else

| Section | Measure | Measured |
| --- | --- | --- |
| 1 Import | newscli import | 5 art/s |
| 1 Import | newscli import, .txt folder | 4 art/s |
| 2 Search whole process | rare term | 9 ms |
"""

NEW = """## N = 1,000
- Date: today
- Sections measured: search
  again

| Section | Measure | Measured |
| --- | --- | --- |
| 2 Search whole process | rare term | 7 ms |
"""


def test_merge_keeps_notes_with_their_continuation_lines():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    merged = run.merge_section(OLD, NEW, ["search"]).splitlines()
    assert merged[:4] == [
        "## N = 1,000",
        "",
        "- Made in two parts:",
        "  - Import rows: commit a, one run;",
    ]
    assert "    load average up to 3." in merged
    assert "  and nothing else" not in merged  # the replaced note goes whole
    assert merged.count("- Sections measured: search") == 1 and "  again" in merged
    assert [ln for ln in merged if ln.startswith("| 1") or ln.startswith("| 2")] == [
        "| 1 Import | newscli import | 5 art/s |",
        "| 1 Import | newscli import, .txt folder | 4 art/s |",
        "| 2 Search whole process | rare term | 7 ms |",
    ]


def test_merge_keeps_the_rows_of_a_section_that_a_run_left_out():
    """An import run of the .txt folder alone replaces the .txt rows, keeps the JSONL ones."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    txt_only = NEW.replace(
        "| 2 Search whole process | rare term | 7 ms |",
        "| 1 Import | newscli import, .txt folder | 6 art/s |",
    )
    merged = run.merge_section(OLD, txt_only, ["import"]).splitlines()
    assert [ln for ln in merged if ln.startswith("| 1") or ln.startswith("| 2")] == [
        "| 1 Import | newscli import | 5 art/s |",
        "| 1 Import | newscli import, .txt folder | 6 art/s |",
        "| 2 Search whole process | rare term | 9 ms |",
    ]
