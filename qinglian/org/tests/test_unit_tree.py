"""The unit page: the tree indented by CSS classes (no inline style the CSP would block), repeated names told
apart by their parent's name, in the tree and in the pickers."""

from __future__ import annotations

import re

import pytest

from qinglian.lib.testing import World, make_unit
from qinglian.org.models import UnitKind

pytestmark = pytest.mark.django_db


def test_the_tree_is_indented_by_classes_not_inline_styles(world: World) -> None:
    body = world.client("supervisor").get("/org/units/").content.decode()
    assert "style=" not in body
    assert re.search(r'<td class="depth-0"><a [^>]*>示范县</a>', body)
    assert re.search(r'<td class="depth-1"><a [^>]*>县委宣传部</a>', body)
    assert re.search(r'<td class="depth-2"><a [^>]*>新闻宣传股</a>', body)


def test_the_stylesheet_has_a_class_for_every_level(world: World) -> None:
    from django.contrib.staticfiles import finders

    css = open(finders.find("qinglian/app.css"), encoding="utf-8").read()
    assert all(f".depth-{n} " in css for n in range(1, 13))


def test_deep_trees_stop_indenting_at_the_last_class(world: World) -> None:
    parent = world.a1
    for n in range(14):
        parent = make_unit(f"第{n}层", parent, UnitKind.OFFICE)
    body = world.client("supervisor").get("/org/units/").content.decode()
    assert '<td class="depth-12"><a' in body and "depth-13" not in body


def test_repeated_names_show_their_parent(world: World) -> None:
    make_unit("办公室", world.a, UnitKind.OFFICE)
    make_unit("办公室", world.b, UnitKind.OFFICE)
    body = world.client("supervisor").get("/org/units/").content.decode()
    assert "办公室</a> <small class=\"muted\">（县委宣传部）</small>" in body
    assert "办公室</a> <small class=\"muted\">（县财政局）</small>" in body
    # a name that occurs once carries nothing extra
    assert "新闻宣传股</a></td>" in body


def test_the_measure_form_names_units_and_people_with_their_parents(world: World) -> None:
    from qinglian.ledger.forms import MeasureForm

    make_unit("办公室", world.a, UnitKind.OFFICE)
    form = MeasureForm()
    form.limit_to(world.a)
    units = [label for _, label in form.fields["responsible_unit"].choices]
    assert "示范县/县委宣传部/办公室" in units
    people = [label for _, label in form.fields["owner"].choices]
    assert any("赵股长（县委宣传部/新闻宣传股" in p for p in people)
