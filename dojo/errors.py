"""Errors the dojo command line and service runner raise; the CLI turns each into a clear message and exit code.

They derive from the project's base error (`foundation.errors.DojoError`), which the CLI catches.
"""
from foundation.errors import DojoError


class ServiceStartError(DojoError):
    """Raised when the Rasa server or the action server does not come up in time."""


class ModelMissingError(DojoError):
    """Raised when no trained model exists and training was not requested."""


class UnknownScenarioError(DojoError):
    """Raised when a scenario id is not in the catalogue; the message lists the ids that exist."""

    def __init__(self, scenario_id: str, known_ids):
        self.scenario_id = scenario_id
        self.known_ids = sorted(known_ids)
        super().__init__(
            f"Unknown scenario id {scenario_id!r}. Available: {', '.join(self.known_ids)}"
        )


class PortInUseError(DojoError):
    """Raised when a port `dojo run` needs is taken; the message names the process holding it when it can."""


class MissingToolError(DojoError):
    """Raised when a server the scale deployment starts itself (Redis, PostgreSQL, HAProxy) is not
    installed; the message names the distribution package to install, or the setting to use instead."""
