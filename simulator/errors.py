"""Errors the simulator raises; catalogue errors point at the exact file, line and field to fix."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from foundation.paths import display_path


class SimulatorError(Exception):
    """Base class for everything the simulator raises on purpose."""


class CatalogError(SimulatorError):
    """Raised when a persona or scenario file is missing, malformed or inconsistent."""

    def __init__(self, path: Union[str, Path], message: str, field: Optional[str] = None,
                 line: Optional[int] = None):
        self.path = display_path(path)
        self.line = line
        self.field = field
        self.message = message
        location = f"{self.path}:{line}" if line is not None else self.path
        subject = f" field '{field}':" if field else ""
        super().__init__(f"{location}:{subject} {message}")


class UnknownLineSituation(SimulatorError):
    """Raised when the engine asks for a situation a persona has no lines for (a catalogue bug)."""
