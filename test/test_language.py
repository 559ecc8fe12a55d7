"""Commands split into what CLIP scores and what geometry resolves."""

import pytest

from clip_perception.language import CommandError
from clip_perception.language import MAX_COMMAND_CHARS
from clip_perception.language import parse_command


@pytest.mark.parametrize('text, what, relation, size', [
    ('the red ball', 'red ball', None, None),
    ('Pick up the small blue mug on the left', 'blue mug', 'left', 'smallest'),
    ('grab the largest cup', 'cup', None, 'largest'),
    ('the nearest green cube!', 'green cube', 'nearest', None),
    ('the leftmost box', 'box', 'left', None),
    ('the yellow cone on the right side', 'yellow cone', 'right', None),
    ('find the farthest purple cylinder', 'purple cylinder', 'farthest', None),
    ('the ball at the bottom', 'ball', 'bottom', None),
    ('the object', 'object', None, None),
    ('the one in the middle', 'object', 'middle', None),
])
def test_parse(text, what, relation, size):
    q = parse_command(text)
    assert (q.what, q.relation, q.size) == (what, relation, size)


@pytest.mark.parametrize('bad', ['', '   ', '\t\n', '\x00\x01'])
def test_empty_commands_are_rejected_with_a_reason(bad):
    with pytest.raises(CommandError, match='empty'):
        parse_command(bad)


def test_overlong_command_is_rejected():
    with pytest.raises(CommandError, match='limit'):
        parse_command('red ball ' * MAX_COMMAND_CHARS)


def test_non_latin_and_emoji_pass_through():
    q = parse_command('the 赤い ball 🎾')
    assert 'ball' in q.what and '赤い' in q.what
