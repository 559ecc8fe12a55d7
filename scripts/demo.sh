#!/usr/bin/env bash
# Set up, then run the node on the bundled recording and print what it found.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
exec .venv/bin/clip_perception_demo "$@"
