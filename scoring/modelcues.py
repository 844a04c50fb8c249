"""Broad cue words per category (lexicon.yml, model_cues), one of the models' feature families.

scoring.reading turns each match into an "m:<category>" feature of its clause. A cue is evidence the
models weigh against everything else they read; it is neither a finding nor a precondition for one.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Mapping, Optional

from scoring.categories import REPLY_CATEGORIES
from scoring.errors import RulePackError
from scoring.patterns import FastPattern, compile_list, dotted
from foundation import paths
from scoring.rulepack import LEXICON_FILE, lexicon
from scoring.text import LANGS
from scoring.yamlmarks import line_of, load_marked

CueTable = Mapping[str, Mapping[str, FastPattern]]


def load_model_cues(path: Path, groups) -> CueTable:
    """Every reply category needs cues in both languages; errors name file, line and field."""
    data, marks = load_marked(path)
    node = data.get("model_cues") if isinstance(data, dict) else None

    def fail(key_path, message):
        return RulePackError(f"{path}:{line_of(marks, key_path)}: {dotted(key_path)}: {message}")

    if not isinstance(node, dict):
        raise fail(("model_cues",), "missing mapping 'model_cues'")
    unknown = set(node) - set(REPLY_CATEGORIES)
    if unknown:
        raise fail(("model_cues",), f"unknown category(ies) {sorted(unknown)}")
    table = {}
    for category in REPLY_CATEGORIES:
        key_path = ("model_cues", category)
        entry = node.get(category)
        if not isinstance(entry, dict):
            raise fail(("model_cues",), f"missing cues for {category!r}")
        per_lang = {}
        for lang in LANGS:
            compiled: Optional[FastPattern] = compile_list(entry.get(lang), groups, path, marks, key_path + (lang,))
            if compiled is None:
                raise fail(key_path, f"cues missing for {lang}")
            per_lang[lang] = compiled
        table[category] = per_lang
    return table


def model_cues(rules_dir: Optional[Path] = None) -> CueTable:
    """The models' cue features of `rules_dir` (default: the data folder's rules, asked when called), once per folder."""
    return _model_cues(Path(rules_dir) if rules_dir is not None else paths.rules_dir())


@functools.lru_cache(maxsize=None)
def _model_cues(directory: Path) -> CueTable:
    return load_model_cues(directory / LEXICON_FILE, lexicon(directory))
