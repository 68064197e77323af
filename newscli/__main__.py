"""The `newscli` command and `python -m newscli`: the CLI, with Ctrl-C handled from the
first moment (see newscli.interrupts)."""

import signal


def main() -> None:
    # Ctrl-C is held back, not lost, while the module that handles it loads.
    can_hold = hasattr(signal, "pthread_sigmask")  # not on Windows
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if can_hold else set()
    from newscli import interrupts

    interrupts.install()
    if can_hold:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    from newscli.cli import cli

    cli(prog_name="newscli")


if __name__ == "__main__":
    main()
