"""Fixtures of the workshop tests: a small flood workshop on the 2022-like season."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.workshop.rules import Inject, Settings
from tests.conftest import ROOT

FIXED_LEAD_PLAN = """
kind: plan
name: fixed-lead
title: Délais fixes / Fixed lead times
warehouses:
  - hub: Bamako
    capacity: 3000 m**3
    stock:
      nfi_kit: 1000 kit
      shelter_kit: 500 kit
  - hub: Mopti/Sévaré
    capacity: 1500 m**3
    stock:
      nfi_kit: 400 kit
      shelter_kit: 200 kit
procurement:
  - name: Marché local
    kind: local
    hub: Mopti/Sévaré
    lead_time: {min: 5 day, mode: 5 day, max: 5 day}
    items: [nfi_kit, water]
  - name: Régional
    kind: regional
    hub: Bamako
    lead_time: {min: 20 day, mode: 20 day, max: 20 day}
    price_factor: 1.1
    minimum_order: 1000 USD
fleet:
  trucks:
    - hub: Bamako
      count: 2
    - hub: Mopti/Sévaré
      count: 2
distribution:
  teams: 4
"""
"""A plan whose suppliers deliver after a fixed number of days, so arrivals can be checked by hand."""


def workshop_settings(**changes) -> Settings:
    values = dict(
        title="Atelier d'essai",
        scenario_text=(ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8"),
        scenario_base=str(ROOT / "scenarios"),
        plan_text=FIXED_LEAD_PLAN,
        seed=1,
        budget_usd=200_000.0,
        rounds=3,
        round_days=7,
        start_day=90,
        forecast_price_usd=15_000.0,
        injects=(
            Inject(day=95, kind="warehouse_flooded", target="Mopti/Sévaré", value=0.5),
            Inject(day=92, kind="road_cut", target="Mopti|Ténenkou", value=10),
        ),
    )
    values.update(changes)
    return Settings(**values)


@pytest.fixture(scope="session")
def workshop_flood() -> Settings:
    return workshop_settings()


@pytest.fixture
def workshop_db(tmp_path) -> Path:
    return tmp_path / "workshops.sqlite"
