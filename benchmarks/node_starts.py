"""What one node start and stop costs the tests: ``clip_perception_node`` as they start it.

The node-level tests start ~260 nodes a run (``test/conftest.py``'s ``NodeProcess``,
forked from a forkserver that has torch and transformers imported: ``test/forked_node.py``).
This starts ``--nodes`` of them one after another, each with the command the tests give
most, and prints for each the seconds from the start to the node's "listening on" line
(imports done, model loaded, warmed up, subscribed) and from SIGINT to its exit (code 0
expected), then the medians. The first start includes the forkserver's own imports.

    PYTHONPATH=src .venv/bin/python benchmarks/node_starts.py --nodes 8
    # the tests' helpers of another checkout (e.g. before a change to forked_node.py):
    .venv/bin/python benchmarks/node_starts.py --tests ../base/test

Wall times: on a shared machine, compare runs made side by side.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--nodes', type=int, default=8, help='nodes started in turn')
    parser.add_argument('--tests', default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'test'),
        help="folder holding the tests' conftest.py and forked_node.py")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.tests))
    import conftest  # noqa: F401  (sets ROS_DOMAIN_ID and the rest before rclpy)
    from conftest import NodeProcess

    starts, stops = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.nodes):
            t0 = time.monotonic()
            node = NodeProcess('-p', 'command:=the red ball',
                               log_path=os.path.join(tmp, f'node{i}.log'))
            while 'listening on' not in node.output():
                if node.proc.poll() is not None:
                    sys.exit(f'node {i} exited {node.proc.returncode}:\n{node.output()}')
                time.sleep(0.02)
            t1 = time.monotonic()
            code = node.stop()
            t2 = time.monotonic()
            print(f'node {i}: start {t1 - t0:.2f} s, stop {t2 - t1:.2f} s, exit {code}',
                  flush=True)
            (starts if i else []).append(t1 - t0)
            stops.append(t2 - t1)
    print(f'median of {args.nodes}: start {statistics.median(starts or [0.0]):.2f} s '
          f'(first left out), stop {statistics.median(stops):.2f} s; load average '
          f'{os.getloadavg()[0]:.1f}')


if __name__ == '__main__':
    main()
