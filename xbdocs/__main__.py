"""xbdocs as a command: ``xbdocs …`` (the console script) and ``python -m xbdocs …``."""

import gc


def main() -> None:
    # The collector is off before the first import: a command is short-lived, and walking
    # the objects imports make is ≈ 12% of a cold build's CPU (xbdocs.cli.main says more).
    gc.disable()
    try:
        from xbdocs.cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while starting: nothing done, nothing to say
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":  # not when a batch worker process imports it
    main()
