#!/usr/bin/env bash
# The whole test suite plus lint, on a fresh machine or a warm one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/bootstrap.sh
echo '[test] ruff (ament-style lint)'
.venv/bin/ruff check src test benchmarks launch setup.py
echo '[test] pytest'
# The run's DDS domain: drawn here and printed, keeping the run and its workers off yours
# (an exported ROS_DOMAIN_ID is where your own nodes run: a trial's node there answered a
# test's commands, and a test reconfigured it); CLIP_PERCEPTION_TEST_DOMAIN=N chooses it.
yours="${ROS_DOMAIN_ID:-}"
workers=4
prev=''
for a in "$@"; do
  if [ "$a" = "-n0" ] || { [ "$prev" = "-n" ] && [ "$a" = "0" ]; }; then workers=0; fi
  prev="$a"
done
if [ -n "${CLIP_PERCEPTION_TEST_DOMAIN:-}" ]; then
  run=$CLIP_PERCEPTION_TEST_DOMAIN
else
  while :; do
    run=$(( RANDOM % 101 + 1 )); clash=0
    # Worker gwN takes 1 + (run + N) % 101 (test/conftest.py).
    for d in "$run" $(for k in 0 1 2 3; do echo $(( 1 + (run + k) % 101 )); done); do
      [ "$d" = "$yours" ] && clash=1
    done
    [ "$clash" = 0 ] && break
  done
fi
export ROS_DOMAIN_ID=$run
if [ "$workers" = 0 ]; then said="for this run (one process)"
else said="for this run, and the four after it (wrapping at 101) for the workers"; fi
echo "[test] ROS_DOMAIN_ID $run $said${yours:+; yours ($yours) is left alone}; CLIP_PERCEPTION_TEST_DOMAIN=N to choose"
# Four worker processes (pytest-xdist), each test handed to whichever is free; each has
# its own ROS_DOMAIN_ID (test/conftest.py). Four on two cores: most tests wait on DDS
# and on node processes (the workers averaged 8-27% CPU each). Fresh clones, all passing:
# 13b23d6 1018 s of pytest with two workers, 864 s with three; fc0bf10 (1178 tests) 1104 s
# with three, 723 s with four, within the same hour. Not in pytest.ini, so a plain `pytest` or
# `colcon test` without pytest-xdist still runs. `-n 0` after it: one process.
# --durations=25: every run (CI's too) ends with its 25 slowest tests, so the suite's
# time budget (well under 20 minutes) is watched from the logs, not guessed.
exec .venv/bin/python -m pytest -n 4 --dist worksteal --durations=25 "$@"
