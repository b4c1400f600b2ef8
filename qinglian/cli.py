"""The `qinglian` command. Subcommands are Django management commands of the project's apps, plus the
Django-free document tools `read` and `check`, which start without touching the database.

    qinglian migrate | serve [--host H --port P] | demo | createuser | units [--json] | audit verify
    qinglian ledger import|export … | stats … | report … | read FILE --json | check FILE
"""

from __future__ import annotations

import os
import sys

# Subcommands that need no Django at all: they read files and print.
PURE = {
    "read": "paperwork.read.cli",
    "check": "paperwork.check",
}
# `qinglian check FILE --unit …` compares figures with the records, so it needs the database; Django's own
# system check stays reachable as `qinglian system-check`.
ALIASES = {"system-check": "check"}
# Django's system checks import every view and URL (about two seconds of a command's start); the server and
# the worker run them, as Django's own check does; a command an administrator or a script runs skips them.
CHECKED = {"serve", "worker", "check", "migrate", "runserver"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        return 0
    command, rest = args[0], args[1:]
    if command == "check" and "--unit" in rest:
        command = "checkdoc"
    elif command in ALIASES:
        command = ALIASES[command]
    elif command in PURE:
        import importlib

        module = importlib.import_module(PURE[command])
        try:
            return int(module.main(rest))
        except BrokenPipeError:  # `qinglian read … | head`: the reader went away, nothing to report
            return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["qinglian", command, *_skip_checks(command), *rest])
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 130
    return 0


def _skip_checks(command: str) -> list[str]:
    if command in CHECKED:
        return []
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    app = get_commands().get(command)
    if app is None or not load_command_class(app, command).requires_system_checks:
        return []  # an unknown command gets Django's own message; one without checks has no such option
    return ["--skip-checks"]  # before the command's own arguments: a subcommand's parser would refuse it


if __name__ == "__main__":
    sys.exit(main())
