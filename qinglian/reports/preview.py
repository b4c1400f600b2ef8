"""The draft as HTML: its blocks with every figure highlighted and linked to its line on the trace page."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _figure_link(text: str, n: int, trace_url: str) -> SafeString:
    return format_html('<a class="fig" href="{}#f{}" title="查看数字 {} 背后的记录">{}</a>', trace_url, n, n, text)


def highlight(text: str, figures: list[dict[str, Any]], trace_url: str) -> SafeString:
    out, cursor = [], 0
    for ref in figures:
        at = text.find(ref["text"], cursor)
        if at < 0:
            continue
        out.append(escape(text[cursor:at]))
        out.append(_figure_link(ref["text"], ref["n"], trace_url))
        cursor = at + len(ref["text"])
    out.append(escape(text[cursor:]))
    return mark_safe("".join(str(part) for part in out))  # every piece escaped above


def preview_blocks(blocks: list[dict[str, Any]], trace_url: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for b in blocks:
        kind = b["kind"]
        if kind.startswith("h"):
            result.append({"kind": kind, "html": escape(f"{b.get('marker', '')}{b['text']}")})
        elif kind == "p":
            result.append({"kind": "p", "html": highlight(b["text"], b.get("figures", []), trace_url)})
        else:
            rows = [[_figure_link(c["text"], c["n"], trace_url) if c.get("n") else escape(c["text"]) for c in row]
                    for row in b["rows"]]
            result.append({"kind": "table", "title": b.get("title", ""), "header": b.get("header", []), "rows": rows})
    return result
