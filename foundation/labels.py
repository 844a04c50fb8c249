"""The labels a person reads for the project's fixed ids, from one YAML file (data/i18n/labels.yml).

The scorer, the terminal, the bot, reports, charts and the dashboard all call `label(kind, id, lang)`,
so one word means one thing everywhere. The file is validated when loaded: every kind lists exactly
the ids of `foundation.vocab` (certification levels: positive whole numbers), each with non-empty
zh and en, and an error names the file and line. The file is found through `DOJO_DATA_DIR` at call
time and loaded once per path.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple, Union

from foundation import paths, vocab
from foundation.errors import DataFileError
from foundation.yamlmarks import load_marked

# kind -> the ids it must label exactly (None: certification levels, numbered by the policy).
KINDS: Mapping[str, Optional[Tuple[str, ...]]] = {
    "categories": vocab.CATEGORIES,
    "outcomes": vocab.OUTCOMES,
    "personas": vocab.PERSONAS,
    "dimensions": vocab.DIMENSIONS,
    "levels": None,
    "stages": vocab.STAGES,
    "feelings": vocab.FEELINGS,
    "nvc_parts": vocab.NVC_PARTS,
    "weak_points": vocab.WEAK_POINTS,
}

LabelId = Union[str, int]


class LabelError(DataFileError):
    """Raised when the labels file is missing, malformed, or does not name exactly the fixed ids."""


@dataclass(frozen=True)
class Labels:
    """`table[kind][id] = {"zh": …, "en": …}`, validated; `source` is the file it came from."""

    table: Mapping[str, Mapping[LabelId, Mapping[str, str]]]
    source: Path

    def get(self, kind: str, label_id: LabelId, lang: str) -> str:
        """The label of `label_id` in `lang` (English for an unknown language); KeyError for an unknown id."""
        entry = self.table[kind][label_id]
        return entry.get(lang) or entry["en"]

    def both(self, kind: str, label_id: LabelId) -> Dict[str, str]:
        return dict(self.table[kind][label_id])

    def has(self, kind: str, label_id: LabelId) -> bool:
        return label_id in self.table.get(kind, {})

    def ids(self, kind: str) -> Tuple[LabelId, ...]:
        return tuple(self.table[kind])


def _check_entry(path: Path, marked, kind: str, label_id: LabelId, entry) -> Dict[str, str]:
    where = (kind, label_id)
    line = marked.line_of(where)
    if not isinstance(entry, dict):
        raise LabelError(path, "expected {zh: …, en: …}", line=line, field=f"{kind}.{label_id}")
    unknown = sorted(set(entry) - set(vocab.LANGUAGES), key=str)
    if unknown:
        raise LabelError(path, f"unknown language(s) {', '.join(map(str, unknown))} (known: zh, en)",
                         line=marked.line_of(where + (unknown[0],)), field=f"{kind}.{label_id}")
    values = {}
    for lang in vocab.LANGUAGES:
        text = entry.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise LabelError(path, f"needs non-empty {lang} text", line=marked.line_of(where + (lang,)),
                             field=f"{kind}.{label_id}.{lang}")
        values[lang] = text.strip()
    return values


def load_labels(path: Union[str, Path, None] = None) -> Labels:
    """Parse and validate one labels file (default: the data folder's `i18n/labels.yml`)."""
    path = Path(path) if path is not None else paths.labels_file()
    try:
        marked = load_marked(path)
    except DataFileError as exc:
        raise LabelError(exc.path, exc.problem, line=exc.line, field=exc.field, kind=exc.kind) from exc
    data = marked.data
    if not isinstance(data, dict):
        raise LabelError(path, f"expected a mapping with the kinds {', '.join(KINDS)}", line=1)
    unknown_kinds = sorted(set(data) - set(KINDS), key=str)
    if unknown_kinds:
        raise LabelError(path, f"unknown kind (known: {', '.join(KINDS)})", line=marked.line_of((unknown_kinds[0],)),
                         field=str(unknown_kinds[0]))
    table: Dict[str, Dict[LabelId, Dict[str, str]]] = {}
    for kind, expected in KINDS.items():
        if kind not in data:
            raise LabelError(path, "is missing", line=1, field=kind)
        entries = data[kind]
        if not isinstance(entries, dict) or not entries:
            raise LabelError(path, "expected a mapping of id to {zh, en}", line=marked.line_of((kind,)), field=kind)
        if expected is None:
            bad = [key for key in entries if not isinstance(key, int) or isinstance(key, bool) or key < 1]
            if bad:
                raise LabelError(path, f"level {bad[0]!r} is not a positive whole number",
                                 line=marked.line_of((kind, bad[0])), field=kind)
        else:
            unknown = [key for key in entries if key not in expected]
            if unknown:
                raise LabelError(path, f"unknown id {unknown[0]!r} (the fixed ids: {', '.join(expected)})",
                                 line=marked.line_of((kind, unknown[0])), field=kind)
            missing = [key for key in expected if key not in entries]
            if missing:
                raise LabelError(path, f"no label for {', '.join(missing)}", line=marked.line_of((kind,)), field=kind)
        table[kind] = {key: _check_entry(path, marked, kind, key, entry) for key, entry in entries.items()}
    return Labels(table, path)


@lru_cache(maxsize=8)
def _cached(path: str) -> Labels:
    return load_labels(Path(path))


def labels() -> Labels:
    """The labels of the current data folder, loaded and validated once per file."""
    return _cached(str(paths.labels_file()))


def label(kind: str, label_id: LabelId, lang: str) -> str:
    """One label, e.g. `label("outcomes", "payment_plan", "zh")`, the Chinese words for a payment plan."""
    return labels().get(kind, label_id, lang)


def label_or_id(kind: str, label_id: Optional[LabelId], lang: str) -> str:
    """The label, or the id itself when it has none (a value written by an older or newer version)."""
    if label_id is None or label_id == "":
        return ""
    current = labels()
    return current.get(kind, label_id, lang) if current.has(kind, label_id) else str(label_id)


def bilingual(kind: str, label_id: LabelId) -> str:
    """`English / 中文`, the way reports, charts and the dashboard show a label to mixed teams."""
    return f"{label_or_id(kind, label_id, 'en')} / {label_or_id(kind, label_id, 'zh')}"
