"""Cue files for the soft graders: NVC components (nvc.yml) and de-escalation markers (tone.yml).

Like the rule packs they are data, validated at load time with errors naming file, line and field.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Pattern, Tuple

from scoring.errors import RulePackError
from scoring.patterns import compile_list, dotted
from foundation import paths
from scoring.rulepack import Bilingual
from scoring.text import LANGS
from scoring.yamlmarks import line_of, load_marked

NVC_COMPONENTS = ("observation", "feeling", "need", "request")
PerLang = Mapping[str, Optional[Pattern[str]]]


@dataclass(frozen=True)
class NvcCues:
    components: Mapping[str, PerLang]
    evaluation: PerLang
    not_feeling: PerLang
    proposal: PerLang


@dataclass(frozen=True)
class ToneCue:
    id: str
    label: Bilingual
    patterns: PerLang


@dataclass(frozen=True)
class ToneCues:
    markers: Tuple[ToneCue, ...]
    escalators: Tuple[ToneCue, ...]


def _fail(path, marks, key_path, message) -> RulePackError:
    return RulePackError(f"{path}:{line_of(marks, key_path)}: {dotted(key_path)}: {message}")


def _per_lang(node, path, marks, key_path, *, need_both: bool) -> PerLang:
    if not isinstance(node, dict):
        raise _fail(path, marks, key_path, "expected a mapping of zh/en pattern lists")
    unknown = set(node) - set(LANGS) - {"label"}
    if unknown:
        raise _fail(path, marks, key_path, f"unknown key(s) {sorted(unknown)}")
    compiled = {lang: compile_list(node.get(lang), {}, path, marks, key_path + (lang,)) for lang in LANGS}
    if need_both:
        for lang in LANGS:
            if compiled[lang] is None:
                raise _fail(path, marks, key_path, f"patterns missing for {lang}")
    return compiled


def load_nvc_cues(path: Path) -> NvcCues:
    data, marks = load_marked(path)
    if not isinstance(data, dict) or not isinstance(data.get("components"), dict):
        raise _fail(path, marks, ("components",), "missing mapping 'components'")
    components = {}
    for name in NVC_COMPONENTS:
        if name not in data["components"]:
            raise _fail(path, marks, ("components",), f"missing component {name!r}")
        components[name] = _per_lang(data["components"][name], path, marks, ("components", name), need_both=True)
    extra = set(data["components"]) - set(NVC_COMPONENTS)
    if extra:
        raise _fail(path, marks, ("components",), f"unknown component(s) {sorted(extra)}")
    return NvcCues(
        components=components,
        evaluation=_per_lang(data.get("evaluation"), path, marks, ("evaluation",), need_both=True),
        not_feeling=_per_lang(data.get("not_feeling"), path, marks, ("not_feeling",), need_both=True),
        proposal=_per_lang(data.get("proposal"), path, marks, ("proposal",), need_both=True),
    )


def load_tone_cues(path: Path) -> ToneCues:
    data, marks = load_marked(path)
    groups = {}
    for kind in ("markers", "escalators"):
        node = data.get(kind) if isinstance(data, dict) else None
        if not isinstance(node, dict) or not node:
            raise _fail(path, marks, (kind,), f"missing mapping {kind!r}")
        cues = []
        for cue_id, cue in node.items():
            key_path = (kind, cue_id)
            if not isinstance(cue, dict) or not isinstance(cue.get("label"), dict):
                raise _fail(path, marks, key_path, "expected label and zh/en patterns")
            label = cue["label"]
            for lang in LANGS:
                if not isinstance(label.get(lang), str) or not label[lang].strip():
                    raise _fail(path, marks, key_path + ("label",), f"missing {lang} label")
            cues.append(ToneCue(cue_id, Bilingual(label["zh"], label["en"]), _per_lang(cue, path, marks, key_path, need_both=True)))
        groups[kind] = tuple(cues)
    return ToneCues(markers=groups["markers"], escalators=groups["escalators"])


def nvc_cues(rules_dir: Optional[Path] = None) -> NvcCues:
    """The NVC cues of `rules_dir` (default: the data folder's rules, asked when called), loaded once per folder."""
    return _nvc_cues(Path(rules_dir) if rules_dir is not None else paths.rules_dir())


def tone_cues(rules_dir: Optional[Path] = None) -> ToneCues:
    """The tone cues of `rules_dir` (default: the data folder's rules, asked when called), loaded once per folder."""
    return _tone_cues(Path(rules_dir) if rules_dir is not None else paths.rules_dir())


@functools.lru_cache(maxsize=None)
def _nvc_cues(directory: Path) -> NvcCues:
    return load_nvc_cues(directory / "nvc.yml")


@functools.lru_cache(maxsize=None)
def _tone_cues(directory: Path) -> ToneCues:
    return load_tone_cues(directory / "tone.yml")
