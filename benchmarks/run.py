"""Benchmark newscli against plain SQLite, sqlite-utils and ripgrep.

    python benchmarks/run.py --n 100000 [--runs 5] [--import-runs 1]
                             [--only import,search,latency,commands]

Generates (or reuses) the corpus of benchmarks/corpus.py, measures every row several times
and prints one markdown table of medians, each next to a reference measured in the same
run. The table also replaces the section for this N in benchmarks/RESULTS.md.
See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import corpus

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"
RESULTS = BENCH_DIR / "RESULTS.md"
SECTIONS = ("import", "search", "latency", "commands")
LIMIT = 20
COMPARE_WORD = "election"  # the second series of `timeline --compare` (a word of corpus.QUERIES)

# newscli is normally installed in the venv; a checkout that only has the source still works.
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))


# ---------------------------------------------------------------- running children


@dataclass
class Child:
    seconds: float
    code: int
    maxrss: int  # bytes
    stdout: str
    stderr: str

    def error(self) -> str:
        lines = [ln for ln in (self.stderr or self.stdout).strip().splitlines() if ln.strip()]
        text = lines[-1] if lines else "(no output)"
        return f"error: exit {self.code}: {text[:140]}"


def run_child(cmd: Sequence[str] | str, shell: bool = False) -> Child:
    """Run one command, wall-clock timed, with its peak RSS from os.wait4's rusage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                cmd, shell=shell, stdin=subprocess.DEVNULL, cwd=REPO_ROOT, stdout=out, stderr=err
            )
        except OSError as exc:
            return Child(0.0, 127, 0, "", f"{exc}")
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            seconds,
            proc.returncode,
            usage.ru_maxrss * 1024,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


# A fresh, small interpreter that starts the measured command and reports its time and
# peak RSS. Linux carries the parent's RSS high-water mark over fork+exec into the child's
# ru_maxrss, so measuring from this (large) process would floor every figure at its size.
SPAWNER = """
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(out, "w") as f:
    f.write(f"{seconds} {usage.ru_maxrss * 1024}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(cmd: Sequence[str]) -> Child:
    """Like run_child, but with the child's own peak RSS and without the spawner's start-up."""
    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as report:
        child = run_child([sys.executable, "-I", "-S", "-c", SPAWNER, report.name, *cmd])
        text = Path(report.name).read_text().split()
    if len(text) == 2:
        child.seconds, child.maxrss = float(text[0]), int(text[1])
    elif child.code == 0:
        child.code = 1
        child.stderr += "\nspawner did not report"
    return child


def console_script(name: str, module: str) -> list[str]:
    """The venv's console script next to sys.executable, else `python -m module`."""
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", module]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def db_size(path: Path) -> int:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())


# ---------------------------------------------------------------- the table


@dataclass
class Row:
    section: str
    measure: str
    value: str
    reference: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: str = "—"
    details: str = ""


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(
            f"  {row.measure}: {row.value} | ref {row.reference} | {row.ratio} | {row.met} {row.details}",
            file=sys.stderr,
            flush=True,
        )

    def markdown(self) -> str:
        head = ["Section", "Measure", "Measured", "Reference", "Ratio", "Target", "Met", "Details"]
        cells = [head, ["---"] * len(head)]
        for r in self.rows:
            cells.append([r.section, r.measure, r.value, r.reference, r.ratio, r.target, r.met, r.details])
        return (
            "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in cells) + "\n"
        )


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.1f} ms" if ms < 100 else f"{ms:,.0f} ms"


def fmt_ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}×" if reference else "—"


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def median_time(cmd, runs: int, ok_codes=(0,), shell: bool = False) -> tuple[float, Child]:
    """Median wall time of `runs` runs after one dropped warm-up run; raises on failure."""
    first = run_child(cmd, shell=shell)
    if first.code not in ok_codes:
        raise RuntimeError(first.error())
    times = []
    for _ in range(runs):
        child = run_child(cmd, shell=shell)
        if child.code not in ok_codes:
            raise RuntimeError(child.error())
        times.append(child.seconds)
    return statistics.median(times), first


# ---------------------------------------------------------------- the benchmark


@dataclass
class ImportStat:
    rate: float  # articles/s
    mb_s: float
    rss: int
    db_ratio: float
    seconds: float
    note: str = ""


# Before each timed section the run waits (up to SETTLE_MAX_S) for the 1-minute load
# average to fall below SETTLE_LOAD (Bench.settle).
SETTLE_LOAD = 0.5
SETTLE_MAX_S = 180


def load_1min() -> float | None:
    """The 1-minute load average; None where the OS has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def load_average() -> str:
    """The 1-minute load average as RESULTS.md prints it."""
    load = load_1min()
    return "unknown" if load is None else f"{load:.2f}"


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.n = args.n
        self.runs = args.runs
        self.import_runs = args.import_runs or (args.runs if args.n < 200_000 else 1)
        self.latency_runs = max(20, 4 * args.runs)
        self.load_at_start = load_average()
        self.section_loads: list[str] = []
        self.newscli = shlex.split(args.newscli) if args.newscli else console_script("newscli", "newscli")
        self.sqlite_utils = console_script("sqlite-utils", "sqlite_utils")
        # Whole-process rows time newscli as installed, its modules compiled to bytecode (pip
        # compiles them at install; a checkout run under PYTHONDONTWRITEBYTECODE=1 would
        # compile them again in every run: +50 ms for `--help`).
        import compileall

        compileall.compile_dir(REPO_ROOT / "newscli", quiet=1)
        self.work = WORK_DIR / f"n{args.n}-s{args.seed}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.table = Table()
        self.corpus = corpus.generate(args.n, args.seed, log=print)
        self.manifest = corpus.load_manifest(self.corpus)
        self.manifest["queries"] = {**self.manifest["queries"], **corpus.FILTER_QUERIES}
        self.jsonl = self.corpus / self.manifest["jsonl"]
        self.txt = self.corpus / self.manifest["txt_dir"]
        self.newscli_db = self.work / "newscli.db"
        self.ref_db = self.work / "ref-fts.db"
        self.search_db: Path | None = None

    # ------------------------------------------------------------ 1. import

    def measure_import(
        self, commands: Callable[[Path], list[list[str]]], raw_bytes: int, db: Path, check_count: bool = False
    ) -> ImportStat:
        times, rss = [], []
        for _ in range(self.import_runs):
            remove_db(db)
            total, peak = 0.0, 0
            for cmd in commands(db):
                child = run_measured(cmd)
                if child.code != 0:
                    raise RuntimeError(child.error())
                total += child.seconds
                peak = max(peak, child.maxrss)
            times.append(total)
            rss.append(peak)
        seconds = statistics.median(times)
        note = ""
        if check_count:
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                if count != self.n:
                    note = f"imported {count:,} of {self.n:,} articles · "
            except sqlite3.Error as exc:
                note = f"cannot count articles: {exc} · "
        return ImportStat(
            self.n / seconds,
            raw_bytes / 1e6 / seconds,
            int(statistics.median(rss)),
            db_size(db) / raw_bytes,
            seconds,
            note,
        )

    def import_section(self) -> None:
        py = sys.executable
        ref = str(BENCH_DIR / "refimport.py")
        su = self.sqlite_utils
        jsonl, txt = str(self.jsonl), str(self.txt)

        def newscli_cmd(source: str):
            return lambda db: [[*self.newscli, "--db", str(db), "import", source, "--quiet"]]

        def ref_cmd(kind: str, source: str):
            return lambda db: [[py, ref, kind, str(db), source]]

        def su_plain(db):
            return [
                [*su, "insert", str(db), "articles", jsonl, "--nl"],
                [*su, "enable-fts", str(db), "articles", "title", "body"],
            ]

        def su_triggers(db):
            return [
                [
                    *su,
                    "create-table",
                    str(db),
                    "articles",
                    "title",
                    "text",
                    "published",
                    "text",
                    "source",
                    "text",
                    "url",
                    "text",
                    "body",
                    "text",
                ],
                [*su, "enable-fts", str(db), "articles", "title", "body", "--create-triggers"],
                [*su, "insert", str(db), "articles", jsonl, "--nl"],
            ]

        inputs = [
            ("JSONL", jsonl, self.manifest["jsonl_bytes"]),
            (".txt folder", txt, self.manifest["txt_bytes"]),
        ]
        for label, source, raw in inputs:
            if ("jsonl" if label == "JSONL" else "txt") not in self.args.import_inputs:
                continue
            is_jsonl = label == "JSONL"
            scratch = self.work / "import-scratch.db"
            b_db = self.ref_db if is_jsonl else scratch
            cases = [
                ("newscli import", newscli_cmd(source), self.newscli_db if is_jsonl else scratch, True),
                ("ref (a) floor: executemany, no FTS", ref_cmd("floor", source), scratch, False),
                ("ref (b) raw FTS5 external content, rebuild", ref_cmd("fts", source), b_db, False),
            ]
            if is_jsonl:
                cases += [
                    ("ref (c) sqlite-utils insert --nl + enable-fts", su_plain, scratch, False),
                    (
                        "ref (c') sqlite-utils enable-fts --create-triggers, then insert",
                        su_triggers,
                        scratch,
                        False,
                    ),
                ]
            measured = tuple(f"ref ({r})" for r in ["b", *self.args.import_refs])
            newscli = () if self.args.references_only else ("newscli import",)
            cases = [case for case in cases if case[0] in newscli or case[0].startswith(measured)]
            stats: dict[str, ImportStat | str] = {}
            print(f"import {label}: {self.import_runs} run(s) each", file=sys.stderr)
            # (b) first: every other row is shown as a ratio to it.
            order = sorted(cases, key=lambda case: not case[0].startswith("ref (b)"))
            for name, commands, db, check in order:
                try:
                    stats[name] = self.measure_import(commands, raw, db, check_count=check)
                except RuntimeError as exc:
                    stats[name] = str(exc)
                if db == scratch:
                    remove_db(scratch)
            b_stat = next(stats[name] for name in stats if name.startswith("ref (b)"))
            for name, _, _, _ in cases:
                stat = stats[name]
                is_newscli = name == "newscli import"
                row = Row("1 Import", f"{name}, {label}", "", target="—", met="—")
                if is_newscli:
                    row.target = "≥ 0.8× (b)"
                if isinstance(b_stat, ImportStat):
                    row.reference = f"{b_stat.rate:,.0f} art/s (b)"
                else:
                    row.reference = "(b) failed"
                if isinstance(stat, str):
                    row.value = stat
                    if is_newscli:
                        row.met = "not met"
                else:
                    row.value = f"{stat.rate:,.0f} art/s"
                    row.details = (
                        f"{stat.note}{stat.mb_s:,.1f} MB/s · peak RSS "
                        f"{stat.rss / 1e6:,.0f} MB · DB/raw {stat.db_ratio:.2f} · "
                        f"{stat.seconds:,.2f} s"
                    )
                    if isinstance(b_stat, ImportStat):
                        ratio = stat.rate / b_stat.rate
                        row.ratio = f"{ratio:.2f}×"
                        if is_newscli:
                            row.met = met(ratio >= 0.8 and not stat.note)
                self.table.add(row)

    # ------------------------------------------------------------ search DBs

    def prepare_search_db(self) -> None:
        """newscli's own DB for the search rows, built untimed if import did not run."""
        if not self.ref_db.exists():
            remove_db(self.ref_db)
            child = run_child(
                [sys.executable, str(BENCH_DIR / "refimport.py"), "fts", str(self.ref_db), str(self.jsonl)]
            )
            if child.code != 0:
                raise SystemExit(f"cannot build the reference DB: {child.error()}")
        if "import" not in self.sections and not (self.args.reuse_db and self.newscli_db.exists()):
            print("building newscli's DB (untimed) for the search rows", file=sys.stderr)
            remove_db(self.newscli_db)
            child = run_child(
                [*self.newscli, "--db", str(self.newscli_db), "import", str(self.jsonl), "--quiet"]
            )
            if child.code != 0:
                print(f"newscli import failed: {child.error()}", file=sys.stderr)
                remove_db(self.newscli_db)
        self.search_db = self.newscli_db if self.newscli_db.exists() else None

    def query_db(self) -> Path:
        """DB for the SQL references: newscli's when it exists, else the raw FTS5 one."""
        return self.search_db or self.ref_db

    # ------------------------------------------------------------ 2. whole-process search

    def newscli_search_cmd(self, spec: dict) -> list[str]:
        cmd = [
            *self.newscli,
            "--db",
            str(self.search_db),
            "search",
            spec["query"],
            "--limit",
            str(LIMIT),
            "--json",
        ]
        if spec["since"]:
            cmd += ["--since", spec["since"]]
        if spec["until"]:
            cmd += ["--until", spec["until"]]
        return cmd

    def sqlite_utils_search_cmd(self, db: Path, spec: dict) -> list[str]:
        if spec["since"] or spec["until"]:
            # `sqlite-utils search` has no date filter: the same search as a query.
            join = fts_join(db)
            sql = (
                "SELECT articles.* FROM articles JOIN articles_fts ON "
                f"{join} WHERE articles_fts MATCH :q AND articles.published >= :since "
                "AND articles.published < date(:until, '+1 day') "
                f"ORDER BY articles_fts.rank LIMIT {LIMIT}"
            )
            return [
                *self.sqlite_utils,
                "query",
                str(db),
                sql,
                "-p",
                "q",
                spec["query"],
                "-p",
                "since",
                spec["since"],
                "-p",
                "until",
                spec["until"],
            ]
        return [*self.sqlite_utils, "search", str(db), "articles", spec["query"], "--limit", str(LIMIT)]

    def rg_cmd(self, spec: dict) -> tuple[str | list[str], bool] | None:
        if spec["since"] or spec["until"]:
            return None
        folder = shlex.quote(str(self.txt))
        words = spec["query"].split()
        if spec["query"].startswith('"'):
            return ["rg", "-l", "-i", spec["query"].strip('"'), str(self.txt)], False
        if spec["query"].endswith("*"):
            return ["rg", "-l", "-i", r"\b" + spec["query"].rstrip("*"), str(self.txt)], False
        if len(words) > 1:
            # AND of the words: files listing the first word, filtered by the others.
            pipeline = f"rg -l -i {shlex.quote(words[0])} {folder}"
            for word in words[1:]:
                pipeline += f" | xargs -d '\\n' -r rg -l -i {shlex.quote(word)}"
            return pipeline, True
        return ["rg", "-l", "-i", spec["query"], str(self.txt)], False

    def search_section(self) -> None:
        have_rg = shutil.which("rg") is not None
        print(f"search (whole process): {self.runs} runs + 1 warm-up", file=sys.stderr)
        for kind, spec in self.manifest["queries"].items():
            label = f"{kind}: {spec['query']}"
            if spec["since"]:
                label += f" {spec['since']}..{spec['until']}"
            value: float | str
            try:
                if self.search_db is None:
                    raise RuntimeError("error: no newscli database (import failed)")
                value, first = median_time(self.newscli_search_cmd(spec), self.runs, ok_codes=(0, 1))
                hits = json.loads(first.stdout) if first.code == 0 else []
                detail = f"{len(hits)} results"
            except (RuntimeError, ValueError) as exc:
                value, detail = str(exc), ""
                if isinstance(exc, ValueError):
                    value = f"error: output is not JSON: {exc}"

            # sqlite-utils search, on newscli's DB if sqlite-utils recognises its FTS table.
            su_note = ""
            su_value: float | str
            try:
                try:
                    db = self.query_db()
                    su_value, _ = median_time(self.sqlite_utils_search_cmd(db, spec), self.runs)
                except RuntimeError:
                    if db == self.ref_db:
                        raise
                    su_value, _ = median_time(self.sqlite_utils_search_cmd(self.ref_db, spec), self.runs)
                    su_note = " (on the raw FTS5 DB: sqlite-utils rejected newscli's)"
            except RuntimeError as exc:
                su_value = str(exc)
            self.table.add(
                search_row(
                    label + " vs sqlite-utils",
                    value,
                    su_value,
                    "≤ 0.6×" if kind == "rare term" else "—",
                    0.6 if kind == "rare term" else None,
                    detail + su_note,
                )
            )

            rg = self.rg_cmd(spec)
            if rg is None:
                rg_value: float | str = "n/a (rg has no date filter)"
            elif not have_rg:
                rg_value = "absent"
            else:
                cmd, shell = rg
                try:
                    rg_value, _ = median_time(cmd, self.runs, ok_codes=(0, 1), shell=shell)
                except RuntimeError as exc:
                    rg_value = str(exc)
            self.table.add(
                search_row(
                    label + " vs rg -l -i",
                    value,
                    rg_value,
                    "≤ 0.25×" if kind == "rare term" else "—",
                    0.25 if kind == "rare term" else None,
                    "",
                )
            )

    # ------------------------------------------------------------ 3. in-process latency

    def latency_section(self) -> None:
        db = self.query_db()
        runs = self.latency_runs
        print(f"search (in process): {runs} runs + 1 warm-up", file=sys.stderr)
        common_target = (
            0.050
            if self.n <= 100_000
            else (0.250 if self.n >= 1_000_000 else 0.050 + 0.200 * (self.n - 100_000) / 900_000)
        )
        try:
            if self.search_db is None:
                raise RuntimeError("no newscli database (import failed)")
            from newscli.archive import connect_readonly
            from newscli.search import search_articles

            conn = connect_readonly(self.search_db)
            newscli_error = None
        except Exception as exc:  # any failure of code under test becomes a row
            newscli_error = f"error: {type(exc).__name__}: {exc}"[:160]
        naive = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        join = fts_join(db)
        for kind, spec in self.manifest["queries"].items():
            label = f"{kind}: {spec['query']}"
            sql, params = naive_sql(join, spec)
            own = None
            if not newscli_error and (own := newscli_naive_sql(conn, spec)) is not None:
                sql, params = own  # the same index and expression as newscli's, ranked naively
            try:
                ref_times, ref_rows = time_calls(
                    lambda sql=sql, params=params: naive.execute(sql, params).fetchall(), runs
                )
                ref_ids = [str(r[0]) for r in ref_rows]
                count = count_matches(naive, join, spec)
                ref_value: float | str = statistics.median(ref_times)
                ref_detail = f"{count:,} matches · naive worst {fmt_ms(max(ref_times))}"
            except sqlite3.Error as exc:
                ref_value, ref_ids, ref_detail = f"error: {exc}", None, ""
            value: float | str
            detail = ref_detail
            overlap = None
            if newscli_error:
                value = newscli_error
            else:
                try:
                    call, how = newscli_call(search_articles, conn, spec)
                    times, results = time_calls(call, runs)
                    value = statistics.median(times)
                    detail = f"worst {fmt_ms(max(times))} · {ref_detail}{how}"
                    ids = [str(r["id"]) for r in results][:LIMIT]
                    if ref_ids is not None and own is not None:  # the page, among the candidates
                        overlap = len(set(ids) & set(ref_ids)) / len(ids) if ids else float(not ref_ids)
                    elif ref_ids is not None:
                        overlap = len(set(ids) & set(ref_ids)) / len(ref_ids) if ref_ids else float(not ids)
                except Exception as exc:  # any failure of code under test becomes a row
                    value = f"error: {type(exc).__name__}: {exc}"[:160]
            is_common = kind == "very common term"
            row = Row("3 Search in process", f"{label} (median)", "", target="—", met="—", details=detail)
            row.value = value if isinstance(value, str) else fmt_ms(value)
            row.reference = ref_value if isinstance(ref_value, str) else f"{fmt_ms(ref_value)} naive bm25"
            if not isinstance(value, str) and not isinstance(ref_value, str):
                row.ratio = fmt_ratio(value, ref_value)
            if is_common:
                row.target = f"≤ {common_target * 1000:.0f} ms"
                row.met = met(not isinstance(value, str) and value <= common_target)
            self.table.add(row)
            self.table.add(
                Row(
                    "3 Search in process",
                    f"{label}: share of the page among the exact bm25 candidates",
                    "—" if overlap is None else f"{overlap:.2f}",
                    "1.00 (naive query)",
                    "—",
                    "≥ 0.95",
                    "not met" if overlap is None else met(overlap >= 0.95),
                )
            )
        naive.close()

    # ------------------------------------------------------------ 4. other commands

    def commands_section(self) -> None:
        db = self.query_db()
        word = self.manifest["timeline_word"]
        join = fts_join(db)
        print(f"commands: {self.runs} runs + 1 warm-up", file=sys.stderr)
        cases = []
        timeline_sql = (
            "SELECT substr(articles.published, 1, 4) AS year, count(*) AS articles "
            f"FROM articles_fts JOIN articles ON {join} WHERE articles_fts MATCH :w "
            "GROUP BY year ORDER BY year"
        )
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT id FROM articles ORDER BY rowid LIMIT 1 OFFSET ?", (self.n // 2,)
            ).fetchone()
        article_id = str(row[0]) if row else "1"
        cases.append(
            (
                f"timeline {word}",
                [*self.newscli, "--db", str(db), "timeline", word],
                [*self.sqlite_utils, "query", str(db), timeline_sql, "-p", "w", word],
                "sqlite-utils query GROUP BY year",
                "< 1 s (at 1M)",
                lambda v, r: v < 1.0,
            )
        )
        # More series on one chart: each query and the total are one GROUP BY of their own,
        # measured beside the plain timeline of the same word (the reference).
        compare = COMPARE_WORD
        cases.append(
            (
                f"timeline {word} --compare {compare} --share",
                [*self.newscli, "--db", str(db), "timeline", word, "--compare", compare, "--share"],
                [*self.newscli, "--db", str(db), "timeline", word],
                f"newscli timeline {word}",
                "≤ 3×",
                lambda v, r: v <= 3 * r,
            )
        )
        cases.append(
            (
                f"show {article_id}",
                [*self.newscli, "--db", str(db), "show", article_id],
                [
                    *self.sqlite_utils,
                    "query",
                    str(db),
                    "SELECT * FROM articles WHERE id = :id",
                    "-p",
                    "id",
                    article_id,
                ],
                "sqlite-utils query by id",
                "—",
                None,
            )
        )
        cases.extend(self.reading_cases(db, word, article_id))
        cases.append(
            (
                "--help",
                [*self.newscli, "--help"],
                [sys.executable, "-c", "import click"],
                "python -c 'import click'",
                "≤ 1.5×",
                lambda v, r: v <= 1.5 * r,
            )
        )
        for name, cmd, ref_cmd, ref_label, target, check in cases:
            value: float | str
            ref: float | str
            try:
                if self.search_db is None and name != "--help":
                    raise RuntimeError("error: no newscli database (import failed)")
                value, _ = median_time(cmd, self.runs)
            except RuntimeError as exc:
                value = str(exc)
            try:
                ref, _ = median_time(ref_cmd, self.runs)
            except RuntimeError as exc:
                ref = str(exc)
            row = Row("4 Commands", f"newscli {name}", "", target=target, met="—")
            row.value = value if isinstance(value, str) else fmt_ms(value)
            row.reference = ref if isinstance(ref, str) else f"{fmt_ms(ref)} {ref_label}"
            if not isinstance(value, str) and not isinstance(ref, str):
                row.ratio = fmt_ratio(value, ref)
            if check is not None:
                row.met = (
                    "not met" if isinstance(value, str) or isinstance(ref, str) else met(check(value, ref))
                )
            self.table.add(row)

    def queries_file(self, db: Path, n: int = 100) -> Path:
        """`n` queries for `count --queries`: words of the first titles (one in ten a
        quoted phrase of two, one in ten an OR), the same for a given corpus."""
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            titles = [t for (t,) in conn.execute("SELECT title FROM articles ORDER BY seq LIMIT 2000")]
        words = list(dict.fromkeys(w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)))
        queries = []
        for i in range(n):
            a, b = words[(2 * i) % len(words)], words[(2 * i + 1) % len(words)]
            queries.append(f'"{a} {b}"' if i % 10 == 3 else f"{a} OR {b}" if i % 10 == 7 else a)
        path = self.work / f"queries-{n}.txt"
        path.write_text("# benchmark queries\n" + "\n".join(queries) + "\n")
        return path

    def reading_cases(self, db: Path, word: str, article_id: str) -> list[tuple]:
        """kwic, similar, terms and count --queries, each whole-process, against a search
        of the same word (the same start-up and index read) or plain SQLite counts."""
        run = [*self.newscli, "--db", str(db)]
        search = [*run, "search", word, "--json"]
        label = f"newscli search {word} --json"
        queries = self.queries_file(db)
        plain_counts = (
            "import sqlite3, sys\n"
            "conn = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)\n"
            "for line in open(sys.argv[2]):\n"
            "    q = line.strip()\n"
            "    if q and not q.startswith('#'):\n"
            "        sql = 'SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?'\n"
            "        conn.execute(sql, (q,)).fetchone()\n"
        )
        interactive = ("< 300 ms", lambda v, r: v < 0.3)
        return [
            (f"kwic {word} (50 lines)", [*self.newscli, "--db", str(db), "kwic", word, "--json"],
             search, label, *interactive),
            (f"similar {article_id}", [*self.newscli, "--db", str(db), "similar", article_id, "--json"],
             search, label, *interactive),
            (f"terms {word}", [*self.newscli, "--db", str(db), "terms", word, "--json"],
             search, label, *interactive),
            (f"terms {word} --phrases", [*run, "terms", word, "--phrases", "--json"],
             search, label, "—", None),
            ("count --queries (100 queries)",
             [*self.newscli, "--db", str(db), "count", "--queries", str(queries), "--json"],
             [sys.executable, "-c", plain_counts, str(db), str(queries)],
             "100 FTS5 counts in plain Python (Porter index, no dates)", "≤ 3×", lambda v, r: v <= 3 * r),
        ]  # fmt: skip

    # ------------------------------------------------------------ driver

    def run(self) -> str:
        self.sections = self.args.only
        if "import" in self.sections:
            self.settle("import")
            self.import_section()
        if set(self.sections) - {"import"}:
            self.prepare_search_db()
        if "search" in self.sections:
            self.settle("search")
            self.search_section()
        if "latency" in self.sections:
            self.settle("latency")
            self.latency_section()
        if "commands" in self.sections:
            self.settle("commands")
            self.commands_section()
        return self.report()

    def settle(self, section: str) -> None:
        """Wait, up to SETTLE_MAX_S, for the 1-minute load average to fall below SETTLE_LOAD
        before a timed section, and note it: newscli ranks and counts in two halves only
        while a core is idle by that average, which an import's two processes deny for a
        minute or more after they end (at 1,000,000 articles `said` then ranks in one part)."""
        waited = 0
        while waited < SETTLE_MAX_S and (load := load_1min()) is not None and load >= SETTLE_LOAD:
            time.sleep(5)
            waited += 5
        self.section_loads.append(
            f"{section} {load_average()}" + (f" (after waiting {waited} s)" if waited else "")
        )

    def report(self) -> str:
        lines = [f"## N = {self.n:,}", "", *machine_description(self), "", self.table.markdown()]
        return "\n".join(lines)


# ---------------------------------------------------------------- helpers


def search_row(
    measure: str, value: float | str, ref: float | str, target: str, limit: float | None, details: str
) -> Row:
    row = Row("2 Search whole process", measure, "", target=target, met="—", details=details)
    row.value = value if isinstance(value, str) else fmt_ms(value)
    row.reference = ref if isinstance(ref, str) else fmt_ms(ref)
    if not isinstance(value, str) and not isinstance(ref, str):
        row.ratio = fmt_ratio(value, ref)
        if limit is not None:
            row.met = met(value <= limit * ref)
    elif limit is not None:
        row.met = "not met" if isinstance(value, str) else "—"
    return row


def fts_join(db: Path) -> str:
    """Join condition of articles_fts to articles, from the FTS table's content_rowid."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    except sqlite3.Error:
        row = None
    match = re.search(r"content_rowid\s*=\s*['\"\[]?(\w+)", row[0] if row else "")
    column = match.group(1) if match else "rowid"
    return f"articles.{column} = articles_fts.rowid"


def date_filter(spec: dict) -> tuple[str, list[str]]:
    sql, params = "", []
    if spec["since"]:
        sql += " AND articles.published >= ?"
        params.append(spec["since"])
    if spec["until"]:
        sql += " AND articles.published < date(?, '+1 day')"
        params.append(spec["until"])
    return sql, params


def naive_sql(join: str, spec: dict) -> tuple[str, list[str]]:
    where, params = date_filter(spec)
    sql = (
        "SELECT articles.id, articles.title, articles.published, "
        "bm25(articles_fts, 10.0, 5.0, 1.0) AS score, "
        "snippet(articles_fts, -1, '[', ']', '…', 12) "
        f"FROM articles_fts JOIN articles ON {join} "
        f"WHERE articles_fts MATCH ?{where} ORDER BY score LIMIT {LIMIT}"
    )
    return sql, [spec["query"], *params]


def count_matches(conn: sqlite3.Connection, join: str, spec: dict) -> int:
    where, params = date_filter(spec)
    sql = f"SELECT count(*) FROM articles_fts JOIN articles ON {join} WHERE articles_fts MATCH ?{where}"
    return conn.execute(sql, [spec["query"], *params]).fetchone()[0]


def time_calls(call: Callable[[], list], runs: int) -> tuple[list[float], list]:
    result = call()  # warm-up, dropped
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return times, result


def newscli_request(spec: dict):
    """The SearchRequest `newscli search QUERY [--since] [--until]` makes."""
    from newscli.filters import Filters
    from newscli.search import SearchRequest

    return SearchRequest(spec["query"], Filters(since=spec["since"], until=spec["until"]), limit=LIMIT)


def newscli_call(search_articles, conn, spec: dict) -> tuple[Callable[[], list], str]:
    """A call of search_articles as the command line makes it."""
    request = newscli_request(spec)
    return lambda: list(search_articles(conn, request)), ""


def newscli_naive_sql(conn, spec: dict) -> tuple[str, list[str]] | None:
    """The naive query over the index newscli searches (search_index), with the expression
    newscli makes of the query: FTS5's bm25 candidates (one ORDER BY, in one part, on the
    standard library's SQLite), among which newscli's page must be, whether it ranked in two
    parts or through a newer SQLite (newscli then orders them by BM25F). None for an archive
    without that index."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").fetchone():
        return None
    from newscli.ranking import RESCORE_MIN
    from newscli.search import compile_request

    expression = compile_request(conn, newscli_request(spec)).expression
    where, params = date_filter(spec)
    sql = (
        "SELECT articles.id, bm25(search_index) AS score "
        "FROM search_index JOIN articles ON articles.seq = search_index.rowid "
        f"WHERE search_index MATCH ?{where} ORDER BY score, articles.seq LIMIT {RESCORE_MIN}"
    )
    return sql, [expression, *params]


def machine_description(bench: Bench) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    commit = (
        subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    rg = shutil.which("rg")
    rg_version = (
        subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if rg
        else "ripgrep absent"
    )
    m = bench.manifest
    return [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; commit {commit}; load average "
        f"{bench.load_at_start} at the start, {load_average()} at the end (1-minute averages); "
        f"at the start of each section: {', '.join(bench.section_loads) or 'none run'}",
        f"- Machine: {cpu}; {os.cpu_count()} cores; {ram} RAM; {platform.platform()}",
        f"- Python {platform.python_version()}; SQLite {sqlite3.sqlite_version} (writes and most "
        f"reads); apsw {version('apsw')} (its SQLite ranks and counts); newscli {version('newscli')}; "
        f"sqlite-utils {version('sqlite-utils')}; {rg_version}",
        f"- Corpus: {m['n']:,} articles, seed {m['seed']}, {m['vocabulary']} vocabulary; "
        f"JSONL {m['jsonl_bytes'] / 1e6:,.1f} MB, .txt {m['txt_bytes'] / 1e6:,.1f} MB",
        f"- Sections measured: {', '.join(bench.sections)}"
        + (
            ""
            if "import" not in bench.sections
            else f" (import inputs {', '.join(bench.args.import_inputs)}; references (b), "
            f"{', '.join(r for r in bench.args.import_refs if r != 'b') or 'no other'}"
            + ("; newscli's import not measured again" if bench.args.references_only else "")
            + ")"
        ),
        f"- Runs: medians of {bench.import_runs} import run(s), {bench.runs} whole-process "
        f"runs after 1 warm-up, {bench.latency_runs} in-process runs after 1 warm-up; "
        "warm page cache",
    ]


def merge_section(old: str, new: str, measured: list[str]) -> str:
    """The section for one N made of two partial runs: the rows of `new`, and those of `old`
    that it did not measure again (other sections, and rows of a measured section that
    this run left out: an import run of the .txt folder alone keeps the JSONL rows), and
    both runs' descriptions."""

    def split(text: str) -> tuple[list[list[str]], list[str], list[str]]:
        lines = text.strip().splitlines()
        described: list[list[str]] = []  # each note: its "- " line and the lines that go on it
        for ln in lines:
            if ln.startswith("- "):
                described.append([ln])
            elif ln.startswith("  ") and described and not ln.startswith("|"):
                described[-1].append(ln)
        table = [ln for ln in lines if ln.startswith("|")]
        return described, table[:2], table[2:]

    old_notes, head, old_rows = split(old)
    new_notes, _, new_rows = split(new)
    new_described = [ln for note in new_notes for ln in note]

    def key(row: str) -> tuple[str, ...]:  # its section and measure
        return tuple(cell.strip() for cell in row.split("|")[1:3])

    remeasured = {key(r) for r in new_rows}
    rows = sorted(
        [r for r in old_rows if key(r) not in remeasured] + new_rows, key=lambda r: r[:4]
    )  # by section number, stable within a section
    title = old.strip().splitlines()[0]
    old_described = [
        ln
        for note in old_notes
        if not note[0].startswith("- Sections measured")
        or not set(re.findall(r"\w+", note[0].split(":", 1)[1])) <= set(measured)
        for ln in note
    ]
    return "\n".join([title, "", *old_described, "", *new_described, "", *head, *rows]) + "\n"


def write_results(section: str, n: int, path: Path = RESULTS, merge: list[str] | None = None) -> None:
    """Replace (or add) the section for this N, keeping the others, ordered by N; with
    `merge` (the sections this run measured), keep the other sections' rows of that N."""
    header = (
        "# newscli benchmark results\n\nWritten by `benchmarks/run.py`, one section "
        "per corpus size; see `benchmarks/README.md` for what each row means.\n"
    )
    sections: dict[int, str] = {}
    if path.exists():
        parts = re.split(r"^(?=## N = )", path.read_text(encoding="utf-8"), flags=re.M)
        for part in parts[1:]:
            match = re.match(r"## N = ([\d,]+)", part)
            if match:
                sections[int(match.group(1).replace(",", ""))] = part.rstrip() + "\n"
    if merge and n in sections:
        section = merge_section(sections[n], section, merge)
    sections[n] = section.rstrip() + "\n"
    body = "\n".join(sections[k] for k in sorted(sections))
    path.write_text(header + "\n" + body, encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of articles")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument(
        "--import-runs",
        type=int,
        default=0,
        help="runs per import figure (default: --runs below N=200,000, else 1)",
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections among {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--newscli", default="", help="command that runs newscli (default: the venv's console script)"
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="without the import section, reuse newscli's DB from a former run",
    )
    parser.add_argument(
        "--import-inputs", default="jsonl,txt", help="inputs the import section measures, among jsonl,txt"
    )
    parser.add_argument(
        "--import-refs",
        default="a,b,c,c'",
        help="references the import section measures besides (b), "
        "among a,c,c' (a slow machine may skip some at N=1,000,000)",
    )
    parser.add_argument(
        "--references-only",
        action="store_true",
        help="in the import section, measure the references alone, not newscli's import "
        "(with --merge, newscli's rows of a former run stay)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="with --only, keep the rows of the other sections already in "
        "RESULTS.md for this N (a scale run made in parts)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    args.import_inputs = [s.strip() for s in args.import_inputs.split(",") if s.strip()]
    args.import_refs = [s.strip() for s in args.import_refs.split(",") if s.strip()]
    if set(args.import_inputs) - {"jsonl", "txt"} or set(args.import_refs) - {"a", "b", "c", "c'"}:
        parser.error("--import-inputs takes jsonl,txt and --import-refs a,b,c,c'")
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.runs < 1 or args.n < 1:
        parser.error("--n and --runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Bench(args)
    report = bench.run()
    print(report)
    if not args.no_write:
        write_results(report, args.n, merge=args.only if args.merge else None)
        print(f"written to {RESULTS.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
