"""Reminders: the rules of what is due (this block) and, below, delivery (inbox, sent-once records)."""

from __future__ import annotations

from django.db import models  # noqa: F401

# --- rules of what is due (rules.py, due.py) -------------------------------------------------------------
# ReminderRule and HolidayText follow here.

# --- delivery (delivery.py, inbox.py) ---------------------------------------------------------------------
