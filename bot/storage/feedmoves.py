"""SQL for a feed that moved for good (a 301/308 seen while polling): a new address, or a merge into
the feed already at that address. Synchronous functions run by ``FeedsMixin.move_feed``.
"""

from __future__ import annotations

import sqlite3


def move_feed(conn: sqlite3.Connection, feed_id: int, new_url: str) -> int | None:
    """Give a feed the address it moved to for good (in the caller's transaction).

    Returns the id of the feed that has ``new_url`` afterwards: ``feed_id`` itself, or the feed
    already at that address it was merged into (``merge_feeds``); None when the feed is gone
    (removed while it was being polled). The feed keeps its ``feed_key``, so its items stay known.
    """
    row = conn.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    if row is None:
        return None
    if row[0] == new_url:
        return feed_id
    other = conn.execute("SELECT id FROM feeds WHERE url = ?", (new_url,)).fetchone()
    if other is None:
        conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))
        return feed_id
    merge_feeds(conn, feed_id, int(other[0]))
    return int(other[0])


def merge_feeds(conn: sqlite3.Connection, old_id: int, new_id: int) -> None:
    """Fold feed ``old_id`` into feed ``new_id`` and delete it (in the caller's transaction).

    * A subscription of the old feed moves to the new one, keeping its id, settings and queued or
      posted announcements. Where the channel already follows the new feed, one subscription is
      kept (the new feed's, unless it is paused and the old one is not) and the other deleted;
      its announcements, pending ones included, are handed to the one kept. They are for the same
      channel, and the new feed will not queue those reviews again there (the outbox holds one row
      per channel and review), so dropping them would lose them; a posted one stays editable.
    * Items without a link that the new feed lacks are copied to its key: nothing else could tell
      that the new feed's next poll meets the same article (linked ones are matched by URL), and
      the channels that came from the old feed would otherwise get it again.
    * A paused new feed is resumed (the address just answered) at the old feed's next poll.
    """
    theirs = {
        int(channel): (int(sub_id), bool(paused))
        for sub_id, channel, paused in conn.execute(
            "SELECT id, channel_id, paused FROM subscriptions WHERE feed_id = ?", (new_id,)
        )
    }
    ours = conn.execute(
        "SELECT id, channel_id, paused FROM subscriptions WHERE feed_id = ? ORDER BY id", (old_id,)
    ).fetchall()
    for sub_id, channel, paused in ours:
        twin = theirs.get(int(channel))
        if twin is not None:
            keep, drop = (int(sub_id), twin[0]) if twin[1] and not paused else (twin[0], sub_id)
            conn.execute(
                "UPDATE outbox SET subscription_id = ? WHERE subscription_id = ?", (keep, drop)
            )
            conn.execute("DELETE FROM subscriptions WHERE id = ?", (drop,))
            if keep == twin[0]:
                continue
        conn.execute("UPDATE subscriptions SET feed_id = ? WHERE id = ?", (new_id, sub_id))
    keys = conn.execute(
        "SELECT (SELECT COALESCE(feed_key, url) FROM feeds WHERE id = ?),"
        " (SELECT COALESCE(feed_key, url) FROM feeds WHERE id = ?)",
        (old_id, new_id),
    ).fetchone()
    conn.execute(
        "INSERT OR IGNORE INTO items(feed_key, item_key, content_hash, review_id, first_seen,"
        " last_seen) SELECT ?, i.item_key, i.content_hash, i.review_id, i.first_seen, i.last_seen"
        " FROM items i JOIN reviews r ON r.id = i.review_id"
        " WHERE i.feed_key = ? AND r.url_key IS NULL",
        (keys[1], keys[0]),
    )
    conn.execute(
        "UPDATE feeds SET paused = 0, failures = 0, last_error = NULL,"
        " next_poll = (SELECT next_poll FROM feeds WHERE id = ?) WHERE id = ? AND paused = 1",
        (old_id, new_id),
    )
    conn.execute("DELETE FROM feeds WHERE id = ?", (old_id,))
