"""One exception hierarchy for the kit.

Errors caused by a user's input carry a Vietnamese message meant to be printed as is
(the CLI never shows a traceback for them); bugs stay ordinary exceptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.core.problems import Problem


class KitError(Exception):
    """Base of every error the kit raises on purpose; ``str()`` is the user-facing message."""

    def _render_traceback_(self) -> list[str]:
        """What a notebook shows (IPython asks an exception for this): the message, no traceback — e.g. a login
        the campaign's accounts do not know, opening the scoring notebook."""
        return [f"Lỗi: {self}"]


class CampaignError(KitError):
    """The campaign configuration (campaign.yml, units.csv, criteria) cannot be used.

    Carries every problem found, so the user fixes them in one pass rather than one per run.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [p.format() for p in problems]
        super().__init__("Cấu hình đợt thi đua có lỗi:\n" + "\n".join(lines))


class UsageError(KitError):
    """A command was asked for something impossible (unknown year, missing folder...)."""


class GradebookError(KitError):
    """A decision that cannot be stored as asked (no evaluator, conflicting edit, unusable database...)."""


class StorageError(KitError):
    """A file could not be written: read-only, full, missing or locked storage (``kit.core.atomic``). The message
    names the folder and what to do; nothing half-written was left."""


class FileProblem(KitError):
    """A file that cannot be read at all; carries the problem to report beside the other files' problems."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class ActorError(KitError):
    """Who is acting cannot act here: a login the campaign's account registry does not know, or an account
    without the role an act needs. The message names the account and what to do."""
