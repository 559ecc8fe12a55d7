#!/usr/bin/env bash
# Create or refresh .venv/ with the pinned dependencies and install this package
# into it. Idempotent: a second run with nothing changed takes about a second.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv"
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3

if [ ! -x "$venv/bin/python" ]; then
  echo "[bootstrap] creating $venv"
  "$python" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1

want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements.sha" 2>/dev/null)" != "$want" ]; then
  echo "[bootstrap] installing pinned dependencies (first run: a few minutes)"
  "$venv/bin/python" -m pip install -q -r requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
  echo "$want" > "$venv/.requirements.sha"
fi

# Install the package itself (not editable) so that data_files land in
# <venv>/share/clip_perception exactly as a colcon/pip install puts them.
pkg=$(find src launch config resource models data setup.py setup.cfg package.xml \
        -type f -not -path '*__pycache__*' -print0 | sort -z | xargs -0 sha256sum | sha256sum)
if [ "$(cat "$venv/.package.sha" 2>/dev/null)" != "$pkg" ]; then
  echo "[bootstrap] installing clip_perception into $venv"
  rm -rf build src/*.egg-info
  "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation --force-reinstall .
  rm -rf build src/*.egg-info
  echo "$pkg" > "$venv/.package.sha"
fi
