#!/usr/bin/env bash
# The whole test suite plus lint, on a fresh machine or a warm one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
echo '[test] ruff (ament-style lint)'
.venv/bin/ruff check src test benchmarks launch setup.py
echo '[test] pytest'
exec .venv/bin/python -m pytest "$@"
