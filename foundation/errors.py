"""The project's base error, and the errors every floor may need to raise or catch.

Each package keeps its own small hierarchy in its own `errors.py`; the classes a user can fix derive
from `DojoError`, which the CLI prints as one line (`error: …`, exit code 2) and the bot answers
neutrally, never with a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class DojoError(Exception):
    """Base class: anything the user can fix, reported without a traceback."""


class SimulatorUnavailable(DojoError):
    """Raised when the Rasa server (or the action server behind it) cannot be reached or answers with an error."""


class DataFileError(DojoError):
    """Raised when a data file (YAML under the data folder) cannot be read or is malformed; names file and line.

    `kind` says what went wrong ("unreadable", "not_utf8", "syntax", "duplicate_key", "invalid") so a
    package can restate it in its own error class and words.
    """

    def __init__(self, path: Union[str, Path], problem: str, line: Optional[int] = None,
                 field: Optional[str] = None, kind: str = "invalid"):
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.field = field
        self.kind = kind
        where = self.path + (f":{line}" if line is not None else "")
        what = f" {field}:" if field else ""
        super().__init__(f"{where}:{what} {problem}")
