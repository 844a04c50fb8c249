#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains what to install and exits 1.
# Rasa 3.6 runs only on Python 3.8-3.10; this project pins 3.10.
set -u
works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in $(ls -d "$root"/versions/3.10* 2>/dev/null | sort -rV); do
    candidates+=("$dir/bin/python3.10")
  done
fi
for dir in /usr/local/bin /usr/bin "$HOME/.pyenv/versions"/3.10*/bin; do
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
done
for py in "${candidates[@]}"; do
  if works "$py"; then
    # A pyenv shim only works when 3.10 is selected; resolve it to the real interpreter.
    "$py" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
cat >&2 <<'MSG'
error: no Python 3.10 interpreter found.
CollectorDojo runs on Rasa 3.6, which needs Python 3.10 (3.8-3.10).
Install one, for example:
  pyenv install 3.10       (then run make again), or
  apt-get install python3.10 python3.10-venv
or point PYTHON310=/path/to/python3.10 at one you have.
MSG
exit 1
