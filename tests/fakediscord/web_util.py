"""Response helpers and message-body validation shared by the REST handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

JSON = dict[str, Any]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (discord.py compares it)."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def error(status: int, code: int, message: str, errors: JSON | None = None) -> web.Response:
    """A Discord error response: ``{"message", "code"}`` (and ``errors`` for form errors)."""
    body: JSON = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


def no_content(headers: dict[str, str] | None = None) -> web.Response:
    """204 No Content."""
    return web.Response(status=204, headers=headers)


@dataclass
class Body:
    """A parsed request body: JSON, or multipart ``payload_json`` plus the uploaded files."""

    json: Any = None
    files: list[JSON] = field(default_factory=list)


BODY_KEY = web.RequestKey("body", Body)


async def read_body(request: web.Request) -> Body:
    """Parse a JSON or multipart/form-data body (files are described, not kept)."""
    if not request.can_read_body:
        return Body()
    ctype = request.content_type
    if ctype == "multipart/form-data":
        body = Body()
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            raw = await part.read()
            if part.name == "payload_json":
                body.json = json.loads(raw or b"null")
            else:
                body.files.append(
                    {
                        "field": part.name,
                        "filename": part.filename,
                        "content_type": part.headers.get("Content-Type"),
                        "size": len(raw),
                        "data": bytes(raw),
                    }
                )
        return body
    text = await request.text()
    if not text:
        return Body()
    try:
        return Body(json=json.loads(text))
    except json.JSONDecodeError:
        return Body(json=text)


EMBED_LIMITS = {"title": 256, "description": 4096}


def validate_message(
    body: JSON, files: list[JSON], *, partial: bool = False
) -> web.Response | None:
    """Discord's documented message limits; a 400 response for the first breach, else None."""
    content = body.get("content")
    if content is not None and len(str(content)) > 2000:
        return _form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        return _form_error("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                return _form_error(
                    f"embeds.{i}.{key}",
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {limit} or fewer in length.",
                )
        fields = embed.get("fields") or []
        if len(fields) > 25:
            return _form_error(
                f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        for f in fields:
            if len(f.get("name") or "") > 256 or len(f.get("value") or "") > 1024:
                return _form_error(f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Field too long.")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        total += len(footer) + len(author)
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > 6000:
        return _form_error(
            "embeds", "MESSAGE_EMBEDS_TOO_LONG", "Embed size exceeds maximum size of 6000"
        )
    has_something = (
        content
        or embeds
        or body.get("components")
        or files
        or body.get("sticker_ids")
        or body.get("poll")
    )
    if not partial and not has_something:
        return error(400, 50006, "Cannot send an empty message")
    return None


def _form_error(path: str, code: str, message: str) -> web.Response:
    return error(
        400, 50035, "Invalid Form Body", {path: {"_errors": [{"code": code, "message": message}]}}
    )
