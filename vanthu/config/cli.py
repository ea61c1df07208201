"""The `vanthu` command line: `vanthu demo|serve|worker|check|import-agencies|journal ...`.

Every subcommand is a Django management command; this entry point only sets the settings
module and forwards the arguments, so `vanthu X` and `python manage.py X` are the same.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Vanthu command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    args = list(sys.argv if argv is None else argv)
    if args[1:2] == ["demo"]:
        # Demo mode must be known before settings load (secret key, demo data, 2FA default).
        os.environ.setdefault("VANTHU_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vanthu", *args[1:]])


if __name__ == "__main__":
    main()
