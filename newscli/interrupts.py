"""Ctrl-C in the `newscli` command: one line and status 130 at any moment, never a traceback.

Before a command starts its work (Python importing click and our modules, parsing the
command line), Ctrl-C ends the process at once: nothing is open yet that needs tidying, and
a KeyboardInterrupt would print a traceback from whatever module was being imported. While
the command works it is a KeyboardInterrupt, which the command turns into the same line (an
import first commits the articles it has read). Once the work is done, a late Ctrl-C is
ignored: the command exits with its own status.

Only the `newscli` command calls `install` (newscli.__main__); code that runs the CLI
in-process, like the test suite, keeps its own SIGINT handling. Imports only what Python has
loaded before running any of our code, so that `install` comes as early as it can.
"""

import os
import signal
import sys


def before_work(signum, frame) -> None:
    os.write(2, b"interrupted\n")
    os._exit(130)


def install() -> None:
    signal.signal(signal.SIGINT, before_work)
    sys.unraisablehook = _raise_lost_interrupt_again


def _raise_lost_interrupt_again(info) -> None:
    """A Ctrl-C that Python handles while running a callback (a weakref's, as imports use)
    cannot stop the code around it: Python prints it as "Exception ignored" and goes on.
    Raise it again a moment later, from wherever the command then is."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        signal.signal(signal.SIGALRM, signal.default_int_handler)
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        return
    sys.__unraisablehook__(info)


class work_interruptibly:
    """`with work_interruptibly():` the command's work, where Ctrl-C is a KeyboardInterrupt."""

    def __enter__(self) -> None:
        self.standalone = signal.getsignal(signal.SIGINT) is before_work
        if self.standalone:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(self, *exc_info) -> None:
        if self.standalone:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.setitimer(signal.ITIMER_REAL, 0)  # a Ctrl-C raised again too late: done
