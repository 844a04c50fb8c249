"""One normalisation for every text that enters CollectorDojo: the scorer and the Rasa NLU read the same thing.

Collectors write Simplified or Traditional characters, type full-width letters and digits from a
Chinese IME, and hammer punctuation ("？？？", "!!!"). Graders and the NLU are trained on one script, so
each text is brought to Simplified characters with OpenCC's Traditional-to-Simplified dictionaries
(phrase and character level, via the pure-Python ``opencc-python-reimplemented``), half-width letters
and digits, and single punctuation marks. The transcript keeps what the trainee typed: every
normalised character remembers where it came from, so evidence spans point into the original text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import opencc
from opencc import OpenCC

# Chinese punctuation stays full-width: it is the normal form in Chinese text and rule packs and
# clause splitting rely on it. Everything else in the full-width block (letters, digits, ＄％＋…)
# becomes its ASCII twin.
_KEEP_FULL_WIDTH = frozenset("，！？：；（）")
_FULL_WIDTH = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL_WIDTH
}
_FULL_WIDTH[0x3000] = ord(" ")  # ideographic space

# A run of the same mark says no more than one mark; "……" and "..." mean an ellipsis.
_REPEATED_PUNCTUATION = re.compile(r"([!?,.;:~，。！？；：、～…])\1+")
_ELLIPSIS = {".": "…", "。": "…", "…": "…"}


@functools.lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _traditional_characters() -> frozenset:
    """Every character OpenCC's t2s tables may change; text without one skips the converter."""
    folder = Path(opencc.__file__).parent / "dictionary"
    characters = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        with open(folder / name, encoding="utf-8") as table:
            for line in table:
                key, values = line.rstrip("\n").split("\t", 1)
                simplified = values.split(" ", 1)[0]
                # Only characters that change: a phrase's shared characters are plain Simplified too.
                characters.update(t for t, s in zip(key, simplified) if t != s)
    return frozenset(characters)


@dataclass(frozen=True)
class NormalizedText:
    """A normalised text and, for each of its characters, the index of the character it came from."""

    original: str
    text: str
    # origin[i] is the index in `original` of text[i]; None when nothing moved (the common case).
    origin: Optional[Tuple[int, ...]] = None

    def original_span(self, start: int, end: int) -> Tuple[int, int]:
        """The `[start, end)` span of the original text that produced `text[start:end]`.

        A collapsed run ("！！！" became "！") maps back to the whole run.
        """
        if self.origin is None:
            return start, end
        begin = self.origin[start] if start < len(self.origin) else len(self.original)
        finish = self.origin[end] if end < len(self.origin) else len(self.original)
        return begin, max(begin, finish)

    def original_text(self, start: int, end: int) -> str:
        begin, finish = self.original_span(start, end)
        return self.original[begin:finish]


def normalize(text: str) -> NormalizedText:
    """Bring `text` to Simplified characters, half-width letters and digits, single punctuation marks."""
    script = _to_simplified(text.translate(_FULL_WIDTH))  # both keep the length: one char for one
    if not _REPEATED_PUNCTUATION.search(script):
        return NormalizedText(text, script)
    kept = []
    origin = []
    position = 0
    for match in _REPEATED_PUNCTUATION.finditer(script):
        kept.append(script[position:match.start()])
        origin.extend(range(position, match.start()))
        mark = match.group(1)
        kept.append(_ELLIPSIS.get(mark, mark))
        origin.append(match.start())
        position = match.end()
    kept.append(script[position:])
    origin.extend(range(position, len(script)))
    return NormalizedText(text, "".join(kept), tuple(origin))


def normalize_text(text: str) -> str:
    """The normalised text alone, for callers that never map evidence back (NLU features, lookups)."""
    return normalize(text).text


def _to_simplified(text: str) -> str:
    traditional = _traditional_characters()
    if traditional.isdisjoint(text):
        return text
    converted = _converter().convert(text)
    # OpenCC's t2s tables map every phrase to one of the same length; the offsets rely on it.
    return converted if len(converted) == len(text) else text
