#!/usr/bin/env bash
# The whole test suite plus lint, on a fresh machine or a warm one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
echo '[test] ruff (ament-style lint)'
.venv/bin/ruff check src test benchmarks launch setup.py
echo '[test] pytest'
# The run's DDS domain, kept off yours (scripts/test_domain.sh; it exports ROS_DOMAIN_ID).
source scripts/test_domain.sh "$@"
# Four worker processes (pytest-xdist), each test handed to whichever is free; each has
# its own ROS_DOMAIN_ID (test/conftest.py). Four on two cores: most tests wait on DDS
# and on node processes (the workers averaged 8-27% CPU each). Fresh clones, all passing:
# 13b23d6 1018 s of pytest with two workers, 864 s with three; fc0bf10 (1178 tests) 1104 s
# with three, 723 s with four, within the same hour; 88e9e98 (4534 tests) 961-1080 s with
# four; a09984e (4593) 698 s and 5779f38 (4603) 783 s with four, once forked nodes stopped
# walking the forkserver's heap (docs/speed.md#the-test-suite). Not in
# pytest.ini, so a plain `pytest` or `colcon test` without pytest-xdist still runs.
# `-n 0` after it: one process.
# --durations=25: every run (CI's too) ends with its 25 slowest tests, so the suite's
# time budget (well under 20 minutes) is watched from the logs, not guessed.
exec .venv/bin/python -m pytest -n 4 --dist worksteal --durations=25 "$@"
