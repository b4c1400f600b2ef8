"""The left navigation, collected from each app's optional `nav.py` (a list `NAV` of NavItem).

Apps add their own entries without touching a shared file; an entry whose URL does not resolve yet is
left out, and an entry shows only to the roles it names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    section: str = "业务"
    order: int = 100


@cache
def _nav_modules() -> tuple[Any, ...]:
    """Each project app's optional `nav` module, imported once."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qinglian."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.nav"))
        except ModuleNotFoundError:
            continue
    return tuple(modules)


@cache
def _all_items() -> tuple[NavItem, ...]:
    items = [item for module in _nav_modules() for item in getattr(module, "NAV", [])]
    return tuple(sorted(items, key=lambda i: (i.order, i.label)))


@cache
def _entries_for(role: str) -> tuple[tuple[str, str, str], ...]:
    """(label, url, section) for a role, reversed once per process: URLs do not change at run time.

    Sections stay together (the template regroups consecutive entries), in the order of their first entry;
    entries follow their own order within a section.
    """
    rows = []
    for item in _all_items():
        if role not in item.roles:
            continue
        try:
            rows.append((item.label, reverse(item.url_name), item.section, item.order))
        except NoReverseMatch:
            continue
    first: dict[str, int] = {}
    for _, _, section, order in rows:
        first[section] = min(first.get(section, order), order)
    rows.sort(key=lambda r: (first[r[2]], r[2], r[3]))
    return tuple((label, url, section) for label, url, section, _ in rows)


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    entries = [
        {"label": label, "url": url, "section": section,
         "active": request.path == url or (url != "/" and request.path.startswith(url))}
        for label, url, section in _entries_for(getattr(request.user, "role", ""))
    ]
    # Only the most specific match is highlighted (/ledger/ and /ledger/sources/ both prefix-match).
    longest = max((len(e["url"]) for e in entries if e["active"]), default=0)
    for entry in entries:
        entry["active"] = entry["active"] and len(entry["url"]) == longest
    return entries


def home_cards(request: HttpRequest) -> list[dict[str, Any]]:
    """Cards for the home page: each app's nav.py may define `home_card(request) -> dict | None`
    returning {"title": str, "lines": [(label, value, url)], "order": int}."""
    cards = []
    for module in _nav_modules():
        build = getattr(module, "home_card", None)
        if build is not None and (card := build(request)):
            cards.append(card)
    return sorted(cards, key=lambda c: c.get("order", 100))
