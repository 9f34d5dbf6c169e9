"""Delivering queued announcements to chat within the platform's rate limits (framework-free).

The ``Sender`` drains the durable outbox (``Storage.claim_outbox``) through a ``Transport`` (the
Discord side implements it; tests use an in-process one):

* Pacing: a global window (``rate_per_s``, default 45 messages a second, under Discord's 50) and a
  per-channel window (``per_channel``, default 5 messages per 5 s). Both are *sliding* windows: at
  most N sends in any span of the window's length (plus a small margin for network jitter), which
  also keeps within a server's fixed windows wherever they start. A token bucket with a burst of N
  would not: it allows 2N in one fixed window. One send at a time per channel keeps a channel's
  announcements in order.
* A row is marked sent only after the transport returned its message id. A crash between the two
  leaves the row pending; it is sent again with the same nonce, which the platform de-duplicates.
  Discord remembers nonces for a few minutes only, so that alone would not hold after a long
  outage: the sender marks the rows it takes on before sending any (``mark_trying``, one write
  per batch), and before sending a row that was taken on before (a crash, a retry) it asks the
  transport whether the message is already in the channel (``find_posted``); if so, the row is
  marked sent with that message instead. After a crash that costs one history read per row that
  was queued in memory, not one per message ever sent; a clean stop unmarks the rows it never
  started, so a restart during a fan-out reads no history at all.
* ``SendError.permanent`` (channel gone, missing permission): the row fails, its subscription is
  paused and the server's moderators are told once. Other errors retry with exponential backoff
  (``retry_after`` honoured), up to ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.errors import ReviewBotError
from bot.models import Announcement
from bot.storage.base import Storage
from bot.storage.records import OutboxRow

log = logging.getLogger("reviewbot.delivery")

Clock = Callable[[], float]
CLOCK_SKEW = timedelta(seconds=60)  # our clock against the platform's message timestamps
Sleep = Callable[[float], Awaitable[None]]


class SendError(ReviewBotError):
    """A message could not be posted. ``permanent``: retrying cannot help (the channel is gone or the
    bot may not post there); ``retry_after``: seconds the platform asked to wait."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.permanent = permanent
        self.retry_after = retry_after


class Transport(Protocol):
    """Where announcements go (implemented by the Discord side)."""

    async def send(self, channel_id: int, announcement: Announcement, nonce: str) -> int:
        """Post ``announcement`` with ``nonce``; return the message id (raises SendError)."""
        ...

    async def edit(self, channel_id: int, message_id: int, announcement: Announcement) -> None:
        """Replace the text of a posted announcement (raises SendError)."""
        ...

    async def notify(self, guild_id: int, channel_id: int | None, text: str) -> None:
        """Tell a server's moderators something (announce channel, else ``channel_id``); no pings."""
        ...

    async def find_posted(
        self, channel_id: int, announcement: Announcement, since: datetime
    ) -> int | None:
        """The id of a message this bot posted in the channel at or after ``since`` with this
        announcement's text, or None (raises SendError when the channel cannot be read)."""
        ...


class SlidingWindow:
    """At most ``limit`` events in any ``per`` seconds (+ ``margin``), by reserving slots in order."""

    def __init__(self, limit: int, per: float, margin: float = 0.0) -> None:
        if limit < 1 or per <= 0:
            raise ValueError("a rate window needs limit >= 1 and per > 0")
        self.limit = limit
        self.per = per
        self.margin = margin
        self._times: deque[float] = deque(maxlen=limit)
        self._blocked_until = float("-inf")

    def next_free(self, now: float) -> float:
        """The earliest time (>= now) an event may happen, without reserving it."""
        slot = max(now, self._blocked_until)
        if len(self._times) == self.limit:
            slot = max(slot, self._times[0] + self.per + self.margin)
        if self._times:
            slot = max(slot, self._times[-1])
        return slot

    def reserve(self, now: float) -> float:
        """Reserve the earliest free slot and return its time."""
        slot = self.next_free(now)
        self._times.append(slot)
        return slot

    def record(self, when: float) -> None:
        """Count an event that happened at ``when`` (not before the last one recorded)."""
        self._times.append(max(when, self._times[-1]) if self._times else when)

    def block_until(self, when: float) -> None:
        """Allow nothing before ``when`` (a server asked to wait)."""
        self._blocked_until = max(self._blocked_until, when)

    def idle_since(self, now: float) -> bool:
        """Whether the window has forgotten everything (safe to drop)."""
        last = self._times[-1] if self._times else float("-inf")
        return now - last > self.per + self.margin and now >= self._blocked_until


@dataclass(frozen=True, slots=True)
class DrainReport:
    """What one drain did: rows posted (or edited), rows to retry later, rows given up on."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


class Sender:
    """Drains the outbox through a transport within the rate limits (see the module docstring)."""

    def __init__(
        self,
        storage: Storage,
        transport: Transport,
        *,
        rate_per_s: float = 45.0,
        per_channel: tuple[int, float] = (5, 5.0),
        concurrency: int = 8,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_attempts: int = 20,
        retry_base: float = 2.0,
        retry_cap: float = 900.0,
        margin: float = 0.05,
        batch: int = 500,
    ) -> None:
        if rate_per_s <= 0 or concurrency < 1:
            raise ValueError("rate_per_s must be > 0 and concurrency >= 1")
        self.storage = storage
        self.transport = transport
        self.clock = clock
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.batch = batch
        burst = max(1, int(rate_per_s))
        self._global = SlidingWindow(burst, burst / rate_per_s, margin)
        self._channel_rate = per_channel
        self._margin = margin
        self._channels: dict[int, SlidingWindow] = {}
        self._sem = asyncio.Semaphore(concurrency)
        self._queues: dict[int, deque[OutboxRow]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._queued: set[int] = set()
        self._kicked = asyncio.Event()
        self._stopping = False
        self._counts = [0, 0, 0]  # sent, retried, failed (since start)
        self.found_posted = 0  # rows found already posted (and not sent again) since start
        self._marked: set[int] = set()  # rows this sender marked tried_at and has not finished
        self._sending: set[int] = set()  # of those, rows whose send was started

    # ------------------------------------------------------------------ control
    def kick(self) -> None:
        """Look at the outbox now (new rows were queued)."""
        self._kicked.set()

    @property
    def totals(self) -> DrainReport:
        """Everything sent, retried and failed since this Sender started."""
        return DrainReport(*self._counts)

    async def run(self) -> None:
        """Drain forever: look for due rows when kicked and at least every second; stop on ``stop``."""
        while not self._stopping:
            self._kicked.clear()
            try:
                await self._fill(self.batch)
            except ReviewBotError as exc:
                log.warning("could not read the outbox: %s", exc)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kicked.wait(), timeout=1.0)

    async def drain_once(self, limit: int = 500) -> DrainReport:
        """Deliver the rows due now (at most ``limit`` more) and wait until every queued one is done."""
        before = list(self._counts)
        await self._fill(limit)
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
        sent, retried, failed = (now - then for now, then in zip(self._counts, before, strict=True))
        return DrainReport(sent, retried, failed)

    async def stop(self) -> None:
        """Stop draining; sends in flight are cancelled (their rows stay pending). Rows taken on
        but never sent lose their ``tried_at`` mark again, so the next start sends them without
        looking for them first (a restart in the middle of a fan-out costs no history reads)."""
        self._stopping = True
        self._kicked.set()
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        untouched = sorted(self._marked - self._sending)
        self._marked.clear()
        if untouched:
            try:
                await self.storage.clear_trying(untouched)
            except ReviewBotError as exc:  # only costs history reads at the next start
                log.warning("could not unmark %s unsent outbox rows: %s", len(untouched), exc)

    # ------------------------------------------------------------------ queueing
    async def _fill(self, limit: int) -> int:
        rows = await self.storage.claim_outbox(datetime.now(UTC), limit, exclude=self._queued)
        sends = [row.id for row in rows if row.kind == "send"]
        if sends:
            # before any of them is sent: a crash from now on leaves the mark (one write per fill)
            await self.storage.mark_trying(sends, datetime.now(UTC))
            self._marked.update(r.id for r in rows if r.kind == "send" and r.tried_at is None)
        for row in rows:
            self._queued.add(row.id)
            self._queues.setdefault(row.channel_id, deque()).append(row)
            if row.channel_id not in self._workers:
                self._workers[row.channel_id] = asyncio.create_task(
                    self._channel_worker(row.channel_id), name=f"send-{row.channel_id}"
                )
        return len(rows)

    async def _channel_worker(self, channel_id: int) -> None:
        queue = self._queues[channel_id]
        try:
            while queue and not self._stopping:
                row = queue.popleft()
                try:
                    await self._deliver(row)
                except ReviewBotError as exc:  # storage trouble: the row stays as it was
                    log.warning("could not record delivery of outbox row %s: %s", row.id, exc)
                else:
                    self._marked.discard(row.id)
                    self._sending.discard(row.id)
                finally:
                    self._queued.discard(row.id)
        finally:
            for row in queue:
                self._queued.discard(row.id)
            self._queues.pop(channel_id, None)
            self._workers.pop(channel_id, None)
            self._forget_idle_channels()

    def _forget_idle_channels(self) -> None:
        if len(self._channels) < 1000:
            return
        now = self.clock()
        for channel_id in [c for c, w in self._channels.items() if w.idle_since(now)]:
            if channel_id not in self._workers:
                del self._channels[channel_id]

    # ------------------------------------------------------------------ one row
    def _window(self, channel_id: int) -> SlidingWindow:
        window = self._channels.get(channel_id)
        if window is None:
            limit, per = self._channel_rate
            window = self._channels[channel_id] = SlidingWindow(limit, per, self._margin)
        return window

    async def _wait_until(self, when: float) -> None:
        delay = when - self.clock()
        if delay > 0:
            await self.sleep(delay)

    async def _already_posted(self, row: OutboxRow) -> int | None:
        """For a send tried before: the message it may already have made, else None."""
        if row.kind != "send" or row.tried_at is None:
            return None
        since = row.tried_at - CLOCK_SKEW
        try:
            return await self.transport.find_posted(row.channel_id, row.announcement, since)
        except SendError as exc:
            if not exc.permanent:
                raise
            # the channel's history cannot be read: send (the nonce still covers a short outage)
            log.warning("could not look for outbox row %s in its channel: %s", row.id, exc)
            return None
        except Exception as exc:  # a transport bug must not stop delivery: look again later
            log.exception("transport failed looking for outbox row %s", row.id)
            raise SendError(f"Unexpected error: {exc.__class__.__name__}: {exc}") from exc

    async def _deliver(self, row: OutboxRow) -> None:
        if not row.announcement.content:
            await self._give_up(row, "the queued announcement is damaged", pause=False)
            return
        try:
            found = await self._already_posted(row)
        except SendError as exc:
            await self._retry(row, exc)
            return
        if found is not None:
            log.info("outbox row %s was already posted as message %s", row.id, found)
            await self.storage.mark_sent(row.id, found, row.payload)
            self.found_posted += 1
            self._counts[0] += 1
            return
        channel = self._window(row.channel_id)
        await self._wait_until(channel.next_free(self.clock()))
        async with self._sem:
            slot = self._global.reserve(self.clock())
            await self._wait_until(slot)
            channel.record(max(slot, self.clock()))
            try:
                if row.kind == "edit" and row.message_id is not None:
                    await self.transport.edit(row.channel_id, row.message_id, row.announcement)
                    message_id = row.message_id
                else:
                    self._sending.add(row.id)  # from here on it may be posted: the mark stays
                    message_id = await self.transport.send(
                        row.channel_id, row.announcement, row.nonce
                    )
            except SendError as exc:
                error: SendError | None = exc
            except Exception as exc:  # a transport bug must not stop delivery: retry later
                log.exception("transport failed on outbox row %s", row.id)
                error = SendError(f"Unexpected error: {exc.__class__.__name__}: {exc}")
            else:
                error = None
        if error is None:
            await self.storage.mark_sent(row.id, message_id, row.payload)
            self._counts[0] += 1
        elif error.permanent:
            await self._give_up(row, str(error), pause=row.kind == "send")
            if row.kind == "send":
                self._hold(row)
        else:
            await self._retry(row, error)

    def _hold(self, failed: OutboxRow) -> None:
        """Leave the subscription's other queued rows pending: it is paused now."""
        queue = self._queues.get(failed.channel_id)
        if not queue:
            return
        held = [r for r in queue if r.subscription_id == failed.subscription_id]
        for row in held:
            queue.remove(row)
            self._queued.discard(row.id)

    async def _retry(self, row: OutboxRow, error: SendError) -> None:
        if row.attempts + 1 >= self.max_attempts:
            log.warning("giving up on outbox row %s after %s attempts", row.id, row.attempts + 1)
            await self._give_up(
                row, f"{error} (gave up after {row.attempts + 1} attempts)", pause=False
            )
            return
        if error.retry_after is not None and error.retry_after >= 0:
            delay = error.retry_after
            self._window(row.channel_id).block_until(self.clock() + delay)
        else:
            delay = min(self.retry_base * 2.0**row.attempts, self.retry_cap)
        when = datetime.now(UTC) + timedelta(seconds=delay)
        await self.storage.mark_retry(row.id, str(error), when, edit=row.kind == "edit")
        self._counts[1] += 1

    async def _give_up(self, row: OutboxRow, error: str, *, pause: bool) -> None:
        edit = row.kind == "edit"
        paused = await self.storage.mark_failed(row.id, error, pause=pause, edit=edit)
        self._counts[2] += 1
        if paused:
            text = (
                f"I stopped posting feed announcements in <#{row.channel_id}> because I could not "
                f"post there: {error} Give me permission to send messages in that channel (or "
                f"pick another channel), then run `feed resume #{row.subscription_id}`."
            )
            try:
                await self.transport.notify(row.guild_id, None, text)
            except Exception:
                log.exception("could not tell server %s that a subscription paused", row.guild_id)
