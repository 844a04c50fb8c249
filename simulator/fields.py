"""Typed reading of fields from a parsed YAML file, so every loader reports mistakes the same way:
file, line and dotted field name, and what was expected."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence

from foundation.vocab import LANGUAGES
from simulator.errors import CatalogError
from simulator.yaml_source import FieldPath, YamlSource, dotted

_MISSING = object()
_ABSENT = object()


class FieldReader:
    """Wraps one YamlSource; each accessor returns a checked value or raises CatalogError."""

    def __init__(self, source: YamlSource):
        self.source = source

    def error(self, field_path: FieldPath, message: str) -> CatalogError:
        return CatalogError(self.source.path, message, field=dotted(field_path) or None,
                            line=self.source.line_of(field_path))

    def raw(self, field_path: FieldPath, default: Any = _MISSING) -> Any:
        node: Any = self.source.data
        for depth, part in enumerate(field_path):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                if default is not _MISSING:
                    return default
                if depth and not isinstance(node, (dict, list)):
                    raise self.error(field_path[:depth], f"expected a mapping, got {_kind(node)}")
                raise self.error(field_path, "missing required field")
        return node

    def has(self, field_path: FieldPath) -> bool:
        return self.raw(field_path, default=_ABSENT) is not _ABSENT

    def mapping(self, field_path: FieldPath, allowed: Optional[Iterable[str]] = None,
                required: bool = True) -> Dict[str, Any]:
        value = self.raw(field_path) if required else self.raw(field_path, default={})
        if not isinstance(value, dict):
            raise self.error(field_path, f"expected a mapping, got {_kind(value)}")
        if allowed is not None:
            allowed = set(allowed)
            for key in value:
                if key not in allowed:
                    raise self.error(tuple(field_path) + (key,),
                                     f"unknown field (allowed: {', '.join(sorted(allowed))})")
        return value

    def sequence(self, field_path: FieldPath, min_items: int = 0) -> List[Any]:
        value = self.raw(field_path)
        if not isinstance(value, list):
            raise self.error(field_path, f"expected a list, got {_kind(value)}")
        if len(value) < min_items:
            raise self.error(field_path, f"expected at least {min_items} item(s), got {len(value)}")
        return value

    def text(self, field_path: FieldPath, default: Any = _MISSING) -> str:
        value = self.raw(field_path, default) if default is not _MISSING else self.raw(field_path)
        if not isinstance(value, str) or not value.strip():
            raise self.error(field_path, f"expected non-empty text, got {_kind(value)}")
        return value.strip()

    def number(self, field_path: FieldPath, minimum: Optional[float] = None,
               maximum: Optional[float] = None, default: Any = _MISSING) -> float:
        value = self.raw(field_path, default) if default is not _MISSING else self.raw(field_path)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(field_path, f"expected a number, got {_kind(value)}")
        _check_range(self, field_path, value, minimum, maximum)
        return float(value)

    def integer(self, field_path: FieldPath, minimum: Optional[int] = None,
                maximum: Optional[int] = None, default: Any = _MISSING) -> int:
        value = self.raw(field_path, default) if default is not _MISSING else self.raw(field_path)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field_path, f"expected an integer, got {_kind(value)}")
        _check_range(self, field_path, value, minimum, maximum)
        return value

    def boolean(self, field_path: FieldPath, default: Any = _MISSING) -> bool:
        value = self.raw(field_path, default) if default is not _MISSING else self.raw(field_path)
        if not isinstance(value, bool):
            raise self.error(field_path, f"expected true or false, got {_kind(value)}")
        return value

    def choice(self, field_path: FieldPath, options: Sequence[str], what: str = "value",
               default: Any = _MISSING) -> str:
        value = self.raw(field_path, default) if default is not _MISSING else self.raw(field_path)
        if value not in options:
            raise self.error(field_path, f"unknown {what} {value!r} (known: {', '.join(options)})")
        return value

    def bilingual(self, field_path: FieldPath) -> Dict[str, str]:
        """A `{zh: …, en: …}` pair; both languages are required because both are first-class."""
        self.mapping(field_path, allowed=LANGUAGES)
        return {lang: self.text(tuple(field_path) + (lang,)) for lang in LANGUAGES}

    def bilingual_lists(self, field_path: FieldPath, min_items: int = 1) -> Dict[str, tuple]:
        self.mapping(field_path, allowed=LANGUAGES)
        result = {}
        for lang in LANGUAGES:
            items = self.sequence(tuple(field_path) + (lang,), min_items=min_items)
            result[lang] = tuple(self.text(tuple(field_path) + (lang, index)) for index in range(len(items)))
        return result


def _check_range(reader: FieldReader, field_path: FieldPath, value: float,
                 minimum: Optional[float], maximum: Optional[float]) -> None:
    if minimum is not None and value < minimum:
        raise reader.error(field_path, f"must be ≥ {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise reader.error(field_path, f"must be ≤ {maximum}, got {value}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"text {value!r}" if value.strip() else "empty text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
