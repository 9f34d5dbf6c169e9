"""The command line end to end: real files, a real SQLite database, the real extractor."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    parts = [path, Path(f"{path}-wal")]
    h = hashlib.sha256()
    for p in parts:
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def seeded_db(tmp_path: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "r.db"
    code, out, _ = run(capsys, "--db", str(db), "ingest", str(seed_path))
    assert code == 0, out
    assert "1 new" in out
    return db


def test_seed_extract_json_matches_the_issue(
    seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "extract", str(seed_path), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["is_review"] is True
    assert doc["title"] == "Soundtrack #2"
    assert doc["cast"] == ["Noh Sang Hyun", "Geum Sae Rok", "Demian"]
    assert doc["aliases"] == {"Noh Sang Hyun": ["Steve Noh"]}
    assert doc["characters"] == {
        "Ji Su Ho": "Noh Sang Hyun",
        "Do Hyeon Seo": "Geum Sae Rok",
        "K": "Demian",
    }
    assert doc["rating"] is None and doc["director"] is None
    assert sorted(doc["mentioned_titles"]) == ["Soundtrack #1", "Understanding of Love"]
    assert doc["source"] == "Bollywood Hungama"


def test_ingest_twice_is_unchanged(
    seeded_db: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(seeded_db)
    code, out, _ = run(capsys, "--db", str(seeded_db), "ingest", str(seed_path))
    assert code == 0
    assert "0 new, 0 updated, 1 unchanged" in out
    assert digest(seeded_db) == before


def test_related_and_cast_after_the_seed(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!related Soundtrack #2", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["command"] == "related" and doc["title"] == "Soundtrack #2"
    by_title = {r["title"]: r for r in doc["related"]}
    assert {"Soundtrack #1", "Understanding of Love"} <= set(by_title)
    assert any("franchise" in reason for reason in by_title["Soundtrack #1"]["reasons"])
    love = " ".join(by_title["Understanding of Love"]["reasons"])
    assert "Also Read" in love and "Geum Sae Rok" in love

    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!cast Geum Sae Rok", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["person"] == "Geum Sae Rok"
    works = {w["title"]: w["character"] for w in doc["works"]}
    assert works["Soundtrack #2"] == "Do Hyeon Seo"
    assert "Understanding of Love" in works

    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!cast soundtrak 2", "--json")
    assert code == 0
    assert [c["name"] for c in json.loads(out)["cast"]] == [
        "Noh Sang Hyun",
        "Geum Sae Rok",
        "Demian",
    ]

    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!cast Steve Noh", "--json")
    assert code == 0 and json.loads(out)["person"] == "Noh Sang Hyun"

    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!review Soundtrack #2", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["reviews"][0]["source"] == "Bollywood Hungama"
    assert doc["reviews"][0]["rating"] is None


def test_a_miss_prints_suggestions_and_exits_1(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "ask", "!review Soundtrack #3", "--json")
    assert code == 1
    doc = json.loads(out)
    assert "Soundtrack #3" in doc["error"]
    assert doc["suggestions"] and all("Soundtrack" in s for s in doc["suggestions"][:2])


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("!cast", "cast needs query"),
        ("!frobnicate x", "I don't know the command"),
        ("!cst Demian", "Did you mean !cast"),
        ("!review " + "x" * 4000, "4000 characters long"),
        ("!latest many", "latest takes a number"),
    ],
)
def test_malformed_commands(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], line: str, fragment: str
) -> None:
    before = digest(seeded_db)
    code, out, err = run(capsys, "--db", str(seeded_db), "ask", line)
    assert code == 2
    assert fragment in err and err.count("\n") == 1  # one line
    assert "Traceback" not in out + err
    assert digest(seeded_db) == before


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "poster.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café Review: a film\n\nThe café scenes…".encode("latin-1", "replace"))
    html_feed = tmp_path / "page.xml"
    html_feed.write_bytes(b"<html><body><p>not a feed</p></body></html>")
    bad_json = tmp_path / "items.json"
    bad_json.write_text('{"not": "a feed"}')
    return {
        "binary": (binary, "binary file"),
        "empty": (empty, "is empty"),
        "huge": (huge, "reads files up to"),
        "latin": (latin, "is not UTF-8 text"),
        "missing": (tmp_path / "nope.txt", "No such file"),
        "folder": (tmp_path, "is a folder"),
        "html": (html_feed, "feed"),
        "json": (bad_json, "not a JSON Feed"),
    }


@pytest.mark.parametrize(
    "case", ["binary", "empty", "huge", "latin", "missing", "folder", "html", "json"]
)
def test_bad_input_is_one_line_and_leaves_the_db_alone(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    path, fragment = _bad_inputs(tmp_path)[case]
    before = digest(seeded_db)
    code, out, err = run(capsys, "--db", str(seeded_db), "ingest", str(path))
    assert code == 1
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and fragment in lines[0], err
    assert "1 failed" in out
    assert digest(seeded_db) == before


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: file permissions cannot make a file unreadable")
    path = tmp_path / "secret.txt"
    path.write_text("Headline\n\nbody")
    path.chmod(0)
    code, _, err = run(capsys, "--db", str(tmp_path / "x.db"), "ingest", str(path))
    assert code == 1 and "permission denied" in err


def test_a_url_that_is_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "c.toml"
    config.write_text('[feeds]\nallowed_hosts = ["127.0.0.1"]\ntimeout_connect = 2.0\n')
    db = tmp_path / "x.db"
    code, _, err = run(
        capsys, "--config", str(config), "--db", str(db), "ingest", f"http://127.0.0.1:{port}/feed"
    )
    assert code == 1
    assert f"127.0.0.1:{port}" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_private_address_refused_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "x.db"), "ingest", "http://10.0.0.5/feed")
    assert code == 1 and "private" in err and "allow" in err


def test_ask_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"), "ask", "!review X")
    assert code == 1 and "No database" in err and "--demo" in err


def test_db_upgrade_and_stats(seeded_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "db", "upgrade")
    assert code == 0 and "up to date" in out
    code, out, _ = run(capsys, "--db", str(seeded_db), "db", "stats")
    assert code == 0
    counts = dict(line.split() for line in out.splitlines()[1:])
    assert counts["reviews"] == "1"
    assert int(counts["works"]) == 3


def test_console_script_runs_the_demo(tmp_path: Path) -> None:
    exe = shutil.which("reviewbot", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the reviewbot console script is not installed in this environment")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), REVIEWBOT_HISTORY=str(tmp_path / "h"))
    proc = subprocess.run(
        [exe, "--demo", "console"],
        input="help\n!latest 3\n!review zzzzqqq\nquit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "!review <title>" in proc.stdout
    assert "LATEST REVIEWS" in proc.stdout
    assert "I don't know a work called 'zzzzqqq'" in proc.stdout
    assert "Traceback" not in proc.stderr
