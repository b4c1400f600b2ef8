"""The fast filter-field renderer keeps what Django's widgets show: choices, selection, values, escaping."""

from __future__ import annotations

from django import forms

from qinglian.lib.templatetags.qinglian import quick


class Filter(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), ("done", "已完成"), ("x", "<b>危险</b>")],
                               required=False)
    q = forms.CharField(label="关键词", required=False)
    late = forms.BooleanField(label="只看补录", required=False)
    day = forms.DateField(label="日期", required=False)


def test_select_marks_the_chosen_option_and_escapes_labels() -> None:
    html = quick(Filter({"status": "done"})["status"])
    assert '<select name="status" id="id_status">' in html
    assert '<option value="done" selected>已完成</option>' in html
    assert "&lt;b&gt;危险&lt;/b&gt;" in html and "<b>" not in html
    assert html.count("selected") == 1


def test_text_and_checkbox_keep_their_values() -> None:
    form = Filter({"q": 'a"b', "late": "on"})
    assert quick(form["q"]) == '<input type="text" name="q" id="id_q" value="a&quot;b">'
    assert "checked" in quick(form["late"])
    assert "checked" not in quick(Filter({})["late"])


def test_other_widgets_fall_back_to_django() -> None:
    assert quick(Filter({"day": "2026-01-02"})["day"]) == str(Filter({"day": "2026-01-02"})["day"])
