"""`newscli show --cite`: APA, MLA, Chicago, BibTeX, RIS and CSL-JSON citations of stored
articles, the access date taken from `retrieved` (the seed article has one)."""

import json

import pytest
from conftest import FIXTURES, SEED_ID, newscli_exe, run_installed

from newscli.cite import citations, parse_name

CEASEFIRE = "6f2904fd"  # The Daily Ledger, two authors, a url
BANK = "1a58f647"  # Jane Doe and John van der Berg


@pytest.fixture
def archive(fixtures_db, run):
    assert run("import", FIXTURES / "jsonl" / "articles.jsonl", FIXTURES / "json", "--quiet").exit_code == 0
    return fixtures_db


def cite(run, fmt, *ids):
    result = run("show", *ids, "--cite", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_seed_article_in_every_style_with_its_access_date(archive, run):
    seed = SEED_ID[:8]
    title = "Ukraine claims Russian forces withdrawing from Kharkiv"
    assert cite(run, "apa", seed) == f"{title}. (2022, May 14). Retrieved December 9, 2024.\n"
    assert cite(run, "mla", seed) == f"“{title}.” 14 May 2022. Accessed 9 Dec. 2024.\n"
    assert cite(run, "chicago", seed) == f"“{title}.” May 14, 2022. Accessed December 9, 2024.\n"
    bib = cite(run, "bibtex", seed)
    assert bib.startswith("@article{anon2022ukraine,\n") and "  urldate = {2024-12-09}" in bib
    assert "  date = {2022-05-14}" in bib and "  month = may," in bib
    ris = cite(run, "ris", seed).splitlines()
    assert ris[0] == "TY  - NEWS" and "Y2  - 2024/12/09" in ris and "DA  - 2022/05/14" in ris
    assert ris[-1] == "ER  - "
    [item] = json.loads(cite(run, "csl-json", seed))
    assert item["type"] == "article-newspaper" and item["title"] == title
    assert item["issued"] == {"date-parts": [[2022, 5, 14]]} and item["accessed"] == {
        "date-parts": [[2024, 12, 9]]
    }


def test_authors_source_and_url(archive, run):
    assert cite(run, "apa", CEASEFIRE) == (
        "Demir, A., & Bright, T. (2022, March 29). Ceasefire talks resume in Istanbul. The Daily Ledger. "
        "https://www.dailyledger.example/world/ceasefire-talks-istanbul\n"
    )
    assert cite(run, "mla", CEASEFIRE) == (
        "Demir, Ayse, and Tom Bright. “Ceasefire talks resume in Istanbul.” The Daily Ledger, 29 Mar. 2022, "
        "www.dailyledger.example/world/ceasefire-talks-istanbul.\n"
    )
    assert cite(run, "chicago", CEASEFIRE) == (
        "Demir, Ayse, and Tom Bright. “Ceasefire talks resume in Istanbul.” The Daily Ledger, "
        "March 29, 2022. https://www.dailyledger.example/world/ceasefire-talks-istanbul.\n"
    )
    bib = cite(run, "bibtex", BANK)
    assert "  author = {Doe, Jane and van der Berg, John}," in bib
    [item] = json.loads(cite(run, "csl-json", BANK))
    assert item["author"][1] == {"family": "Berg", "given": "John", "non-dropping-particle": "van der"}


def test_several_ids_give_several_entries_and_keys_stay_unique(archive, run):
    assert len(cite(run, "apa", SEED_ID[:8], CEASEFIRE, BANK).splitlines()) == 3
    assert cite(run, "ris", SEED_ID[:8], CEASEFIRE, BANK).count("TY  - NEWS") == 3
    assert len(json.loads(cite(run, "csl-json", SEED_ID[:8], CEASEFIRE))) == 2
    article = json.loads(run("show", CEASEFIRE, "--json").stdout)
    bib = citations([article, {**article, "id": "0" * 16}], "bibtex")
    assert "@article{demir2022ceasefire," in bib and "@article{demir2022ceasefireb," in bib


@pytest.mark.parametrize(
    "written, family, given, particle, literal",
    [
        ("Mary Smith", "Smith", "Mary", "", ""),
        ("Smith, Mary", "Smith", "Mary", "", ""),
        ("By Lauren del Valle", "Valle", "Lauren", "del", ""),
        ("Jean-Paul Sartre", "Sartre", "Jean-Paul", "", ""),
        ("Reuters", "", "", "", "Reuters"),
        ("BBC News", "", "", "", "BBC News"),
        ("Staff reporter", "", "", "", "Staff reporter"),
    ],
)
def test_names_are_read_as_citation_styles_need(written, family, given, particle, literal):
    name = parse_name(written)
    assert (name.family, name.given, name.particle, name.literal) == (family, given, particle, literal)
    assert parse_name("Jean-Paul Sartre").initials() == "Sartre, J.-P."


def test_latex_specials_and_control_characters_are_made_safe(run, tmp_path):
    source = tmp_path / "odd.jsonl"
    record = {"title": "Profits up 50% & {rising} for R_D\x1b[2J", "body": "text", "date": "2023-01-02",
              "authors": ["Ana Lima"], "source": "Gazette\x07"}  # fmt: skip
    source.write_text(json.dumps(record) + "\n")
    run("import", source, "--quiet")
    article = json.loads(run("search", "profits", "--json").stdout)[0]["id"]
    bib = cite(run, "bibtex", article)
    assert r"Profits up 50\% \& \{rising\} for R\_D" in bib and "\x1b" not in bib and "\x07" not in bib
    assert "\x1b" not in cite(run, "apa", article)


def test_errors(archive, run):
    result = run("show", "ffffffff", "--cite", "apa")
    assert result.exit_code == 1 and result.stderr.startswith("error: no article")
    assert run("show", CEASEFIRE, "--cite", "harvard").exit_code == 2
    assert run("show", CEASEFIRE, "--cite", "apa", "--json").exit_code == 2


def test_a_bibliography_from_a_search_through_xargs(archive, tmp_path):
    import subprocess

    db = str(archive)
    ids = run_installed("--db", db, "search", "kharkiv", "--format", "ids").stdout.decode().split()
    exe = newscli_exe()
    done = subprocess.run(
        f"{exe} --db {db} search kharkiv --format ids | xargs {exe} --db {db} show --cite bibtex",
        shell=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.count("@article{") == len(ids) > 1
