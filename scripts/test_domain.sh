#!/usr/bin/env bash
# Draw the test run's ROS_DOMAIN_ID and say it; scripts/test.sh sources this with its
# arguments (run alone, it prints the line and changes nothing). Kept apart from test.sh so
# a test can check it without running bootstrap.sh, which reinstalls the package under the
# test processes running beside it.
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
