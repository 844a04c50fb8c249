"""YAML read into plain Python while remembering the line of every key, list item and value, so a
validation error can say `data/scenarios/x.yml:12` instead of only naming a field.

Every data reader (catalogue, rule packs, labels, bot strings, certification policy) parses through
here; each restates a `DataFileError` in its own error class.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

import yaml

from foundation.errors import DataFileError

FieldPath = Tuple[Any, ...]
Lines = Dict[FieldPath, int]


@dataclass(frozen=True)
class MarkedYaml:
    """A parsed file: its data, the 1-based line of each key or list item (`key_lines`) and the line
    where each value starts (`value_lines`; for a nested mapping that is the line below its key)."""

    path: Path
    data: Any
    key_lines: Lines
    value_lines: Lines

    def line_of(self, field_path: FieldPath) -> Optional[int]:
        """The line of the field's key, or of its nearest ancestor that has one."""
        return nearest_line(self.key_lines, field_path)


def nearest_line(lines: Lines, field_path: FieldPath) -> Optional[int]:
    probe = tuple(field_path)
    while probe and probe not in lines:
        probe = probe[:-1]
    return lines.get(probe)


def dotted(field_path: FieldPath) -> str:
    """`("debtor", "name", "zh")` → `debtor.name.zh`; list indexes become `[0]`."""
    text = ""
    for part in field_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, path: Path):
        self.loader = loader
        self.path = path
        self.key_lines: Lines = {}
        self.value_lines: Lines = {}

    def build(self, node: yaml.Node, field_path: FieldPath) -> Any:
        self.value_lines[field_path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: Dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                key_path = field_path + (key,)
                line = key_node.start_mark.line + 1
                if key in result:
                    raise DataFileError(self.path, f"duplicate key {key!r}", line=line, field=dotted(key_path),
                                        kind="duplicate_key")
                self.key_lines[key_path] = line
                result[key] = self.build(value_node, key_path)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item_node in enumerate(node.value):
                self.key_lines[field_path + (index,)] = item_node.start_mark.line + 1
                items.append(self.build(item_node, field_path + (index,)))
            return items
        return self.loader.construct_object(node, deep=True)


def load_marked(path: Union[str, Path]) -> MarkedYaml:
    """Parse one file; every failure is a `DataFileError` carrying the line YAML stopped at."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, str(exc.strerror or exc), kind="unreadable") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "file is not UTF-8 text", kind="not_utf8") from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, path)
        if node is None:
            return MarkedYaml(path, None, {}, {})
        builder.key_lines[()] = node.start_mark.line + 1
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(path, str(exc.problem or exc.context or "invalid YAML"), line=line, kind="syntax") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, str(exc), kind="syntax") from exc
    finally:
        loader.dispose()
    return MarkedYaml(path, data, builder.key_lines, builder.value_lines)
