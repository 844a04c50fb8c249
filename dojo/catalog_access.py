"""The CLI's door to the scenario catalogue: validation errors become clear messages before any service starts."""
from __future__ import annotations

from typing import Optional

from dojo.errors import UnknownScenarioError
from foundation.errors import DojoError
from simulator.catalog import DEFAULT_SCENARIO_ID, load_catalog
from simulator.errors import CatalogError


def load_catalog_or_fail():
    try:
        return load_catalog()
    except CatalogError as exc:
        raise DojoError(f"broken scenario data: {exc}") from exc


def resolve_scenario(catalog, scenario_id: Optional[str]):
    wanted = scenario_id or DEFAULT_SCENARIO_ID
    scenario = catalog.scenarios.get(wanted)
    if scenario is None:
        raise UnknownScenarioError(wanted, catalog.scenarios)
    return scenario
