"""The node's spin loop: a callback that raises is logged and counted, not fatal.

Real rclpy, real DDS: a subscription whose callback raises on its first message, fed by
a real publisher, spun by :func:`clip_perception.node.spin` on a real executor.
"""

import threading
import time

from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from std_msgs.msg import String

from clip_perception.node import spin


def _wire(name, fail):
    """Make a publisher node and a subscriber node whose callback raises while ``fail``."""
    got, errors = [], []
    sub_node, pub_node = Node(f'{name}_sub'), Node(f'{name}_pub')

    def callback(msg):
        if fail(msg):
            errors.append(msg.data)
            raise RuntimeError(f'cannot handle {msg.data}')
        got.append(msg.data)

    sub_node.create_subscription(String, f'/{name}', callback, 10)
    pub = pub_node.create_publisher(String, f'/{name}', 10)
    return sub_node, pub_node, pub, got, errors


def _publish_until(pub, done, timeout=15.0):
    end = time.monotonic() + timeout
    k = 0
    while not done() and time.monotonic() < end:
        pub.publish(String(data=str(k)))
        k += 1
        time.sleep(0.05)


def test_a_callback_that_raises_once_does_not_stop_the_spin(ros):
    sub_node, pub_node, pub, got, errors = _wire('spin_once_fails',
                                                 lambda msg: not errors)
    executor = SingleThreadedExecutor()
    executor.add_node(sub_node)
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(spin(executor)), daemon=True)
    thread.start()
    try:
        _publish_until(pub, lambda: len(got) >= 3)
        assert len(errors) == 1 and len(got) >= 3, (errors, got)
        assert thread.is_alive()
    finally:
        executor.shutdown()
        thread.join(10)
        sub_node.destroy_node()
        pub_node.destroy_node()
    assert outcome == [None]


def test_a_callback_that_always_raises_ends_the_spin_after_the_bound(ros):
    sub_node, pub_node, pub, got, errors = _wire('spin_always_fails', lambda msg: True)
    executor = SingleThreadedExecutor()
    executor.add_node(sub_node)
    raised = []

    def run():
        try:
            spin(executor, max_failures=3)
        except RuntimeError as exc:
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        _publish_until(pub, lambda: not thread.is_alive())
        thread.join(10)
        assert len(errors) == 3 and len(raised) == 1 and got == []
    finally:
        executor.shutdown()
        sub_node.destroy_node()
        pub_node.destroy_node()
