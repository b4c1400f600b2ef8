"""No 500 from a bad parameter: a malformed id or unit answers 400 (or the form again) with a Chinese message.

The named cases come from the tester's findings; the fuzz then sends hostile values to every parameter of
every page without a path argument (the names its own forms use, and the common ones every view reads) and to
every field of every POST form those pages show. On PostgreSQL too: ids beyond bigint overflow differently.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from qinglian.lib.testing import World
from qinglian.records.models import Activity, ActivityKind

BIG = "9" * 20
# The long value: 64 KiB, far beyond any field's max_length and long enough for a quadratic regex to hang;
# sent in every parameter at once of every page (1 MiB made the fuzz spend minutes parsing query strings).
HOSTILE = ["abc", "-1", "0", BIG, "1 OR 1=1", "x" * (1 << 16)]
# Parameters views read without a form of their own on the page.
COMMON = ["unit", "source", "page", "year", "month", "kind", "from", "to", "records", "state", "q", "category",
          "level", "side", "date_from", "date_to", "person", "genre", "next"]
SKIP = {"logout/", "login/"}


def _get(client: Client, url: str, params: dict[str, Any]) -> Any:
    client.raise_request_exception = False
    return client.get(url, params)


def _text(response: Any) -> str:
    return response.content.decode()


# -- the findings, one by one ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", BIG, "-1"])
def test_letters_page_with_a_bad_unit_is_a_400_in_chinese(world: World, value: str) -> None:
    response = _get(world.client("clerk_a"), "/records/letters/", {"unit": value})
    assert response.status_code == 400
    assert "单位编号" in _text(response) and "无效" in _text(response)


@pytest.mark.parametrize("value", ["abc", BIG])
def test_posts_that_take_a_unit_refuse_a_bad_one_with_400(world: World, value: str) -> None:
    client = world.client("clerk_a")
    client.raise_request_exception = False
    for url, data in [("/records/letters/issue/", {"year": "2024", "kind": "responsibility"}),
                      ("/org/switch/", {}), ("/records/risks/new/", {"post": "会计"})]:
        response = client.post(url, {**data, "unit": value})
        assert response.status_code == 400, url
        assert "单位编号" in _text(response), url


def test_a_unit_outside_scope_is_still_a_404(world: World) -> None:
    response = _get(world.client("clerk_a"), "/records/letters/", {"unit": world.b.pk})
    assert response.status_code == 404


def test_a_20_digit_source_on_the_ledger_and_its_json(world: World) -> None:
    client = world.client("clerk_a")
    page = _get(client, "/ledger/", {"source": BIG})
    assert page.status_code in (200, 400)
    assert "编号无效" in _text(page)
    twin = _get(client, "/ledger/measures.json", {"source": BIG})
    assert twin.status_code == 400
    assert "编号无效" in str(twin.json())


@pytest.mark.parametrize("value", ["abc", BIG, "-1"])
def test_figures_json_refuses_a_bad_unit_with_a_json_400(world: World, value: str) -> None:
    response = _get(world.client("clerk_a"), "/stats/figures.json",
                    {"unit": value, "from": "2024-01-01", "to": "2024-12-31"})
    assert response.status_code == 400
    assert "单位编号" in response.json()["error"]


def test_figures_json_with_an_empty_unit_answers_for_the_current_unit(world: World) -> None:
    response = _get(world.client("clerk_a"), "/stats/figures.json", {"unit": "", "from": "2024-01-01",
                                                                     "to": "2024-12-31"})
    assert response.status_code == 200
    assert response.json()["unit"]["id"] == world.a.pk


@pytest.mark.parametrize("field", ["participants", "talked_to", "presided_by", "unit", "kind"])
def test_activity_form_with_a_huge_id_is_shown_again(world: World, field: str) -> None:
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    client = world.client("clerk_a")
    client.raise_request_exception = False
    data = {"unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
            "participants": [world.staff_a.pk], field: BIG}
    response = client.post("/records/activities/new/", data)
    assert response.status_code in (200, 400)
    assert 'role="alert"' in _text(response)
    assert not Activity.objects.filter(topic="集中学习").exists()


def test_any_other_bad_request_is_a_plain_400_in_chinese(world: World) -> None:
    """A request Django itself refuses (here: more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    response = _get(world.client("clerk_a"), "/records/", {f"k{i}": "1" for i in range(20_001)})
    assert response.status_code == 400
    assert "请求无效" in _text(response)


# -- the fuzz ----------------------------------------------------------------------------------------------
class _Forms(HTMLParser):
    """The forms of a page: method, action and fields (name → values, in document order)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._options: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1]["fields"].setdefault(a["name"], [])
                return
            self.forms[-1]["fields"].setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._options = [value] if "selected" in a else self._options or [value]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            self.forms[-1]["fields"][self._select] = self._options
            self._select = None


def _plain_urls() -> list[str]:
    """Every path of the project without a path argument (the admin site aside)."""

    def walk(patterns: list[Any], prefix: str) -> Any:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith("admin"):
                    yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and route not in SKIP:
                yield "/" + route

    return list(walk(get_resolver().url_patterns, ""))


def _forms_of(client: Client, url: str) -> list[dict[str, Any]]:
    response = _get(client, url, {})
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(_text(response))
    for form in parser.forms:
        form["action"] = form["action"] or url
        form["fields"].pop("once_token", None)  # the double-submit guard is not what is being fuzzed
    return parser.forms


def _refused_something(response: Any) -> bool:
    """Not a plain page: an error status, a redirect, or a message shown in place of what was asked."""
    if response.status_code != 200:
        return True
    if not response.get("Content-Type", "").startswith(("text/", "application/json")) or response.streaming:
        return False  # a file: what was asked was answered
    text = _text(response)
    return 'role="alert"' in text or "无效" in text


def _no_500(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"


@pytest.mark.slow
@pytest.mark.single_engine  # the fuzz runs once; the named cases above run on both engines
@pytest.mark.parametrize("who", ["clerk_a", "supervisor", "auditor", "sysadmin"])
def test_no_get_parameter_of_any_page_answers_500(world: World, who: str) -> None:
    """The clerk sends everything, one parameter at a time too (an error in one must not hide another); the
    other roles, whose pages differ, every parameter at once."""
    client = world.client(who)
    thorough = who == "clerk_a"
    for url in _plain_urls():
        names = set(COMMON)
        for form in _forms_of(client, url):
            if form["method"] == "get":
                names |= set(form["fields"])
        for value in HOSTILE if thorough else HOSTILE[:-1]:
            response = _get(client, url, dict.fromkeys(names, value))
            _no_500(response, f"GET {url} all={value[:20]}")
            # a page that refused one parameter may not have read the others: then each one alone
            if thorough and value in ("abc", BIG) and _refused_something(response):
                for name in sorted(names):
                    _no_500(_get(client, url, {name: value}), f"GET {url}?{name}={value[:20]}")


@pytest.mark.slow
@pytest.mark.single_engine
def test_no_field_of_any_post_form_answers_500(world: World) -> None:
    client = world.client("clerk_a")
    client.raise_request_exception = False
    seen: set[str] = set()
    for url in _plain_urls():
        for form in _forms_of(client, url):
            if form["method"] != "post" or form["action"] in seen | {"/logout/"}:
                continue
            seen.add(form["action"])
            for name in form["fields"]:
                for value in HOSTILE:
                    data = {**form["fields"], name: value}
                    _no_500(client.post(form["action"], data), f"POST {form['action']} {name}={value[:20]}")
    assert len(seen) >= 8  # the create forms of ledger, records, publicity, reports and the unit switcher
