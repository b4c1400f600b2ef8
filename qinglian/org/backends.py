"""Django's model backend, fetching the account's unit and person with it: every page needs the unit for
scoping, so this saves a query on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from qinglian.org.models import User


class UnitAwareBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:  # get(), not first(): no ORDER BY on the one query every request makes
            user = User.objects.select_related("unit", "person").get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None
