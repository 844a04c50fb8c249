"""Load YAML keeping the line of every value, so a validation error can point at file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

import yaml

from scoring.errors import RulePackError

Marks = Dict[Tuple[Any, ...], int]


def load_marked(path: Path) -> Tuple[Any, Marks]:
    """Return (plain Python value, {key path: 1-based line}) for one YAML file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise RulePackError(f"{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from exc
    marks: Marks = {}
    constructor = yaml.constructor.SafeConstructor()

    def build(node: yaml.Node, key_path: Tuple[Any, ...]) -> Any:
        marks[key_path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                marks[key_path + (key,)] = key_node.start_mark.line + 1
                result[key] = build(value_node, key_path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, key_path + (index,)) for index, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    value = build(root, ()) if root is not None else None
    return value, marks


def line_of(marks: Marks, key_path: Tuple[Any, ...]) -> int:
    """The line of key_path, or of its nearest ancestor that has one."""
    while key_path and key_path not in marks:
        key_path = key_path[:-1]
    return marks.get(key_path, 1)
