"""Loads and cross-checks the persona and scenario catalogue.

The default directories come from `foundation.paths` (so `DOJO_DATA_DIR` moves them); tests and
authors pass their own. Loading the default catalogue is cached per folder because the action
server asks for it on every turn.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from foundation import paths
from foundation.vocab import PERSONAS
from simulator.errors import CatalogError
from simulator.persona import Persona, load_persona
from simulator.scenario import Scenario, load_scenario

DEFAULT_SCENARIO_ID = "wbb-m1-layoff"

PathLike = Union[str, Path]


def _default_dirs():
    return paths.personas_dir(), paths.scenarios_dir()


@dataclass(frozen=True)
class Catalog:
    personas: Mapping[str, Persona]
    scenarios: Mapping[str, Scenario]

    def persona_for(self, scenario: Scenario) -> Persona:
        return self.personas[scenario.persona]


def _yaml_files(directory: Path, what: str):
    if not directory.is_dir():
        raise CatalogError(directory, f"{what} directory does not exist")
    return sorted(path for path in directory.iterdir() if path.suffix in (".yml", ".yaml") and path.is_file())


def load_personas(directory: Optional[PathLike] = None) -> Dict[str, Persona]:
    """`{persona_id: Persona}` from `<directory>/*.yml`, lines from `<directory>/lines/<id>.yml`."""
    directory = Path(directory) if directory is not None else _default_dirs()[0]
    personas: Dict[str, Persona] = {}
    for path in _yaml_files(directory, "persona"):
        persona = load_persona(path, directory / "lines")
        personas[persona.id] = persona
    if not personas:
        raise CatalogError(directory, "no persona files (*.yml) found")
    return personas


def load_scenarios(directory: Optional[PathLike] = None,
                   personas: Optional[Mapping[str, Persona]] = None) -> Dict[str, Scenario]:
    """`{scenario_id: Scenario}` from `<directory>/*.yml`, each checked against the personas."""
    directory = Path(directory) if directory is not None else _default_dirs()[1]
    persona_ids = tuple(personas) if personas is not None else tuple(load_personas())
    scenarios: Dict[str, Scenario] = {}
    for path in _yaml_files(directory, "scenario"):
        scenario = load_scenario(path, persona_ids)
        if scenario.id in scenarios:
            raise CatalogError(path, f"duplicate scenario id {scenario.id!r} "
                                     f"(also in {Path(scenarios[scenario.id].source).name})", field="id")
        scenarios[scenario.id] = scenario
    if not scenarios:
        raise CatalogError(directory, "no scenario files (*.yml) found")
    return scenarios


def load_catalog(personas_dir: Optional[PathLike] = None,
                 scenarios_dir: Optional[PathLike] = None) -> Catalog:
    """Both halves, validated together; the default directories (the data folder's) are read once per folder."""
    if personas_dir is None and scenarios_dir is None:
        default_personas, default_scenarios = _default_dirs()
        return _cached_catalog(str(default_personas), str(default_scenarios))
    return _load(personas_dir, scenarios_dir)


def _load(personas_dir, scenarios_dir) -> Catalog:
    personas = load_personas(personas_dir)
    return Catalog(personas, load_scenarios(scenarios_dir, personas))


@lru_cache(maxsize=4)
def _cached_catalog(personas_dir: str, scenarios_dir: str) -> Catalog:
    return _load(Path(personas_dir), Path(scenarios_dir))


def scenario_rows(scenarios: Mapping[str, Scenario]) -> List[Dict[str, Any]]:
    """The catalogue as plain rows (the progress store keeps them), so sessions and assignments can refer to them."""
    return [{**s.summary(), "title_en": s.title("en"), "title_zh": s.title("zh"),
             "difficulty": str(s.difficulty), "bucket": s.bucket} for s in scenarios.values()]
