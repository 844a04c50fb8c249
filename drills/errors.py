"""The drills package's errors."""
from __future__ import annotations

from foundation.errors import DojoError


class DrillError(DojoError):
    """Base class of the drills package's errors."""


class DrillBankError(DrillError):
    """Raised when a file under data/drills/ is malformed; names the file and line."""


class NoDrills(DrillError):
    """Raised when no drill can be chosen (an empty bank, or a topic with no item in the language)."""
