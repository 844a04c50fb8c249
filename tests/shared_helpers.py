"""Helpers that tests in several folders share. (In tests/, which the root conftest puts on
sys.path, so every test folder can import it.)"""
from __future__ import annotations

import datetime as dt

from matplotlib.text import Text


class Clock:
    """A clock the test advances by hand, so ages, half-lives, windows and due dates are exact."""

    def __init__(self, start: dt.datetime):
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += dt.timedelta(**delta)


def drawn_texts(monkeypatch) -> list:
    """Every string the charts draw, caught on its way into matplotlib."""
    drawn = []
    original = Text.set_text

    def spy(self, value):
        drawn.append(str(value))
        return original(self, value)

    monkeypatch.setattr(Text, "set_text", spy)
    return drawn
