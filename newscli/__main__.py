"""The `newscli` command and `python -m newscli`: the CLI, with Ctrl-C handled from the
first moment (see newscli.interrupts)."""

# The built-in module, not `signal`: that one builds its enums first (~3 ms here), a window
# in which Ctrl-C would still give Python's own traceback.
import _signal  # type: ignore[import-not-found]


def main() -> None:
    # Ctrl-C is held back, not lost, while the module that handles it loads.
    can_hold = hasattr(_signal, "pthread_sigmask")  # not on Windows
    held = _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT}) if can_hold else set()
    from newscli import interrupts

    interrupts.install()
    if can_hold:
        _signal.pthread_sigmask(_signal.SIG_SETMASK, held)
    from newscli.cli import cli

    cli(prog_name="newscli")


if __name__ == "__main__":
    main()
