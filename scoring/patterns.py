"""Compile the regex lists of rule packs and cue files, refusing patterns that could backtrack badly.

Every grader runs on every turn and on replies up to 10,000 characters, so a pattern must cost time
linear in the text: gaps are written as bounded repeats ({0,20}) and nested repeats are refused.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Optional, Pattern, Sequence, Tuple

from scoring.errors import RulePackError
from scoring.yamlmarks import Marks, line_of

# An unbounded repeat of a group that itself ends in a repeat: the classic (a+)+ blow-up. A bounded
# outer repeat of a delimited word, like "( \\w+){0,3}", stays linear and is allowed.
_NESTED_REPEAT = re.compile(r"[+*}]\)(?:[+*]|\{\d*,\})")
# An unbounded repeat of "any character" or of a negated class is a gap: gaps must be bounded.
_UNBOUNDED_GAP = re.compile(r"(?<!\\)\.[+*]|\[\^[^\]]*\][+*]")


class FastPattern:
    """A case-insensitive alternation with a cheap screen in front of it.

    Python's regex engine cannot skip ahead on a case-insensitive alternation whose branches start
    with \\b, so scanning a reply with hundreds of such branches is slow. The screen is the same
    alternation with leading \\b removed, lower-cased and compiled case-sensitively, run on the
    lower-cased text: it matches whenever the real pattern could, and usually it does not, so the
    exact (slower) pattern only runs on the few replies that might match.
    """

    __slots__ = ("full", "lower", "screen", "pattern", "anchored")

    def __init__(self, sources: Sequence[str]):
        self.full = re.compile("|".join(f"(?:{source})" for source in sources), re.IGNORECASE)
        self.pattern = self.full.pattern
        # The same alternation, lower-cased and case-sensitive, run on the lower-cased reply: two to
        # three times faster than IGNORECASE, and offsets are the same because lower-casing that
        # changes lengths falls back to the IGNORECASE form.
        try:
            self.lower: Optional[Pattern[str]] = re.compile("|".join(f"(?:{_lower_source(s)})" for s in sources))
        except re.error:
            self.lower = None
        screened = [_screen_source(source) for source in sources]
        # Every match must begin with one of these literal prefixes; a trie of them scans a reply
        # in one cheap pass. Without a prefix for every branch, fall back to the lower-cased screen.
        anchors = set()
        for source in screened:
            prefixes = literal_prefixes(source)
            if prefixes is None:
                anchors = None
                break
            anchors |= prefixes
        self.anchored = bool(anchors)
        try:
            if anchors:
                self.screen: Optional[Pattern[str]] = re.compile(trie_regex(anchors))
            else:
                self.screen = re.compile("|".join(f"(?:{source})" for source in screened))
        except re.error:
            self.screen = None

    def _starts(self, text: str, pos: int, endpos: int):
        """Every position in [pos, endpos) where a match could begin, or None when unknowable.

        The screen matches wherever the real pattern could start (it is the same alternation without
        \\b, or the trie of the literal prefixes every match begins with), so trying the real pattern
        only at these positions finds exactly the matches a full scan would, in the same order.
        Trying a few hundred branches at two or three positions is far cheaper than at every one.
        """
        if self.screen is None:
            return None
        lowered = _lowered(text)
        if lowered is None:
            return None
        if not self.anchored:
            # The fallback screen is a whole alternation: one scan says whether to bother at all.
            return None if self.screen.search(lowered, pos, endpos) is not None else []
        screen = self.screen.search
        starts = []
        found = screen(lowered, pos, endpos)
        while found is not None:
            start = found.start()
            starts.append(start)
            found = screen(lowered, start + 1, endpos) if start + 1 < endpos else None
        return starts

    def search(self, text: str, pos: int = 0, endpos: Optional[int] = None):
        """Like re.search; use match.span() on the original text (group() may be lower-cased)."""
        end = len(text) if endpos is None else min(endpos, len(text))
        starts = self._starts(text, pos, end)
        target, pattern = self._target(text)
        if starts is None:
            return pattern.search(target, pos, end)
        match = pattern.match
        for start in starts:
            found = match(target, start, end)
            if found is not None:
                return found
        return None

    def finditer(self, text: str):
        """Like re.finditer (leftmost, non-overlapping); use match.span() on the original text."""
        starts = self._starts(text, 0, len(text))
        target, pattern = self._target(text)
        if starts is None:
            return pattern.finditer(target)
        return self._iter_at(target, pattern, starts)

    @staticmethod
    def _iter_at(target, pattern, starts):
        match = pattern.match
        after = 0
        for start in starts:
            if start < after:
                continue
            found = match(target, start)
            if found is None:
                continue
            yield found
            # An empty match must not stop the scan at its own position, as in re.finditer.
            after = found.end() if found.end() > found.start() else found.start() + 1

    def _target(self, text: str):
        lowered = _lowered(text)
        if lowered is None or self.lower is None:
            return text, self.full
        return lowered, self.lower


def literal_prefixes(source: str, limit: int = 5):
    """The short literal strings every match of source starts with, or None when that is unknowable."""
    # Deferred on purpose: the regex parser internals are deprecated modules that warn on import,
    # and only this rarely used analysis needs them.
    import sre_constants as sc
    import sre_parse

    try:
        parsed = list(sre_parse.parse(source))
    except re.error:
        return None
    zero_width = (sc.AT, sc.ASSERT, sc.ASSERT_NOT)

    def walk(items, depth):
        if not items or depth == 0:
            return {""}
        op, av = items[0]
        rest = items[1:]
        if op in zero_width:
            return walk(rest, depth)
        if op is sc.LITERAL:
            tail = walk(rest, depth - 1)
            return None if tail is None else {chr(av) + t for t in tail}
        if op is sc.IN:
            chars = []
            for o, v in av:
                if o is sc.LITERAL:
                    chars.append(chr(v))
                elif o is sc.CATEGORY and v is sc.CATEGORY_DIGIT:
                    # ASCII and full-width digits; other scripts' digits do not occur in zh or en replies.
                    chars.extend("0123456789０１２３４５６７８９")
                else:
                    return {""}
            if len(chars) > 24:
                return {""}
            tail = walk(rest, depth - 1)
            return None if tail is None else {c + t for c in chars for t in tail}
        if op is sc.SUBPATTERN:
            return walk(list(av[-1]) + rest, depth)
        if op is sc.BRANCH:
            found = set()
            for branch in av[1]:
                part = walk(list(branch) + rest, depth)
                if part is None:
                    return None
                found |= part
            return found if len(found) <= 800 else None
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            low, _, body = av
            once = walk(list(body), depth)
            if once is None:
                return None
            if "" in once:
                return {""}
            if low >= 1:
                return once
            skipped = walk(rest, depth)
            return None if skipped is None else once | skipped
        return {""}

    # A long prefix screens better, but many optional pieces can multiply the prefixes past the cap;
    # a shorter prefix still anchors the screen.
    for depth in range(limit, 0, -1):
        found = walk(parsed, depth)
        if found is not None and "" not in found:
            return found
    return None


def trie_regex(words) -> str:
    """A regex matching any of words, shaped as a trie so each position is tried along one path."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


_LOWER_CACHE: list = [None, None]


def _lowered(text: str) -> Optional[str]:
    """text.lower(), cached for the reply being graded; None when lower-casing would shift offsets."""
    if _LOWER_CACHE[0] is text:
        return _LOWER_CACHE[1]
    lowered = text.lower()
    result = lowered if len(lowered) == len(text) else None
    _LOWER_CACHE[0], _LOWER_CACHE[1] = text, result
    return result


def _lower_source(source: str) -> str:
    """Lower-case the letters of a regex that are not escapes (\\S stays \\S, \\b stays \\b)."""
    out = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            out.append(source[index : index + 2])
            index += 2
            continue
        out.append(char.lower())
        index += 1
    return "".join(out)


def _screen_source(source: str) -> str:
    """Drop \\b assertions and lower-case letters that are not escapes (\\S stays \\S)."""
    out = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            following = source[index + 1]
            if following == "b":
                index += 2
                continue
            out.append(char + following)
            index += 2
            continue
        out.append(char.lower())
        index += 1
    return "".join(out)


def compile_list(
    items: Any,
    lexicon: Mapping[str, Sequence[str]],
    path: Path,
    marks: Marks,
    key_path: Tuple[Any, ...],
) -> Optional[FastPattern]:
    """One case-insensitive alternation from a list of regexes and @lexicon references (None if empty)."""
    if items is None:
        return None
    if not isinstance(items, list):
        raise RulePackError(f"{path}:{line_of(marks, key_path)}: {_dotted(key_path)}: expected a list of patterns")
    sources = []
    for index, item in enumerate(items):
        item_path = key_path + (index,)
        if not isinstance(item, str) or not item.strip():
            raise RulePackError(f"{path}:{line_of(marks, item_path)}: {_dotted(item_path)}: pattern must be a non-empty string")
        if item.startswith("@"):
            name = item[1:]
            if name not in lexicon:
                raise RulePackError(
                    f"{path}:{line_of(marks, item_path)}: {_dotted(item_path)}: unknown lexicon group {name!r}"
                )
            sources.extend(lexicon[name])
        else:
            check_pattern(item, path, line_of(marks, item_path), _dotted(item_path))
            sources.append(item)
    if not sources:
        return None
    return FastPattern(sources)


def check_pattern(source: str, path: Path, line: int, field: str) -> None:
    """Refuse a pattern that does not compile or whose repeats could backtrack catastrophically."""
    try:
        re.compile(source)
    except re.error as exc:
        raise RulePackError(f"{path}:{line}: {field}: invalid regex {source!r} ({exc})") from exc
    if _NESTED_REPEAT.search(source):
        raise RulePackError(f"{path}:{line}: {field}: nested repeat in {source!r} can backtrack catastrophically")
    if _UNBOUNDED_GAP.search(source):
        raise RulePackError(f"{path}:{line}: {field}: unbounded gap in {source!r}; write a bounded repeat like {{0,20}}")


def _dotted(key_path: Tuple[Any, ...]) -> str:
    out = ""
    for part in key_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


dotted = _dotted
