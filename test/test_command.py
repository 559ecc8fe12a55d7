"""``clip_perception_command``: send a command without the ros2 CLI, print the answer.

A fresh user of the pip ``.venv`` set-up (no ``ros2`` CLI) had no way to send a command
that did not lose it to discovery; the tool waits for the node's subscription, publishes
once and prints the answer, against the running node over DDS.
"""

import os
import subprocess
import time

from test_field_inputs import publish

from clip_perception.tools.command import main
from conftest import BIN
from test_node import bring_up


def _tool(*args):
    return subprocess.Popen([os.path.join(BIN, 'clip_perception_command'), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_command_is_sent_once_matched_and_its_answer_printed(probe, start_node):
    node, camera, scene = bring_up(probe, start_node)  # not remapped: /command
    tool = _tool('please pick up the red ball', '--topic', '/command', '--timeout', '30')
    end = time.monotonic() + 60
    while tool.poll() is None and time.monotonic() < end:
        publish(camera, scene)
        time.sleep(0.25)
    out, err = tool.communicate(timeout=10)
    assert tool.returncode == 0, (out, err, node.output())
    assert out.startswith('found: ') and 'red ball' in out and 'position (' in out, out
    assert 'command set to "please pick up the red ball"' in node.output()
    assert node.stop() == 0


def test_no_subscriber_and_an_unusable_command_fail_with_the_reason(ros):
    tool = _tool('the red ball', '--topic', '/nobody/listens', '--timeout', '1')
    out, err = tool.communicate(timeout=30)
    assert tool.returncode == 1 and 'no subscriber on /nobody/listens' in err, (out, err)
    assert main(['   ']) == 2
    assert main(['the red ball', '--topic', 'bad topic']) == 2
    assert main(['the red ball', '--node', '/bad..name']) == 2
