"""Serve Ralph's LRS API with its file-system backend appending to its statements file.

Run with the LRS venv's python (never imported by the project's own code). Ralph's file-system
backend is meant for development and writes each batch with the CREATE operation, which refuses a
file that already exists, so only the very first POST of a server's life would be stored. Appending
instead keeps every later batch too; the API, its validation of statements and its duplicate and
conflict checks are Ralph's own. Usage: python ralph_append_server.py HOST PORT
"""
import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="warning")
