"""Help that teaches: every command explains itself, with examples and exit codes."""

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newscli import __version__
from newscli.cli import cli

COMMANDS = sorted(cli.commands)


def help_text(*args):
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="newscli")
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_description_examples_and_exit_status(name):
    text = help_text(name)
    assert text.startswith(f"Usage: newscli {name} ")
    assert re.match(r"  [A-Z]\w+ ", text.splitlines()[2])  # a one-line description
    examples = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 2 <= len(examples) <= 4, examples
    for example in examples:
        assert re.search(rf"\bnewscli (--db \S+ )?{name}\b", example), example
    assert re.search(r"^  Exit status: 0 ", text, re.M)
    assert text.rstrip().endswith("-h, --help  Show this message and exit.")


@pytest.mark.parametrize("name", COMMANDS)
def test_short_help_is_whole_in_the_command_list(name):
    listing = help_text()
    line = next(line for line in listing.splitlines() if line.startswith(f"  {name} "))
    assert not line.endswith("...") and line.rstrip().endswith(".")


def test_options_are_listed_in_sections():
    text = help_text("show")
    assert text.index("\nOutput:\n") < text.index("\n  --json") < text.index("--pager / --no-pager")
    assert text.index("--no-pager  ") < text.index("\nOptions:\n") < text.index("-h, --help")
    assert "IDS..." not in text.split("\nOutput:\n", 1)[1]  # arguments are in the usage line


def test_top_level_help_lists_the_global_options_and_commands():
    text = help_text()
    for option in ("--db FILE", "--no-color", "-V, --version", "[env var: NEWSCLI_DB]"):
        assert option in text
    commands = text.split("Commands:\n", 1)[1].split()
    assert [word for word in commands if word in cli.commands] == COMMANDS


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag):
    result = CliRunner().invoke(cli, [flag], prog_name="newscli")
    assert (result.exit_code, result.stdout) == (0, f"newscli, version {__version__}\n")


def test_version_of_the_installed_command_matches_the_package_metadata():
    from importlib.metadata import version

    from conftest import run_installed

    done = run_installed("--version")
    assert done.stdout.decode() == f"newscli, version {version('newscli')}\n"
    assert version("newscli") == __version__


def test_help_does_not_load_rich_or_sqlite_utils():
    code = (
        "import sys\n"
        "from newscli.cli import cli\n"
        "for args in (['--help'], ['stats', '--help'], ['export', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='newscli')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('rich', 'sqlite_utils', 'dateutil') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]"
