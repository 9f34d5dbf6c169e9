"""``reviewbot``: the command line and composition root.

Builds config, storage and services and hands them to whichever front end was asked for. Every failure the
user can fix prints one line (``reviewbot: <what> <fix>``) and exits non-zero; tracebacks are for bugs only.
Exit codes: 0 done, 1 not found / some input failed, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot import __version__, runtime
from bot.config import Config, load_config
from bot.errors import ConfigError, InputError, ReviewBotError, UsageError
from bot.extract import extract
from bot.ingest import Ingestor, IngestSummary, shutdown_extraction_pool
from bot.sources import Source, read_source
from bot.storage import Storage, open_storage

log = logging.getLogger("reviewbot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewbot",
        description="Follow film and drama review feeds and answer questions about them.",
    )
    parser.add_argument("--version", action="version", version=f"reviewbot {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="TOML config file (see config.example.toml)"
    )
    parser.add_argument("--db", metavar="PATH", help="SQLite database file (overrides the config)")
    parser.add_argument(
        "--demo", action="store_true", help="use the bundled demo database of fictional reviews"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="store feed files, feed URLs or article files")
    p.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="feed file, feed URL, .txt or .html"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary")

    p = sub.add_parser("extract", help="show what would be extracted from a file, without storing")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="JSON (JSON Lines for a feed file)")

    p = sub.add_parser("ask", help="answer one chat line as the bot would, e.g. ask '!cast Demian'")
    p.add_argument("line", metavar="LINE")
    p.add_argument("--json", action="store_true", help="print the structured answer")

    sub.add_parser("console", help="chat with the bot in the terminal")

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION")
    dbsub.add_parser("upgrade", help="apply pending schema migrations")
    dbsub.add_parser("stats", help="count what the database holds")

    sub.add_parser("run", help="run the Discord bot")
    sub.add_parser("sync", help="register the slash commands with Discord now")
    return parser


def _fail(message: str, code: int) -> int:
    print(f"reviewbot: {message}", file=sys.stderr)
    return code


def _db_path(args: argparse.Namespace, config: Config) -> Path:
    return Path(args.db or config.database.path).expanduser()


@asynccontextmanager
async def storage_for(
    args: argparse.Namespace, config: Config, *, create: bool = True
) -> AsyncIterator[Storage]:
    """Open the database the command should use (the demo one with --demo)."""
    if args.demo:
        from bot.demo import ensure_demo_db

        path = await ensure_demo_db()
    else:
        path = _db_path(args, config)
        if not create and not path.exists():
            raise InputError(
                f"No database at {path}.",
                hint="Ingest something first (reviewbot ingest FEED), or use --demo.",
            )
    storage = await open_storage(path)
    try:
        yield storage
    finally:
        await storage.close()


# --------------------------------------------------------------------------- commands


class _Progress:
    """A one-line progress bar on stderr, shown only on a terminal and only for long work."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 50:
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(
            f"\r{self.label[:40]:40} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        )
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


async def cmd_ingest(args: argparse.Namespace, config: Config) -> int:
    sources: list[Source] = []
    total = IngestSummary()
    for name in args.sources:
        try:
            sources.append(await read_source(name, config.feeds))
        except ReviewBotError as exc:
            print(f"reviewbot: {exc}", file=sys.stderr)
            total.fail(str(exc))
    if sources:
        async with storage_for(args, config) as storage:
            ingestor = Ingestor(storage)
            for source in sources:
                progress = _Progress(source.label, not args.quiet)
                summary = await ingestor.ingest_entries(
                    source.key, source.entries, progress=progress
                )
                progress.close()
                for error in summary.errors:
                    print(f"reviewbot: {error}", file=sys.stderr)
                if not args.quiet and len(sources) > 1:
                    print(f"{source.label}: {summary.line()}")
                total.merge(summary)
    print(f"Ingested {len(sources)} of {len(args.sources)} source(s): {total.line()}")
    return 1 if total.failed else 0


async def cmd_extract(args: argparse.Namespace, config: Config) -> int:
    source = await read_source(args.file, config.feeds)
    for entry in source.entries:
        result = await asyncio.to_thread(extract, entry)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
            continue
        print(f"{entry.title}")
        print(f"  review: {'yes' if result.is_review else 'no (news)'}")
        print(f"  title: {result.title or '-'}")
        cast = ", ".join(
            f"{c.name} ({c.character})" if c.character else c.name for c in result.cast
        )
        print(f"  cast: {cast or '-'}")
        for name, others in result.aliases:
            print(f"  alias: {name} aka {', '.join(others)}")
        print(f"  director: {result.director or '-'}")
        print(f"  rating: {result.rating if result.rating is not None else '-'}")
        print(f"  mentions: {', '.join(result.mentioned_titles) or '-'}")
        print(f"  source: {result.source or '-'}")
        if len(source.entries) > 1:
            print()
    return 0


async def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    from bot.commands import help_text, parse_line, run_command
    from bot.render import answer_to_json, card_to_text, error_to_json, render, render_error
    from bot.services import ReviewService

    prefix = config.discord.prefix
    try:
        name, argument = parse_line(args.line, prefix)
        if name == "help":
            print(help_text(prefix, argument or None))
            return 0
        async with storage_for(args, config, create=False) as storage:
            answer = await run_command(ReviewService(storage), name, argument)
    except (UsageError, InputError):
        raise
    except ReviewBotError as exc:
        if args.json:
            print(json.dumps(error_to_json(exc), ensure_ascii=False))
        else:
            print(card_to_text(render_error(exc)))
        return 1
    if args.json:
        print(json.dumps(answer_to_json(name, answer), ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(card_to_text(card) for card in render(answer)))
    return 0


async def cmd_console(args: argparse.Namespace, config: Config) -> int:
    from bot.console import Console
    from bot.services import ReviewService

    async with storage_for(args, config) as storage:
        await Console(ReviewService(storage), prefix=config.discord.prefix).run()
    return 0


async def cmd_db(args: argparse.Namespace, config: Config) -> int:
    if args.db_command == "upgrade":
        path = _db_path(args, config)
        database = await open_storage(path, migrate=False)
        try:
            before = await database.schema_version()
            applied = await database.upgrade()
        finally:
            await database.close()
        if applied:
            print(
                f"Upgraded {path} from schema {before} to {applied[-1]} ({len(applied)} step(s))."
            )
        else:
            print(f"{path} is up to date (schema {before}).")
        return 0
    if args.db_command == "stats":
        async with storage_for(args, config, create=False) as storage:
            stats = await storage.stats()
            version = await storage.schema_version()
        width = max(len(k) for k in stats)
        print(f"schema {version}")
        for key, value in stats.items():
            print(f"{key:<{width}}  {value}")
        return 0
    raise UsageError("db needs an action: upgrade or stats.", hint="e.g. reviewbot db stats")


async def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from bot.client import run_bot

    return await run_bot(config, _db_path(args, config), sync_only=args.command == "sync")


async def _run(command: Any, args: argparse.Namespace, config: Config) -> int:
    try:
        return int(await command(args, config))
    finally:
        await shutdown_extraction_pool()


_COMMANDS = {
    "ingest": cmd_ingest,
    "extract": cmd_extract,
    "ask": cmd_ask,
    "console": cmd_console,
    "db": cmd_db,
    "run": cmd_run,
    "sync": cmd_run,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(str(exc), 2)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else config.logging.level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return runtime.run(_run(_COMMANDS[args.command], args, config))
    except (UsageError, ConfigError) as exc:
        return _fail(str(exc), 2)
    except ReviewBotError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return _fail("interrupted.", 130)


if __name__ == "__main__":
    sys.exit(main())
