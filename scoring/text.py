"""Input checks and small text helpers shared by every grader."""
from __future__ import annotations

import bisect
import re
from typing import List, Optional, Tuple

from foundation.vocab import LANGUAGES, REGIMES
from scoring.errors import ScoringInputError

MAX_REPLY_CHARS = 10_000
LANGS = LANGUAGES
DEFAULT_REGIME = {"zh": "cn", "en": "us"}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Clause boundaries: exceptions and NVC cues are judged inside one clause, so a "never" in one
# sentence cannot excuse a threat in the next. A full stop ends a clause unless it sits inside a
# number ($1,200.50) or an abbreviation-like token.
_CLAUSE_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s|$)")
# Finer pieces for NVC: a fact and an ask joined by a comma are still two different acts.
_PHRASE_END = re.compile(r"[。！？!?；;\n，、：:]+|,(?!\d)|\.(?=\s|$)|\s[-–—]\s")


def detect_lang(text: str) -> str:
    """Guess zh or en from the share of CJK characters among letters; collectors rarely mix more."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return "en"
    latin = len(_LATIN.findall(text))
    return "zh" if cjk * 3 >= latin else "en"


def check_reply(text: object, lang: Optional[str], regime: Optional[str]) -> Tuple[str, str, str]:
    """Validate one reply and resolve its language and regime, or raise ScoringInputError saying why."""
    if not isinstance(text, str):
        raise ScoringInputError("text must be a string / 文本必须是字符串")
    if not text.strip():
        raise ScoringInputError("empty text: nothing to score / 文本为空，无法评分")
    if len(text) > MAX_REPLY_CHARS:
        raise ScoringInputError(
            f"text is {len(text)} characters; the limit is {MAX_REPLY_CHARS} / "
            f"文本长度 {len(text)} 超过上限 {MAX_REPLY_CHARS}"
        )
    if lang is not None and lang != "" and lang not in LANGS:
        raise ScoringInputError(f"unknown language {lang!r}; use zh or en / 未知语言 {lang!r}，请用 zh 或 en")
    session_lang = lang or None
    # The reply is graded in the language it is written in; the session's language decides only
    # when the text has no letters to tell by ("1500", "?").
    lang = detect_lang(text) if (session_lang is None or _CJK.search(text) or _LATIN.search(text)) else session_lang
    if regime is None or regime == "":
        regime = DEFAULT_REGIME[session_lang or lang]
    if regime not in REGIMES:
        raise ScoringInputError(f"unknown regime {regime!r}; use cn or us / 未知监管规则 {regime!r}，请用 cn 或 us")
    return text, lang, regime


class Clauses:
    """The clause spans of one text, computed once, with a fast lookup of the clause around a position."""

    __slots__ = ("spans", "_starts")

    def __init__(self, text: str, fine: bool = False):
        spans: List[Tuple[int, int]] = []
        start = 0
        for match in (_PHRASE_END if fine else _CLAUSE_END).finditer(text):
            if match.end() > start:
                spans.append((start, match.end()))
            start = match.end()
        if start < len(text):
            spans.append((start, len(text)))
        if not spans:
            spans.append((0, len(text)))
        self.spans = spans
        self._starts = [span[0] for span in spans]

    def covering(self, start: int, end: int) -> List[Tuple[int, int]]:
        """Every clause that [start, end) touches."""
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        last = max(bisect.bisect_right(self._starts, max(end - 1, start)) - 1, first)
        return self.spans[first : last + 1]

    def around(self, start: int, end: int) -> Tuple[int, int]:
        """The clause holding [start, end); a match that crosses a boundary widens it."""
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        last = max(bisect.bisect_right(self._starts, max(end - 1, start)) - 1, first)
        return self.spans[first][0], self.spans[last][1]
