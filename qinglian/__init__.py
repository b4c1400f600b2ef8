"""Qinglian (清廉台账): the Django project package."""
