from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qinglian.appraisal.services import appraisal_indicator_add, appraisal_rule_set_create
from qinglian.lib.testing import World, make_person, make_user
from qinglian.org.models import Role, TeamRole

YEAR = 2026
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def county_leader(world: World):  # type: ignore[no-untyped-def]
    secretary = make_person(world.county, "周书记", TeamRole.PRINCIPAL, "县委书记")
    return make_user("county_leader", Role.LEADER, world.county, secretary)


@pytest.fixture
def draft(world: World, county_leader):  # type: ignore[no-untyped-def]
    rule_set = appraisal_rule_set_create(user=county_leader, unit=world.county, year=YEAR)
    appraisal_indicator_add(user=county_leader, rule_set=rule_set, measure="ledger.on_time", weight=Decimal(60),
                            bands="95,100,60,60\n80,95,36,60\n0,80,0,36")
    appraisal_indicator_add(user=county_leader, rule_set=rule_set, measure="records.letters", weight=Decimal(40))
    return rule_set
