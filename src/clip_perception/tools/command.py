"""Send a command to a running node and print its answer, without the ``ros2`` CLI.

``clip_perception_command "the red ball"`` does what ``ros2 topic pub --once
/clip_perception/command std_msgs/msg/String "{data: 'the red ball'}"`` and ``ros2 topic
echo /clip_perception/detection_json`` do together, for the plain ``.venv`` set-up,
which has no ``ros2`` CLI. It waits until the node's command subscription is matched
(a message published before discovery completes is lost), publishes the command once,
and prints the first ``~/detection_json`` answer to it: status, reason, position.

Exit status: 0 answered (found, not found, cancelled...), or a cancel sent to a node idle
already (which it does not answer: ``~/active_command`` says it); 1 no subscriber on the command
topic, or no answer in time (the node answers with the next colour frame, or with the
last one when the camera has gone quiet and that frame is recent: is the camera
publishing?); 2 the command itself is unusable (empty, too long; or the node answered
it ``rejected``: "[BLANK_AUDIO]", nothing to look for), or a name or option is invalid;
3 the node answered it ``superseded``: another command replaced it before any frame
answered it (two clients, a voice node's next transcript), so it is not what the node is
looking for (the message names the command that replaced it); 4 with ``--require-found``,
an answer other than ``found`` (``not_found``, ``ambiguous``, ``refused``...), so that
``clip_perception_command "the red ball" --require-found && <grasp>`` goes on only with a
target.
"""

import argparse
import json
import os
import random
import sys
import time

from clip_perception.language import clean_command
from clip_perception.language import CommandError
from clip_perception.language import is_cancel
from clip_perception.tools import DefaultsHelpFormatter


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                epilog=__doc__.split('\n\n')[2].replace('``', '"'),
                                formatter_class=DefaultsHelpFormatter)
    p.add_argument('command', help='e.g. "the red ball on the left"')
    p.add_argument('--node', default='/clip_perception',
                   help="the node's fully qualified name, whose ~/detection_json is read "
                   '(default: %(default)s)')
    p.add_argument('--topic', default=None,
                   help='the command topic (default: <node>/command, as the launch file '
                   'remaps it; a node started without remapping listens on /command)')
    p.add_argument('--timeout', type=float, default=15.0,
                   help='seconds to wait for the subscriber, then for the answer')
    p.add_argument('--no-wait', action='store_true',
                   help='exit once the command is published (still after the subscriber '
                   'is matched: a message sent before that is lost); no answer')
    p.add_argument('--require-found', action='store_true',
                   help='exit 4 unless the answer is found (not_found, ambiguous, refused, '
                   'cancelled...): a script goes on only with a target')
    args = p.parse_args(argv)
    if not args.timeout > 0:
        p.error(f'--timeout must be positive, got {args.timeout}')
    try:
        text = clean_command(args.command)
    except CommandError as exc:
        print(f'command refused before sending: {exc}', file=sys.stderr)
        return 2
    from rclpy.exceptions import InvalidTopicNameException
    from rclpy.validate_full_topic_name import validate_full_topic_name

    topic = args.topic or f'{args.node.rstrip("/")}/command'
    try:
        for name in (topic, f'{args.node.rstrip("/")}/detection_json'):
            validate_full_topic_name(name)
    except InvalidTopicNameException as exc:
        print(f'not a ROS topic name (--node / --topic): {" ".join(str(exc).split())}',
              file=sys.stderr)
        return 2

    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.node import Node
    from rclpy.qos import DurabilityPolicy
    from rclpy.qos import QoSProfile
    from std_msgs.msg import String

    # No ROS arguments from sys.argv: the command text is not a remap rule.
    rclpy.init(args=[sys.argv[0]])
    node = Node(f'clip_perception_command_{os.getpid()}_{random.randint(0, 1 << 20)}')
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    answers, active = [], []
    node.create_subscription(String, f'{args.node.rstrip("/")}/detection_json',
                             lambda m: answers.append(m.data), 10)
    # The node's active command (transient local): a cancel while it is idle is a repeat,
    # which the node does not answer; this says the node is idle.
    latched = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
    node.create_subscription(String, f'{args.node.rstrip("/")}/active_command',
                             lambda m: active.append(m.data), latched)
    pub = node.create_publisher(String, topic, 10)
    try:
        end = time.monotonic() + args.timeout
        while pub.get_subscription_count() == 0 and time.monotonic() < end:
            executor.spin_once(timeout_sec=0.05)
        if pub.get_subscription_count() == 0:
            graph = node_graph(node)
            print(f'no subscriber on {topic} after {args.timeout:g} s: is the node running, '
                  'and is its command topic remapped there? (--topic)'
                  + (other_nodes_hint(answering_nodes(graph)) or domain_hint(os.environ)),
                  file=sys.stderr)
            return 1
        answers.clear()
        pub.publish(String(data=text))
        if args.no_wait:
            flush = time.monotonic() + 0.5
            while time.monotonic() < flush:
                executor.spin_once(timeout_sec=0.05)
            print(f'sent "{text}" on {topic}')
            return 0
        end = time.monotonic() + args.timeout
        while time.monotonic() < end:
            executor.spin_once(timeout_sec=0.05)
            if is_cancel(text) and active and not active[-1] and not answers and \
                    time.monotonic() > end - args.timeout + 1.0:
                print(f'idle already: "{text}" had no command to cancel (the node answers '
                      'a cancel only when it clears one)')
                return 0
            for raw in answers:
                answer = json.loads(raw)
                if answer.get('command') == text:
                    return _report(answer, args.require_found)
            answers.clear()
        print(f'sent "{text}" on {topic}, but no answer on {args.node}/detection_json in '
              f'{args.timeout:g} s: the node answers with the next colour frame, or the last '
              'one when the camera has gone quiet and it is recent (is the camera '
              'publishing? see /diagnostics)', file=sys.stderr)
        return 1
    finally:
        executor.shutdown()
        node.destroy_node()
        rclpy.try_shutdown()


def node_graph(node, listed=None):
    """Return ``[(node, publishers, subscriptions)]`` of the graph's other nodes.

    The nodes are listed, then each one's topics asked: a node that leaves in between
    makes rclpy raise ``NodeNameNonExistentError``, which came out of the tool as a
    traceback; it is left out, as the node's own ``_command_publishers`` does.

    :param node: the tool's rclpy node (asked, and left out).
    :param listed: ``[(name, namespace)]`` as ``get_node_names_and_namespaces`` gives, or
        None to ask ``node`` now.
    :return: what :func:`answering_nodes` takes.
    """
    from rclpy.node import NodeNameNonExistentError

    if listed is None:
        listed = node.get_node_names_and_namespaces()
    graph = []
    for name, ns in listed:
        if name == node.get_name():
            continue
        try:
            graph.append((f'{ns.rstrip("/")}/{name}',
                          node.get_publisher_names_and_types_by_node(name, ns),
                          node.get_subscriber_names_and_types_by_node(name, ns)))
        except NodeNameNonExistentError:  # it left the graph meanwhile
            continue
    return graph


def answering_nodes(graph):
    """Return the clip_perception nodes of ``graph`` and the topics they take commands on.

    A node of this package is told by what it publishes, not by its name: a launch
    namespace (``/robot1/clip_perception``), ``clip_perception_cameras``' per-camera
    namespaces and ``-r __node:=...`` all rename it, and the tool, sent to
    ``/clip_perception`` by default, found no subscriber and said only "is the node
    running" (ros2/ros2#1322, septentrio_gnss_driver#107: a node's topics are where its
    namespace puts them, and users look for them elsewhere).

    :param graph: ``[(node, publishers, subscriptions)]``: each node's fully qualified
        name and its ``[(topic, [type, ...])]`` as ``get_*_names_and_types_by_node`` give.
    :return: ``[(node, [command topic, ...])]``, by name, of the nodes that publish
        ``<node>/detection_json`` as ``std_msgs/msg/String``; their command topics are
        their ``std_msgs/msg/String`` subscriptions.
    """
    string = 'std_msgs/msg/String'
    out = []
    for name, published, subscribed in sorted(graph):
        if any(t == f'{name}/detection_json' and string in types for t, types in published):
            out.append((name, sorted({t for t, types in subscribed if string in types})))
    return out


def other_nodes_hint(found):
    """Say which ``--node`` (and ``--topic``) reach the nodes :func:`answering_nodes` found.

    :param found: its return value.
    :return: ``''`` when there are none, else a sentence to append, starting ``'; '``.
    """
    if not found:
        return ''
    ways = []
    for name, commands in found:
        way = f'--node {name}'
        topic = commands[0] if commands else f'{name}/command'
        if topic != f'{name}/command':
            way += f' --topic {topic}'
        ways.append(way)
    nodes = ', '.join(f'{name} (commands on {", ".join(c) or "nothing"})' for name, c in found)
    return f'; clip_perception nodes in the graph: {nodes}: use {" or ".join(ways)}'


def domain_hint(environ):
    """Say which DDS domain the tool looked in, for a graph with no clip_perception node.

    Two shells on different ``ROS_DOMAIN_ID`` (the README's quick start exports one in
    each) never see each other, and the tool only said "is the node running" of a node
    that was (ros2/ros2#1322's kind: where the user looks is not where the node is).

    :param environ: the environment (``os.environ``).
    :return: a sentence to append, starting ``'; '``.
    """
    where = 'ROS_DOMAIN_ID ' + (environ.get('ROS_DOMAIN_ID', '').strip() or '0 (unset)')
    for name in DISCOVERY_SETTINGS:
        value = environ.get(name, '').strip()
        if value:
            where += f', {name}={value}'
    return (f'; no clip_perception node in the graph on {where}: start one, or export the '
            "same ROS_DOMAIN_ID (and discovery settings) in this shell as in the node's")


# The environment that decides which peers a ROS 2 process discovers beside its domain:
# the discovery range and static peers (Iron and later), and ROS_LOCALHOST_ONLY, which
# Jazzy still honours though deprecated (docs.ros.org/en/jazzy, "Improved Dynamic
# Discovery"; ros2/rcl#1023).
DISCOVERY_SETTINGS = ('ROS_AUTOMATIC_DISCOVERY_RANGE', 'ROS_STATIC_PEERS',
                      'ROS_LOCALHOST_ONLY')


# Exit status by the status of the node's answer; any other status is an answer (0).
EXIT_REJECTED = 2
EXIT_SUPERSEDED = 3
EXIT_NOT_FOUND = 4  # --require-found, and the answer is not found
_EXIT_BY_STATUS = {'rejected': EXIT_REJECTED, 'superseded': EXIT_SUPERSEDED}


def _report(answer, require_found=False):
    """Print the answer (stdout) or why the command was not taken (stderr); exit status.

    ``superseded`` (another command replaced it before a frame answered it) and
    ``rejected`` (the node cannot use it) are failures of the command, not answers to
    it: before, both printed and exited 0, so a script went on as if the node looked
    for its object while it looked for another, or for nothing new.

    :param answer: one ``~/detection_json`` object (dict) whose ``command`` is ours.
    :param require_found: ``--require-found``: an answer other than ``found`` is
        :data:`EXIT_NOT_FOUND` (printed, then named on stderr).
    :return: 0, :data:`EXIT_REJECTED`, :data:`EXIT_SUPERSEDED` or :data:`EXIT_NOT_FOUND`.
    """
    code = _EXIT_BY_STATUS.get(answer.get('status'), 0)
    if code:
        print(f'command not taken: {_describe(answer)}', file=sys.stderr)
        return code
    print(_describe(answer))
    if require_found and answer.get('status') != 'found':
        print(f'--require-found: the answer is {answer.get("status")}, not found',
              file=sys.stderr)
        return EXIT_NOT_FOUND
    return 0


def _describe(answer):
    """One line per fact of a ``~/detection_json`` answer."""
    lines = [f'{answer["status"]}: {answer.get("reason", "")}']
    if answer.get('position') is not None:
        x, y, z = answer['position']
        lines.append(f'position ({x:.3f}, {y:.3f}, {z:.3f}) m in "{answer.get("frame_id")}"')
    chosen = answer.get('chosen')
    if chosen:
        box = ', '.join(f'{v:.0f}' for v in chosen['box'])
        lines.append(f'box ({box}) px, confidence {chosen["confidence"]:.2f}')
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
