"""The one base class of the program's own errors.

Every error the program raises on purpose derives from `CioCoachError`, so an adapter
(the CLI, a Slack listener) can tell "we know what went wrong" from a bug.
"""

from __future__ import annotations


class CioCoachError(Exception):
    """An error the program raises on purpose; its message is fit to show a person."""
