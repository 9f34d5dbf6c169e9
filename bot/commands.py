"""The chat commands as data: names, help, and how one chat line becomes a service call.

The console and ``reviewbot ask`` use ``parse_line`` + ``run_command``; the Discord cogs declare the same
commands as hybrid commands and take their names, descriptions and help from ``COMMANDS`` so the two
front ends never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process

from bot.errors import UsageError
from bot.models import Answer
from bot.services import ReviewService


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    description: str  # at most 100 characters (Discord's slash-command limit)
    usage: str
    example: str
    argument: str | None  # the argument's name, None when the command takes none
    argument_description: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = True


COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec(
            "review",
            "Reviews of a film or series, newest first, with rating and cast",
            "review <title>",
            "review Soundtrack #2",
            "title",
            "The film or series (typos are fine)",
            aliases=("reviews", "r"),
        ),
        CommandSpec(
            "cast",
            "The cast of a title with characters, or a person's works",
            "cast <title or person>",
            "cast Geum Sae Rok",
            "query",
            "A film/series title or an actor's name",
            aliases=("who", "c"),
        ),
        CommandSpec(
            "related",
            "Works related to a title, and why (franchise, shared cast, links)",
            "related <title>",
            "related Soundtrack #2",
            "title",
            "The film or series to find relatives of",
            aliases=("similar", "rel"),
        ),
        CommandSpec(
            "search",
            "Search review titles and text for words",
            "search <words>",
            "search piano romance",
            "words",
            "Words to look for in reviews",
            aliases=("find", "s"),
        ),
        CommandSpec(
            "latest",
            "The newest reviews",
            "latest [count]",
            "latest 5",
            "count",
            "How many reviews to show (1-50)",
            aliases=("new", "recent"),
            required=False,
        ),
        CommandSpec(
            "help",
            "What I can answer, with examples",
            "help [command]",
            "help cast",
            "command",
            "A command to explain",
            aliases=("commands",),
            required=False,
        ),
    )
}

_ALIASES = {alias: spec.name for spec in COMMANDS.values() for alias in (spec.name, *spec.aliases)}


def parse_line(line: str, prefix: str = "!") -> tuple[str, str]:
    """``"!cast  Geum Sae Rok"`` -> ``("cast", "Geum Sae Rok")``; the prefix and a slash are optional.

    Unknown commands raise UsageError with the closest known command.
    """
    text = line.strip()
    for lead in (prefix, "/"):
        if lead and text.startswith(lead):
            text = text[len(lead) :].lstrip()
            break
    if not text:
        raise UsageError("Type a command.", hint="Try: help")
    word, _, rest = text.partition(" ")
    name = _ALIASES.get(word.lower())
    if name is None:
        guess = process.extractOne(word.lower(), list(_ALIASES), score_cutoff=60)
        hint = f"Did you mean {prefix}{_ALIASES[guess[0]]}?" if guess else "Try: help"
        raise UsageError(f"I don't know the command {word[:40]!r}.", hint=hint)
    return name, rest.strip()


def help_text(prefix: str = "!", command: str | None = None) -> str:
    """Help for every command, or for one."""
    if command:
        name = _ALIASES.get(command.lower().lstrip(prefix).lstrip("/"))
        if name is None:
            raise UsageError(f"There is no command {command[:40]!r}.", hint=f"Type {prefix}help.")
        spec = COMMANDS[name]
        aliases = f"\nAlso: {', '.join(prefix + a for a in spec.aliases)}" if spec.aliases else ""
        return (
            f"{prefix}{spec.usage}: {spec.description}.\nExample: {prefix}{spec.example}{aliases}"
        )
    lines = [f"{prefix}{spec.usage} — {spec.description}" for spec in COMMANDS.values()]
    slash = ", ".join("/" + name for name in list(COMMANDS)[:3])
    lines.append(f"Each also works as a slash command ({slash} ...).")
    lines.append(
        f"Moderators, in Discord: {prefix}config (prefix, moderator role, announcement channel, mentions, "
        f"timezone) and {prefix}feed add/list/remove/pause/resume/test/backfill/filter/template."
    )
    return "\n".join(lines)


async def run_command(service: ReviewService, name: str, argument: str) -> Answer:
    """Answer one parsed command (not ``help``) through the services."""
    spec = COMMANDS[name]
    if spec.required and not argument:
        raise UsageError(f"{name} needs {spec.argument}.", hint=f"For example: !{spec.example}")
    if name == "review":
        return await service.review(argument)
    if name == "cast":
        return await service.cast(argument)
    if name == "related":
        return await service.related(argument)
    if name == "search":
        return await service.search(argument)
    if name == "latest":
        count = 10
        if argument:
            if not argument.isdigit():
                raise UsageError(
                    f"latest takes a number, not {argument[:40]!r}.", hint="e.g. !latest 5"
                )
            count = int(argument[:6])
        return await service.latest(count)
    raise UsageError(f"{name} is not a question command.")
