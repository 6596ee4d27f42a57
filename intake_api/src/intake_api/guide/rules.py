"""Pure decisions of the guide: content negotiation and the HTML rendering of a version."""

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
HTML_TYPES = ("text/html", "text/*")
JSON_TYPES = ("application/json", "application/*", "*/*")


def accept_weights(accept: str) -> dict[str, float]:
    """Media range → quality of an ``Accept`` header; a malformed ``q`` counts as 0 (RFC 9110 §12.5.1)."""
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        weights[media.lower()] = max(weights.get(media.lower(), 0.0), _quality(params))
    return weights


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def wants_html(accept: str | None) -> bool:
    """HTML only when the client ranks it above JSON; ``*/*`` alone (curl, fetch) keeps JSON."""
    weights = accept_weights(accept or "")
    html = max((weights.get(media, 0.0) for media in HTML_TYPES), default=0.0)
    json = max((weights.get(media, 0.0) for media in JSON_TYPES), default=0.0)
    return html > 0 and html > json


def render_html(*, version: int, title: str, sections: list[dict[str, Any]], published_at: datetime) -> str:
    """A self-contained page (no script, no external resource), every text escaped."""
    published = published_at.astimezone(CHINA)
    body = "\n".join(_section(section) for section in sections)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f'<p class="version">第 {version} 版，{published.year}年{published.month}月{published.day}日发布</p>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _section(section: dict[str, Any]) -> str:
    paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in section["paragraphs"])
    return f'<section id="{escape(section["key"])}">\n<h2>{escape(section["title"])}</h2>\n{paragraphs}\n</section>'
