"""Who runs an administration command: the operating system's user, as a system actor."""

from __future__ import annotations

import getpass

from app.domain.users import Actor


def command_line_actor() -> Actor:
    """The audit names command-line changes after the computer's user ("cli:anna")."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        who = "unknown"
    return Actor.system(f"cli:{who}")
