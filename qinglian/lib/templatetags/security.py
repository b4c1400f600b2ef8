"""Masking filters and the 密级 badge: `{% load security %}`, then `{{ person.phone|masked_phone }}`,
`{{ person.id_number|masked_id }}`, `{% label_badge record %}` and `{% label_select user %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from qinglian.lib.models import SecurityLabel, labels_within
from qinglian.lib.security import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: Any) -> str:
    return mask_phone(value)


@register.filter
def masked_id(value: Any) -> str:
    return mask_id_number(value)


@register.simple_tag
def label_badge(record: Any) -> SafeString:
    """A small badge with the record's 密级 (公开/内部/敏感) for detail pages."""
    value = getattr(record, "security_label", "")
    if value not in SecurityLabel.values:
        return SafeString("")
    colour = "red" if value == SecurityLabel.SENSITIVE else "grey"
    return format_html('<span class="tag tag-{} security-label" title="密级">{}</span>', colour,
                       SecurityLabel(value).label)


@register.simple_tag
def label_select(user: Any, name: str = "security_label", current: str = "") -> SafeString:
    """A <select> of the labels `user` may give (for the hand-written forms; Django forms use LabelField)."""
    allowed = labels_within(getattr(user, "clearance", ""))
    current = current or SecurityLabel.INTERNAL
    options = format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, " selected" if value == current else "", label)
        for value, label in SecurityLabel.choices if value in allowed))
    return format_html('<label>密级 <select name="{}">{}</select></label>', name, options)
