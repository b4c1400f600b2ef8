"""The draft as HTML: its blocks with every figure highlighted and linked to its line on the trace page, and
every number that comes from text read from an imported report marked apart ("来自导入文本，未经统计")."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from qinglian.reports.genres.common import IMPORTED_NOTE


def _figure_link(text: str, n: int, trace_url: str) -> SafeString:
    return format_html('<a class="fig" href="{}#f{}" title="查看数字 {} 背后的记录">{}</a>', trace_url, n, n, text)


def _imported_mark(text: str, origin: str) -> SafeString:
    where = f"（导入自“{origin}”）" if origin else ""
    return format_html('<mark class="imported" title="{}{}：可在整改台账中修改该条文字，或在文档中删改">{}</mark>',
                       IMPORTED_NOTE, where, text)


def _spans(text: str, refs: list[dict[str, Any]], render: Any) -> list[tuple[int, int, SafeString]]:
    """(start, end, html) of each ref found in order in `text`."""
    out, cursor = [], 0
    for ref in refs:
        at = text.find(ref["text"], cursor)
        if at < 0:
            continue
        out.append((at, at + len(ref["text"]), render(ref)))
        cursor = at + len(ref["text"])
    return out


def highlight(text: str, figures: list[dict[str, Any]], trace_url: str,
              imported: list[dict[str, Any]] | None = None) -> SafeString:
    spans = _spans(text, figures, lambda r: _figure_link(r["text"], r["n"], trace_url))
    spans += _spans(text, imported or [], lambda r: _imported_mark(r["text"], r.get("origin", "")))
    out, cursor = [], 0
    for start, end, html in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < cursor:  # overlaps one already shown
            continue
        out.append(escape(text[cursor:start]))
        out.append(html)
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(str(part) for part in out))  # every piece escaped above  # assembled from escaped pieces or rendered templates  # nosec B308 B703


def imported_count(blocks: list[dict[str, Any]]) -> int:
    """How many numbers of the draft come from imported text (the preview explains the mark when any)."""
    return sum(len(b.get("imported", ())) for b in blocks)


def preview_blocks(blocks: list[dict[str, Any]], trace_url: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for b in blocks:
        kind = b["kind"]
        if kind.startswith("h"):
            result.append({"kind": kind, "html": format_html(
                "{}{}", b.get("marker", ""), highlight(b["text"], [], trace_url, b.get("imported")))})
        elif kind == "p":
            result.append({"kind": "p", "html": highlight(b["text"], b.get("figures", []), trace_url,
                                                          b.get("imported"))})
        else:
            rows = [[_figure_link(c["text"], c["n"], trace_url) if c.get("n") else escape(c["text"]) for c in row]
                    for row in b["rows"]]
            result.append({"kind": "table", "title": b.get("title", ""), "header": b.get("header", []), "rows": rows})
    return result
