"""The bank's learning record store over HTTP (xAPI), and the job that empties the xAPI outbox into it."""
from lrs_client.client import LrsClient, LrsConflict, LrsError, LrsRejected, LrsUnavailable
from lrs_client.sender import SendResult, send_pending, sync_xapi

__all__ = ["LrsClient", "LrsError", "LrsUnavailable", "LrsRejected", "LrsConflict", "SendResult", "send_pending",
           "sync_xapi"]
