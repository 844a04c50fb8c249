"""The drill bank: `data/drills/<topic>.yml`, one file per weak point, validated when loaded.

A topic is a violation category (`false_legal_threat`), an NVC part (`nvc.request`), escalating tone
(`deescalation`) or the opening disclosure (`missing_disclosure`). Every item has, per language, the
debtor's line, a collector line with exactly that flaw, and a better phrasing. Whether the flaw is
really there is the scorer's call, checked by `drills.check.bank_problems` in `dojo validate`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from foundation import paths
from foundation.errors import DataFileError
from foundation.vocab import LANGUAGES
from drills.errors import DrillBankError
from foundation.yamlmarks import MarkedYaml, load_marked

KINDS = ("violation", "nvc", "tone", "disclosure")
NVC_PARTS = ("observation", "feeling", "need", "request")
MIN_ITEMS_PER_TOPIC = 10


@dataclass(frozen=True)
class DrillLines:
    debtor: str
    collector: str
    better: str


@dataclass(frozen=True)
class DrillItem:
    id: str
    topic: str
    kind: str
    lines: Dict[str, DrillLines]
    where: str  # file:line, for messages that send an author to the item

    def in_lang(self, lang: str) -> DrillLines:
        return self.lines[lang]


@dataclass(frozen=True)
class DrillTopic:
    id: str
    kind: str
    personas: Tuple[str, ...]  # personas whose full scenarios exercise the same weak point
    items: Tuple[DrillItem, ...]
    path: str

    @property
    def nvc_part(self) -> Optional[str]:
        return self.id.split(".", 1)[1] if self.kind == "nvc" else None


@dataclass(frozen=True)
class DrillBank:
    topics: Dict[str, DrillTopic]

    def item(self, item_id: str) -> DrillItem:
        for topic in self.topics.values():
            for item in topic.items:
                if item.id == item_id:
                    return item
        raise KeyError(item_id)

    def items(self):
        for topic in self.topics.values():
            yield from topic.items


def drills_dir() -> Path:
    return paths.data_dir() / "drills"


def load_bank(folder: Optional[Path] = None) -> DrillBank:
    """Every topic file in the folder (default `data/drills/`); raises DrillBankError naming file and line."""
    folder = Path(folder) if folder is not None else drills_dir()
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise DrillBankError(f"{paths.display_path(folder)}: no drill files (*.yml) / 没有练习题库文件")
    topics: Dict[str, DrillTopic] = {}
    seen_ids: Dict[str, str] = {}
    for path in files:
        try:
            marked = load_marked(path)
        except DataFileError as exc:
            raise DrillBankError(str(exc)) from exc
        topic = _topic(marked, seen_ids)
        if topic.id in topics:
            raise _fail(marked, ("weakness",), f"topic {topic.id!r} is also in {topics[topic.id].path}")
        topics[topic.id] = topic
    return DrillBank(topics)


def _fail(marked: MarkedYaml, field_path, problem: str) -> DrillBankError:
    line = marked.line_of(tuple(field_path))
    where = paths.display_path(marked.path) + (f":{line}" if line else "")
    return DrillBankError(f"{where}: {problem} / 练习题库格式错误")


def _text(marked: MarkedYaml, mapping, key: str, field_path) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise _fail(marked, (*field_path, key), f"{key} must be a non-empty text")
    return value.strip()


def _topic(marked: MarkedYaml, seen_ids: Dict[str, str]) -> DrillTopic:
    data = marked.data
    if not isinstance(data, dict):
        raise _fail(marked, (), "the file must be a mapping with weakness, kind, practise_with and items")
    topic_id = _text(marked, data, "weakness", ())
    kind = _text(marked, data, "kind", ())
    if kind not in KINDS:
        raise _fail(marked, ("kind",), f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "nvc" and (not topic_id.startswith("nvc.") or topic_id[4:] not in NVC_PARTS):
        raise _fail(marked, ("weakness",), f"an nvc topic is nvc.<{'|'.join(NVC_PARTS)}>, not {topic_id!r}")
    if Path(marked.path).stem != topic_id:
        raise _fail(marked, ("weakness",), f"weakness {topic_id!r} must match the file name {Path(marked.path).name}")
    practise = data.get("practise_with") or {}
    personas = practise.get("personas") if isinstance(practise, dict) else None
    if not isinstance(personas, list) or not personas or not all(isinstance(p, str) for p in personas):
        raise _fail(marked, ("practise_with",), "practise_with.personas must list persona ids")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise _fail(marked, ("items",), "items must be a list")
    items = []
    for index, raw in enumerate(raw_items):
        field_path = ("items", index)
        item_id = _text(marked, raw, "id", field_path)
        if item_id in seen_ids:
            raise _fail(marked, (*field_path, "id"), f"item id {item_id!r} is also used in {seen_ids[item_id]}")
        line = marked.line_of(field_path)
        where = f"{paths.display_path(marked.path)}:{line}"
        seen_ids[item_id] = where
        lines = {}
        for lang in LANGUAGES:
            block = raw.get(lang)
            if not isinstance(block, dict):
                raise _fail(marked, (*field_path, lang), f"item {item_id} needs a {lang} block with debtor, collector, better")
            lines[lang] = DrillLines(*(_text(marked, block, key, (*field_path, lang))
                                       for key in ("debtor", "collector", "better")))
        items.append(DrillItem(item_id, topic_id, kind, lines, where))
    if len(items) < MIN_ITEMS_PER_TOPIC:
        raise _fail(marked, ("items",), f"topic {topic_id} has {len(items)} items; at least {MIN_ITEMS_PER_TOPIC} are needed")
    return DrillTopic(topic_id, kind, tuple(personas), tuple(items), paths.display_path(marked.path))
