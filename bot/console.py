"""The offline front end: chat with the bot in a terminal, with the same services and cards as Discord.

Lines are the chat commands with or without the prefix (``!cast Demian``, ``cast Demian``); ``help``
lists them; when a title is ambiguous or misspelt the choices are numbered and typing the number picks one.
History is kept between sessions when readline is available.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.commands import help_text, parse_line, run_command
from bot.errors import Ambiguous, NotFound, ReviewBotError
from bot.render import card_to_text, render, render_error
from bot.services import ReviewService

HISTORY = Path(os.environ.get("REVIEWBOT_HISTORY", "~/.reviewbot_history")).expanduser()
_QUIT = {"quit", "exit", "q", ":q"}


class Console:
    """A read-answer loop over ``ReviewService``; input and output streams are injectable for tests."""

    def __init__(
        self,
        service: ReviewService,
        *,
        prefix: str = "!",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.service = service
        self.prefix = prefix
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() and self.stdout.isatty()
        self._choices: list[str] = []
        self._last_command = "review"

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    async def answer(self, line: str) -> str:
        """The text the bot answers to one line (also used by tests)."""
        line = line.strip()
        if line.isdigit() and self._choices:
            index = int(line) - 1
            if 0 <= index < len(self._choices):
                line = f"{self._last_command} {self._choices[index]}"
        self._choices = []
        try:
            name, argument = parse_line(line, self.prefix)
            if name == "help":
                return help_text(self.prefix, argument or None) + "\nType quit to leave."
            self._last_command = name
            answer = await run_command(self.service, name, argument)
            return "\n\n".join(card_to_text(card) for card in render(answer))
        except ReviewBotError as exc:
            text = card_to_text(render_error(exc))
            if isinstance(exc, NotFound | Ambiguous):
                self._choices = list(exc.suggestions if isinstance(exc, NotFound) else exc.choices)
                if self._choices:
                    text += (
                        "\n(Type a number to pick: "
                        + ", ".join(f"{i}. {c}" for i, c in enumerate(self._choices[:9], start=1))
                        + ")"
                    )
            return text

    def _setup_history(self) -> None:
        if not self.interactive:
            return
        try:
            import readline
        except ImportError:  # pragma: no cover - Windows without pyreadline
            return
        try:
            readline.read_history_file(HISTORY)
        except (FileNotFoundError, PermissionError, OSError):
            pass
        readline.set_history_length(1000)

    def _save_history(self) -> None:
        if not self.interactive:
            return
        try:
            import readline

            readline.write_history_file(HISTORY)
        except (ImportError, OSError):
            pass

    async def _read(self) -> str | None:
        if self.interactive:
            try:
                return await asyncio.to_thread(input, "you> ")
            except EOFError:
                return None
        line = await asyncio.to_thread(self.stdin.readline)
        return line if line else None

    async def run(self) -> None:
        self._setup_history()
        if self.interactive:
            self.say(
                f"reviewbot console. Ask like in chat: {self.prefix}review <title>, "
                f"{self.prefix}cast <title or person>, {self.prefix}related <title>. "
                "help lists everything; quit leaves."
            )
        try:
            while True:
                line = await self._read()
                if line is None:
                    break
                line = line.strip()
                if not line:
                    continue
                if line.lower() in _QUIT:
                    break
                self.say(await self.answer(line))
                if self.interactive:
                    self.say("")
        except KeyboardInterrupt:
            pass
        finally:
            self._save_history()
