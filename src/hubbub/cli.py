"""The ``hubbub`` command: every Django management command, plus hubbub's own
(``serve``, ``demo``, ``token``, ``role``, ``worker``, ``unconf``)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubbub.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "hubbub"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
