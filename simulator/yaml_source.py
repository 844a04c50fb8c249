"""The catalogue's view of a YAML file read with line marks (`foundation.yamlmarks`): every problem
becomes a `CatalogError` that says "data/scenarios/x.yml:12" instead of only naming a field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from foundation.errors import DataFileError
from foundation.yamlmarks import FieldPath, dotted, load_marked, nearest_line
from simulator.errors import CatalogError

__all__ = ["FieldPath", "YamlSource", "dotted", "load_yaml"]

# How each kind of parse failure reads in a catalogue error.
_PROBLEMS = {
    "unreadable": "cannot read file: {}",
    "not_utf8": "{}",
    "syntax": "YAML syntax error: {}",
    "duplicate_key": "{}",
}


@dataclass(frozen=True)
class YamlSource:
    """A parsed file: its data plus the 1-based line where each field path starts."""

    path: Path
    data: Any
    lines: Dict[FieldPath, int]

    def line_of(self, field_path: FieldPath) -> Optional[int]:
        """The line of the field, or of its nearest parent that has one (a missing field's line
        is where its parent mapping starts)."""
        return nearest_line(self.lines, field_path)


def load_yaml(path: Path) -> YamlSource:
    """Parse one file; a syntax error becomes a CatalogError carrying the line YAML stopped at."""
    try:
        marked = load_marked(path)
    except DataFileError as exc:
        message = _PROBLEMS.get(exc.kind, "{}").format(exc.problem)
        raise CatalogError(path, message, field=exc.field, line=exc.line) from exc
    return YamlSource(marked.path, marked.data, marked.key_lines)
