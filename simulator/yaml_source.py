"""Reads a YAML file into plain Python while remembering the line of every key and list item, so
validation errors can say "data/scenarios/x.yml:12" instead of only naming a field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from simulator.errors import CatalogError

FieldPath = Tuple[Any, ...]


@dataclass(frozen=True)
class YamlSource:
    """A parsed file: its data plus the 1-based line where each field path starts."""

    path: Path
    data: Any
    lines: Dict[FieldPath, int]

    def line_of(self, field_path: FieldPath) -> Optional[int]:
        """The line of the field, or of its nearest parent that has one (a missing field's line
        is where its parent mapping starts)."""
        probe = tuple(field_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath, lines: Dict[FieldPath, int],
           file_path: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: Dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_path = path + (key,)
            line = key_node.start_mark.line + 1
            if key in result:
                raise CatalogError(file_path, f"duplicate key {key!r}", field=dotted(key_path), line=line)
            lines[key_path] = line
            result[key] = _build(loader, value_node, key_path, lines, file_path)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            lines[path + (index,)] = item_node.start_mark.line + 1
            items.append(_build(loader, item_node, path + (index,), lines, file_path))
        return items
    return loader.construct_object(node, deep=True)


def dotted(field_path: FieldPath) -> str:
    """`("debtor", "name", "zh")` → `debtor.name.zh`; list indexes become `[0]`."""
    text = ""
    for part in field_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path) -> YamlSource:
    """Parse one file; a syntax error becomes a CatalogError carrying the line YAML stopped at."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(path, f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(path, "file is not UTF-8 text") from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: Dict[FieldPath, int] = {}
        if node is None:
            return YamlSource(path, None, lines)
        lines[()] = node.start_mark.line + 1
        data = _build(loader, node, (), lines, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CatalogError(path, f"YAML syntax error: {problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(path, f"YAML syntax error: {exc}") from exc
    finally:
        loader.dispose()
    return YamlSource(path, data, lines)
