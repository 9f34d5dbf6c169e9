"""One exception tree for the whole core.

Every error carries a message that is safe to show to a user as is: it says what was wrong and, where
there is one, what to do about it (``hint``). Front ends print ``str(error)``; they never show tracebacks.
"""

from __future__ import annotations

from collections.abc import Sequence


class ReviewBotError(Exception):
    """Base class: a problem the user can understand and act on."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class UsageError(ReviewBotError):
    """A command was called with missing or absurd arguments."""


class NotFound(ReviewBotError):
    """Nothing matched a query; ``suggestions`` are "did you mean" choices, best first."""

    def __init__(
        self, message: str, *, suggestions: Sequence[str] = (), hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.suggestions = list(suggestions)


class Ambiguous(ReviewBotError):
    """Several different things share the name asked for; ``choices`` tell them apart."""

    def __init__(self, message: str, *, choices: Sequence[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.choices = list(choices)


class ConfigError(ReviewBotError):
    """The configuration file or environment is wrong; the message names the key and the fix."""


class StorageError(ReviewBotError):
    """The database could not be read or written."""


class FeedError(ReviewBotError):
    """A feed could not be fetched or parsed."""


class InputError(ReviewBotError):
    """An input file or document is unreadable, binary, empty, too large or wrongly encoded."""


class PermissionDenied(ReviewBotError):
    """The caller may not do this (for example a moderator-only setting)."""
