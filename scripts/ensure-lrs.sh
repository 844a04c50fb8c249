#!/usr/bin/env bash
# A real learning record store for the xAPI tests: Ralph (PyPI `ralph-malph`) in a venv of its own,
# cached under .cache/lrs-venv so it is built once per machine and never touches the project's venv
# (its pydantic and FastAPI pins differ from Rasa's). Prints the venv's `ralph` path on success.
set -eu
cd "$(dirname "$0")/.."
VENV=".cache/lrs-venv"
RALPH_VERSION="5.1.0"
if [ -x "$VENV/bin/ralph" ] && "$VENV/bin/python" -c "import ralph, uvicorn, requests" >/dev/null 2>&1; then
  echo "$PWD/$VENV/bin/ralph"; exit 0
fi
PYTHON="${DOJO_LRS_PYTHON:-$(command -v python3.11 || command -v python3)}"
echo "==> Building $VENV with ralph-malph $RALPH_VERSION (first run only)" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" >&2
"$VENV/bin/pip" install -q --disable-pip-version-check "ralph-malph[lrs,cli]==$RALPH_VERSION" "requests>=2.31" >&2
"$VENV/bin/python" -c "import ralph, uvicorn, requests" >&2
echo "$PWD/$VENV/bin/ralph"
