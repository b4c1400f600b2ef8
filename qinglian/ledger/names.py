"""Names in an imported ledger → people and units of the answering unit's subtree, generously.

People write a unit as they say it: its full name, its short name, with its department in front
("县委宣传部办公室" for the 办公室 under 县委宣传部), with spaces or punctuation in it; a leader by name, by post
("常务副部长") or by surname and post ("王部长"). What matches no one, or more than one, is not an error: it comes
back with the closest people or units to choose from, and the import keeps the text as written (待匹配) until
someone chooses.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from qinglian.org.models import Person, TeamRole, Unit
from qinglian.org.scoping import may_write_unit, subtree_q

SEPARATORS = re.compile(r"[、，,；;/\n]+")
_BRACKETS = re.compile(r"[（(【\[].*?[)）】\]]")
SUGGESTIONS = 5
# Closest choices are looked for the first names that match no one; a ledger with thousands of unknown names
# (the wrong unit chosen) keeps them all as written without spending minutes on suggestions nobody reads.
SUGGESTED_NAMES = 300


def norm(text: str) -> str:
    """The text with width folded and every space and punctuation mark removed: "县委 宣传部·办公室" → "县委宣传部办公室"."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")


@dataclass
class Match:
    """One name looked up: the person or unit found, else why not and the closest choices."""

    found: Any = None
    reason: str = ""  # "" when found; else 找不到 / 同名 / 多个
    candidates: list[Any] = field(default_factory=list)


def may_add_people(user: Any, unit: Unit) -> bool:
    """Whether `user` may add someone to `unit`'s roster: the rule of the people pages (org.views person_edit:
    a writer of a unit within their scope). The command line (no account) never adds people."""
    return user is not None and may_write_unit(user, unit)


def person_label(p: Person) -> str:
    return f"{p.name}（{p.unit.label} {p.post}）".replace(" ）", "）")


def unit_label(u: Unit) -> str:
    return u.label


class Roster:
    """The people and units of one unit's subtree, loaded once per import, keyed every way people write them."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.suggested = 0
        units = list(Unit.objects.filter(subtree_q(unit, "self")).order_by("path"))
        self.unit_by_pk = {u.pk: u for u in units}
        self.units: dict[str, list[Unit]] = {}
        for u in units:
            for key in self._unit_keys(u):
                bucket = self.units.setdefault(key, [])
                if u not in bucket:
                    bucket.append(u)
        people = list(Person.objects.filter(subtree_q(unit)).select_related("unit").order_by("unit__path", "order")
                      .only("name", "post", "team_role", "unit_id", "unit__name", "unit__full_name"))  # not sealed
        self.person_by_pk = {p.pk: p for p in people}
        self.by_name: dict[str, list[Person]] = {}
        self.by_post: dict[str, list[Person]] = {}  # the import unit's team, by post: "部长", "常务副部长"
        self.by_title: dict[str, list[Person]] = {}  # surname and post: "王部长", "赵股长"
        for p in people:
            self.by_name.setdefault(norm(p.name), []).append(p)
            post = norm(p.post)
            if post and p.team_role != TeamRole.STAFF and p.unit_id == unit.pk:
                self.by_post.setdefault(post, []).append(p)
            if post and p.name:
                self.by_title.setdefault(norm(p.name[0]) + post, []).append(p)

    def _unit_keys(self, u: Unit) -> set[str]:
        """Its name, short name, and its name behind each chain of ancestors' names (full or short) down from
        the county: 办公室, 宣传部办公室, 县委宣传部办公室, 示范县县委宣传部办公室, 示范县/县委宣传部/办公室."""
        keys = {norm(u.name), norm(u.short_name), norm(u.full_name)}
        names = u.full_name.split("/")
        parent = self.unit_by_pk.get(u.parent_id) if u.parent_id else None
        for start in range(len(names)):
            keys.add(norm("".join(names[start:])))
        if parent is not None and parent.short_name:
            keys.add(norm(parent.short_name + u.name))
            if u.short_name:
                keys.add(norm(parent.short_name + u.short_name))
        keys.discard("")
        return keys

    # -- units ------------------------------------------------------------------------------------------------
    def unit_named(self, text: str) -> Match:
        key = norm(text)
        if not key:
            return Match()
        found = self.units.get(key, [])
        if not found and (stripped := norm(_BRACKETS.sub("", text))) != key:
            found = self.units.get(stripped, [])
        if len(found) == 1:
            return Match(found[0])
        if found:
            direct = [u for u in found if u.parent_id == self.unit.pk or u.pk == self.unit.pk]
            if len(direct) == 1:
                return Match(direct[0])
            return Match(None, "同名", found[:SUGGESTIONS * 2])
        parts = [p for p in SEPARATORS.split(text) if norm(p)]
        if len(parts) > 1:
            return Match(None, "多个", _unique(m for p in parts for m in self._close_units(p)))
        return Match(None, "找不到", self._close_units(text))

    def _spend(self) -> bool:
        self.suggested += 1
        return self.suggested <= SUGGESTED_NAMES

    def _close_units(self, text: str) -> list[Unit]:
        key = norm(text)
        if exact := self.units.get(key):
            return exact[:SUGGESTIONS]
        if not self._spend():
            return []
        near = _closest(key, list(self.units))
        contained = [k for k in self.units if len(k) >= 2 and (k in key or key in k)]
        contained.sort(key=lambda k: -len(k))
        return _unique(u for k in [*near, *contained] for u in self.units[k])[:SUGGESTIONS]

    # -- people -----------------------------------------------------------------------------------------------
    def person_named(self, text: str, near: Unit | None, *, leader: bool) -> Match:
        key = norm(text)
        if not key:
            return Match()
        found = self._people(key, leader)
        if not found and (stripped := norm(_BRACKETS.sub("", text))) not in (key, ""):
            found = self._people(stripped, leader)
        if len(found) == 1:
            return Match(found[0])
        if found:
            for scope in (near, self.unit):
                if scope is not None:
                    here = [p for p in found if p.unit_id == scope.pk]
                    if len(here) == 1:
                        return Match(here[0])
            return Match(None, "同名", found[:SUGGESTIONS * 2])
        parts = [p for p in SEPARATORS.split(text) if norm(p)]
        if len(parts) == 1 and " " in text.strip():
            parts = text.split()
        if len(parts) > 1:
            return Match(None, "多个", _unique(m for p in parts for m in self._close_people(p, leader)))
        return Match(None, "找不到", self._close_people(text, leader))

    def _people(self, key: str, leader: bool) -> list[Person]:
        for index in ([self.by_name, self.by_post, self.by_title] if leader else [self.by_name, self.by_title]):
            if found := index.get(key):
                return found
        return []

    def _close_people(self, text: str, leader: bool) -> list[Person]:
        key = norm(text)
        if exact := self._people(key, leader):
            return exact[:SUGGESTIONS]
        if not self._spend():
            return []
        near = _closest(key, list(self.by_name) + list(self.by_title))
        people = (p for k in near for p in self.by_name.get(k, []) + self.by_title.get(k, []))
        return _unique(people)[:SUGGESTIONS]


def _closest(key: str, keys: list[str]) -> list[str]:
    """The keys most like `key` (difflib's ratio ≥ 0.5), best first. difflib compares against the keys sharing
    the most characters with `key` only: over a county's 16,000 keys it would take a tenth of a second a name."""
    chars = set(key)
    sharing = heapq.nlargest(200, (k for k in keys if chars & set(k)), key=lambda k: len(chars & set(k)))
    return difflib.get_close_matches(key, sharing, n=SUGGESTIONS * 2, cutoff=0.5)


def _unique(items: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(item.pk, item)
    return list(seen.values())
