"""The violation categories and severities the graders report, with their labels.

The ids are the project's fixed vocabulary (`foundation.vocab`; other tools store and chart them);
the labels come from data/i18n/labels.yml, the one source every surface reads, looked up when asked
so a team's own data folder (`DOJO_DATA_DIR`) is honoured.
"""
from __future__ import annotations

from typing import Dict, Iterator, Mapping

from foundation.labels import labels
from foundation.vocab import CATEGORIES, REPLY_CATEGORIES, SESSION_CATEGORIES, SEVERITIES, SEVERITY_RANK

__all__ = ["CATEGORIES", "REPLY_CATEGORIES", "SESSION_CATEGORIES", "SEVERITIES", "SEVERITY_RANK", "CATEGORY_LABELS"]


class _CategoryLabels(Mapping[str, Dict[str, str]]):
    """`CATEGORY_LABELS[category][lang]`, read from the labels file at lookup time."""

    def __getitem__(self, category: str) -> Dict[str, str]:
        return labels().both("categories", category)

    def __iter__(self) -> Iterator[str]:
        return iter(CATEGORIES)

    def __len__(self) -> int:
        return len(CATEGORIES)


CATEGORY_LABELS: Mapping[str, Dict[str, str]] = _CategoryLabels()
