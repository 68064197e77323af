"""Making a file or folder really read-only in a test, root included."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

IS_ROOT = os.geteuid() == 0


def _writes_blocked(target: Path) -> bool:
    if target.is_dir():
        probe = target / ".write-probe"
        try:
            probe.write_bytes(b"x")
        except OSError:
            return True
        probe.unlink()
        return False
    try:
        os.close(os.open(target, os.O_RDWR))
    except OSError:
        return True
    return False


@contextlib.contextmanager
def read_only(target: Path):
    """Make a file or folder read-only for real: root ignores permission bits, so as root
    the file is made immutable (`chattr +i`), or a folder bind-mounted read-only."""
    undo = None
    if not IS_ROOT:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        undo = ["chmod", f"{mode & 0o7777:o}", str(target)]
    elif (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode == 0
    ):
        undo = ["chattr", "-i", str(target)]
    elif (
        target.is_dir()
        and subprocess.run(["mount", "--bind", str(target), str(target)], capture_output=True).returncode == 0
    ):
        undo = ["umount", str(target)]
        subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], check=True)
    if undo is None:
        pytest.skip(
            "root here can neither chattr +i nor bind-mount read-only: cannot make "
            f"{target.name} read-only for this test"
        )
    try:
        if not _writes_blocked(target):
            pytest.skip(f"{' '.join(undo[:1])} did not stop writes to {target.name} here")
        yield
    finally:
        subprocess.run(undo, check=True)
