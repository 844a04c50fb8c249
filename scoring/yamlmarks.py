"""The graders' view of YAML read with line marks (`foundation.yamlmarks`): problems become
`RulePackError`s that point at file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

from foundation.errors import DataFileError
from foundation.yamlmarks import load_marked as load_with_lines
from scoring.errors import RulePackError

Marks = Dict[Tuple[Any, ...], int]


def load_marked(path: Path) -> Tuple[Any, Marks]:
    """Return (plain Python value, {key path: 1-based line where its value starts}) for one YAML file."""
    try:
        marked = load_with_lines(path)
    except DataFileError as exc:
        where = f"{path}:{exc.line}" if exc.line is not None else str(path)
        if exc.kind == "unreadable":
            raise RulePackError(f"{path}: cannot read ({exc.problem})") from exc
        if exc.kind == "syntax":
            raise RulePackError(f"{where}: invalid YAML ({exc.problem})") from exc
        raise RulePackError(f"{where}: {exc.problem}") from exc
    return marked.data, dict(marked.value_lines)


def line_of(marks: Marks, key_path: Tuple[Any, ...]) -> int:
    """The line of key_path, or of its nearest ancestor that has one."""
    while key_path and key_path not in marks:
        key_path = key_path[:-1]
    return marks.get(key_path, 1)
