"""Run the fake Discord standalone: ``python -m tests.fakediscord --port 0 --print-port``.

Prints ``READY api=<url> gateway=<url>`` (flushed) once it listens, then serves until SIGINT/SIGTERM.
Used by tests that start ``reviewbot run`` as a separate process.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .fake import FakeDiscord


async def serve(args: argparse.Namespace) -> None:
    """Start the fake, announce it, and wait for a stop signal."""
    fake = FakeDiscord(
        args.host,
        args.port,
        message_content_intent_granted=not args.deny_message_content,
        channel_rate_limit=True if args.channel_rate_limit else None,
        global_rate_limit=args.global_rate_limit,
        heartbeat_interval=args.heartbeat_interval,
        expected_token=args.token,
    )
    await fake.start()
    if args.print_port:
        print(f"READY api={fake.api_base} gateway={fake.gateway_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakediscord", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--print-port", action="store_true", help="print the READY line with the URLs"
    )
    parser.add_argument("--token", default=None, help="accept only this bot token")
    parser.add_argument(
        "--deny-message-content",
        action="store_true",
        help="close IDENTIFYs asking for MESSAGE_CONTENT with 4014",
    )
    parser.add_argument(
        "--channel-rate-limit", action="store_true", help="emulate 5 messages / 5 s per channel"
    )
    parser.add_argument("--global-rate-limit", type=int, default=None, help="requests per second")
    parser.add_argument("--heartbeat-interval", type=float, default=41.25, help="seconds")
    asyncio.run(serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
