"""The bot's strings in Chinese and English, loaded from data/i18n/bot.yml and checked at load time.

Every key must carry both languages, so a missing translation fails at start-up (naming the file and
line) instead of surfacing as a blank message in front of a trainee.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from bot.errors import I18nError
from foundation import paths
from foundation.vocab import LANGUAGES

DEFAULT_LANG = "en"
RESERVED_PLACEHOLDERS = {"key", "lang"}


def lang_from_telegram(language_code: Optional[str]) -> str:
    """Telegram sends IETF tags such as 'zh-hans' or 'en-US'; anything Chinese maps to zh, the rest to en."""
    if language_code and language_code.lower().startswith("zh"):
        return "zh"
    return DEFAULT_LANG


def normalise_lang(lang: Optional[str]) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


@dataclass(frozen=True)
class Strings:
    """A validated table key -> {lang: template}; templates use str.format fields."""

    table: Mapping[str, Mapping[str, str]]
    source: Path

    def get(self, key: str, lang: str, **params: Any) -> str:
        entry = self.table.get(key)
        if entry is None:
            raise KeyError(f"{self.source}: no string {key!r}")
        template = entry[normalise_lang(lang)]
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        return key in self.table

    def both(self, key: str, **params: Any) -> Dict[str, str]:
        return {lang: self.get(key, lang, **params) for lang in LANGUAGES}


def _fields(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load_strings(path: Optional[Path] = None) -> Strings:
    """Parse and validate (default: the data folder's i18n/bot.yml); errors say `file:line: key 'x': ...`."""
    path = Path(path) if path is not None else paths.bot_strings_file()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise I18nError(f"{path}: cannot read the bot's strings: {exc}") from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise I18nError(f"{path}{line}: YAML syntax error: {getattr(exc, 'problem', exc)}") from exc
    if root is None or not isinstance(root, yaml.MappingNode):
        raise I18nError(f"{path}: expected a mapping of string keys to {{zh, en}}")
    table: Dict[str, Dict[str, str]] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        where = f"{path}:{key_node.start_mark.line + 1}: key {key!r}"
        if key in table:
            raise I18nError(f"{where}: duplicate key")
        if not isinstance(value_node, yaml.MappingNode):
            raise I18nError(f"{where}: expected {{zh: ..., en: ...}}")
        entry = {k.value: v for k, v in value_node.value}
        missing = [lang for lang in LANGUAGES if lang not in entry]
        if missing:
            raise I18nError(f"{where}: missing language(s) {', '.join(missing)}")
        extra = sorted(set(entry) - set(LANGUAGES))
        if extra:
            raise I18nError(f"{where}: unknown language(s) {', '.join(extra)}")
        values = {}
        for lang in LANGUAGES:
            node = entry[lang]
            if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
                raise I18nError(f"{path}:{node.start_mark.line + 1}: key {key!r}: {lang} must be non-empty text")
            values[lang] = str(node.value)
        if _fields(values["zh"]) != _fields(values["en"]):
            raise I18nError(
                f"{where}: zh and en use different placeholders "
                f"({sorted(_fields(values['zh']))} vs {sorted(_fields(values['en']))})"
            )
        reserved = _fields(values["en"]) & RESERVED_PLACEHOLDERS
        if reserved:
            raise I18nError(f"{where}: placeholder(s) {sorted(reserved)} clash with t()'s own arguments")
        table[key] = values
    return Strings(table=table, source=path)


def strings() -> Strings:
    """The data folder's table, loaded once per file."""
    return _strings_of(str(paths.bot_strings_file()))


@lru_cache(maxsize=4)
def _strings_of(path: str) -> Strings:
    return load_strings(Path(path))


def t(key: str, lang: str, **params: Any) -> str:
    """Translate `key` into `lang`; params fill the template (callers escape them for HTML first)."""
    return strings().get(key, lang, **params)
