"""The README tells the truth about parameters, topics and entry points."""

import os
import re

from clip_perception.config import PARAMETERS
from conftest import REPO


def readme():
    with open(os.path.join(REPO, 'README.md')) as f:
        return f.read()


def test_parameter_table_matches_the_declared_parameters():
    rows = re.findall(r'^\| `(\w+)` \| `([^`]*)` \| (yes|no) \|', readme(), re.M)
    table = {name: (default, live) for name, default, live in rows}
    assert set(table) == {p.name for p in PARAMETERS}
    for p in PARAMETERS:
        default, live = table[p.name]
        expected = repr(p.default) if isinstance(p.default, str) else \
            str(p.default).lower() if isinstance(p.default, bool) else str(p.default)
        assert default == expected, p.name
        assert live == ('no' if p.read_only else 'yes'), p.name


def test_topics_and_commands_are_documented():
    text = readme()
    for topic in ('`image`', '`image/compressed`', '`camera_info`', '`depth`', '`command`',
                  '`~/target_pose`', '`~/target_poses`', '`~/detection_json`', '`~/detection`',
                  '`~/debug_image`', '`~/markers`', '`~/active_command`', '`/diagnostics`'):
        assert topic in text, topic
    with open(os.path.join(REPO, 'setup.py')) as f:
        scripts = re.findall(r"'(clip_perception_\w+) = ", f.read())
    for script in scripts:
        assert script in text, script
    assert 'bash scripts/demo.sh' in text and 'bash scripts/test.sh' in text
