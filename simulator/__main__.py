"""`python -m simulator [PERSONAS_DIR SCENARIOS_DIR]`: validate the catalogue the way the action
server will load it, so an author sees a broken scenario before anyone dials it."""
from __future__ import annotations

import sys

from simulator.catalog import load_catalog
from simulator.errors import CatalogError


def main(argv) -> int:
    if len(argv) not in (0, 2):
        print("usage: python -m simulator [PERSONAS_DIR SCENARIOS_DIR]", file=sys.stderr)
        return 2
    try:
        catalog = load_catalog(*argv) if argv else load_catalog()
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    lines = sum(len(pool) for persona in catalog.personas.values() for pool in persona.lines.pools.values())
    print(f"ok: {len(catalog.personas)} personas, {lines} debtor lines, {len(catalog.scenarios)} scenarios")
    for scenario in sorted(catalog.scenarios.values(), key=lambda s: (s.persona, s.bucket, s.id)):
        print(f"  {scenario.id:<24} {scenario.persona:<19} {scenario.regime} {scenario.bucket} "
              f"d{scenario.difficulty}  {scenario.title('en')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
