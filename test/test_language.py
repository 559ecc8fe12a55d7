"""Commands split into what CLIP scores and what geometry resolves."""

import json
import os
import subprocess
import sys
import time

import pytest

from clip_perception.language import CANCEL_WORDS
from clip_perception.language import clean_command
from clip_perception.language import CommandError
from clip_perception.language import describe
from clip_perception.language import is_cancel
from clip_perception.language import MAX_COMMAND_CHARS
from clip_perception.language import MAX_SENT_CHARS
from clip_perception.language import not_a_command
from clip_perception.language import parse_command
from clip_perception.language import rejected_goal
from clip_perception.language import speaker_side_note
from clip_perception.language import unchecked_note
from clip_perception.language import unchecked_notes
from clip_perception.language import unread_fields
from clip_perception.language import unread_note


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


@pytest.mark.parametrize('bad', ['', '   ', '\t\n', '\u3000 '])
def test_empty_commands_are_rejected_with_a_reason(bad):
    with pytest.raises(CommandError, match='empty or only whitespace'):
        parse_command(bad)


@pytest.mark.parametrize('bad', ['\x00\x01', '\x1b[0m\x07', '\u200b\u200d', '\ufeff\u2060',
                                 '<br/>'])
def test_a_command_of_only_dropped_characters_is_refused_as_such_not_as_empty(bad):
    """Control, invisible and markup characters alone are no command, said as what they are.

    helper-70's trial: a command of control characters was refused as "empty or only
    whitespace", though it was neither; the reason now names what was sent (0 of 5 said so
    before, 5 of 5 now).
    """
    with pytest.raises(CommandError, match='holds no word') as err:
        parse_command(bad)
    assert ascii(bad)[:20] in str(err.value)


def test_overlong_command_is_rejected():
    with pytest.raises(CommandError, match='limit'):
        parse_command('red ball ' * MAX_COMMAND_CHARS)


@pytest.mark.parametrize('text', ['[' * 1000, '[' * 5000 + ']' * 5000,
                                  '{"command": ' * 1000 + '"the red ball"' + '}' * 1000,
                                  '{"args": "' + '[' * 1200 + '"}'])
def test_brackets_nested_past_the_recursion_limit_are_refused_not_raised(text):
    """JSON nested deeper than the interpreter recurses is refused as a command, not raised.

    helper-h139's trial: json raises RecursionError, not ValueError, past the recursion
    limit (notatallshaw/nab#1007), which every reading of the command let through, so the
    node's callback failed: no answer, and each such command counted towards the spin
    loop's limit of failures before the process exits (0 of 4 read before, 4 of 4 now).
    """
    assert is_cancel(text) is False
    assert not_a_command(text) is None
    with pytest.raises(CommandError, match='characters long'):
        parse_command(text)


@pytest.mark.parametrize('text', ['a' * 200_000, 'the red ball ' * 5000,
                                  '{"command": "' + 'the red ball ' * 5000 + '"}',
                                  'data:image/png;base64,' + 'iVBORw0KGgo' * 6000])
def test_a_command_far_longer_than_any_is_refused_unread_at_once(text):
    """A paste of tens of kB is refused for its length before it is read, in milliseconds.

    helper-h139's trial: each of is_cancel, not_a_command and clean_command read the whole
    text (wrappings, filler words, a typo check costing its length squared) before the
    length cap, 4-12 s of the node's executor for 65-200 kB on a loaded 2-core machine
    (0 of 4 under 1 s before, 4 of 4 now). A model's thinking of 15 kB before its answer
    is still read (below).
    """
    start = time.perf_counter()
    assert is_cancel(text) is False and not_a_command(text) is None
    with pytest.raises(CommandError, match=f'as sent; the limit is {MAX_SENT_CHARS}'):
        clean_command(text)
    assert time.perf_counter() - start < 1.0
    thought = '<think>' + 'The user wants the red ball, so I answer with it. ' * 300
    assert len(thought) < MAX_SENT_CHARS
    assert parse_command(thought + '</think>the red ball').what == 'red ball'


@pytest.mark.parametrize('text, read', [
    ('the red ball' + ' ' * 16000, 'the red ball'),
    ('\n' * 16000 + 'the red ball', 'the red ball'),
    ('a' + '\xa0' * 16000 + 'b', 'a b'), ('.' * 16000, None), ('\u2026' * 5000, None),
    ('so ' * 5000, None), ('okay ' * 3000, None), ('Thank you. ' * 1450, None),
    ('hey ' * 4000, None), ('no wait ' * 2000, None)])
def test_a_run_of_whitespace_punctuation_or_a_word_said_again_is_read_at_once(text, read):
    """Commands under the sent limit made of one thing said again are read in well under 1 s.

    helper-h159's brief: the readings before the length cap scanned a run of whitespace,
    of punctuation or of a word said again once for each place in it, so time grew with
    the run's length squared: "the red ball" padded with 16,000 spaces (a fixed-width
    field) held the node's executor 30 s at load 15, "a" 16,000 spaces "b" 45 s, 16 kB
    of "..." 5 s, "so so ..." 12 s (0 of 10 under 1 s before). Padding is read away as
    before; the rest is refused for its length (before: the same, or rejected as an
    acknowledgement or a greeting; the active command goes on either way).
    """
    start = time.perf_counter()
    assert is_cancel(text) is False
    if read is None:
        assert not_a_command(text) is None
        with pytest.raises(CommandError, match=f'the limit is {MAX_COMMAND_CHARS}$'):
            clean_command(text)
    else:
        assert not_a_command(text) is None and clean_command(text) == read
    assert time.perf_counter() - start < 1.0, text[:20]


@pytest.mark.parametrize('text', ['stop ' * 3000, 'Stop! ' * 2500, 'never mind ' * 1400,
                                  'emergency stop ' * 1000])
def test_a_cancel_said_over_and_over_past_the_command_limit_still_cancels(text):
    assert is_cancel(text) is True
    start = time.perf_counter()
    assert is_cancel(text + ' the red ball') is False  # refused for its length
    assert time.perf_counter() - start < 1.0


def _plan_of_steps(n):
    """Return a planner's JSON plan of ``n`` pick steps (``str``), as h144's trial sent."""
    return json.dumps({'steps': [{'action': 'pick', 'object': 'red ball'}] * n})


def test_commands_just_under_the_sent_limit_are_answered_in_well_under_a_second():
    """Commands of 14-16 kB as sent are answered (read or refused) in well under 1 s.

    helper-h144's trial (session 42): the filler words were dropped by ~200 regular
    expressions built on every call and run over the whole text, and is_cancel,
    not_a_command and clean_command each normalised the same text again; a planner's
    JSON of 340 steps (each step's verb read through the filler pass) cost 2.2-3.2 s of
    the node's executor, a 15 kB "action" sentence 0.9-1.1 s, 16 kB of prose 0.3-0.4 s
    at load 7-8; at load 15 the plan 6.3 s before, 0.36-0.46 s now, each of the four
    0.32-0.46 s (2 of 4 under 1 s at load 15 before, 4 of 4 now).
    """
    texts = [_plan_of_steps(340), json.dumps({'action': 'pick up the red ball ' * 700}),
             ('please pick up the red ball next to the blue cup, and then put it in the '
              'box. ' * 210)[:16000], ('the red ball ' * 1300)[:16000]]
    assert all(len(t) < MAX_SENT_CHARS for t in texts)
    for text in texts:
        start = time.perf_counter()
        assert is_cancel(text) is False and not_a_command(text) is None
        with pytest.raises(CommandError, match=f'the limit is {MAX_COMMAND_CHARS}$'):
            clean_command(text)  # each reads to more than a command's 512 characters
        assert time.perf_counter() - start < 1.0, text[:40]
    # The filler pass reads a step as before: each plan step's object is read.
    assert parse_command(_plan_of_steps(2)).what == 'red ball'


def test_non_latin_and_emoji_pass_through():
    q = parse_command('the 赤い ball 🎾')
    assert 'ball' in q.what and '赤い' in q.what


@pytest.mark.parametrize('text, what', [
    ('carefully pick up the red ball', 'red ball'),
    ('could you grab the blue mug', 'blue mug'),
    ('please fetch me the green cube, thanks', 'green cube'),
    ('I want you to gently pick up the yellow cylinder', 'yellow cylinder'),
    ('go ahead and pick up the white cone', 'white cone'),
    ('ＴＨＥ ＲＥＤ ＢＡＬＬ', 'red ball'),
    ('the ﬁrst-aid box', 'first aid box'),  # the "fi" ligature, NFKC
])
def test_filler_and_unicode_leave_the_object_phrase(text, what):
    q = parse_command(text)
    assert q.what == what and not q.decides and q.refused is None


@pytest.mark.parametrize('text, what, exclude', [
    ('the blue mug but not the red ball', 'blue mug', ('red ball',)),
    ('the ball, not the red one', 'ball', ('red ball',)),
    ('the cube except the green cube', 'cube', ('green cube',)),
    ('the mug other than the blue mug and the red mug', 'mug', ('blue mug', 'red mug')),
])
def test_negation_gives_phrases_to_exclude(text, what, exclude):
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused) == (what, exclude, None)


@pytest.mark.parametrize('text', ['not the red ball', 'anything except the cube',
                                  "don't pick the mug", 'anything but the blue mug'])
def test_negation_alone_is_refused_with_a_reason(text):
    q = parse_command(text)
    assert q.refused and 'not to pick' in q.refused and q.exclude


@pytest.mark.parametrize('text', ['?', 'it', 'the', 'that one', '-', 'pick it up please',
                                  '\U0001f534\U0001f9ca', '...!', 'grab that for me'])
def test_a_command_that_names_nothing_is_refused(text):
    # Field report: "?", an emoji or "that one" became the query "object" and picked
    # whatever looked most like one.
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused and text in q.refused


@pytest.mark.parametrize('text', ['', '   ', '\t\n', 'stop', 'Stop!', 'CANCEL.', 'none',
                                  'Nothing', 'never mind', 'Never-Mind!', 'nevermind',
                                  '  stop  ', 'ＳＴＯＰ', 'cancel?!',
                                  # Said in more words (field report: scored as objects).
                                  'Please stop.', 'Okay, stop it.', 'Stop now please',
                                  'please just stop', 'No, stop!', 'Cancel that.',
                                  'Cancel the command', 'Forget it.', 'forget about it',
                                  'Never mind that.', 'Nothing, thanks.', 'Abort!', 'halt',
                                  'stop stop stop', 'Stop. Stop.', 'Stop looking.',
                                  'stop looking for the red ball', 'Stop tracking the mug'])
def test_cancel_words_and_an_empty_command_cancel(text):
    # Field report: "" was refused on the command topic although the parameter takes ""
    # as idle, and "stop", "cancel", "nothing" were scored as objects ("nothing" came
    # back found, with a pose).
    assert is_cancel(text)
    if text.strip():
        q = parse_command(text)  # a `command` parameter set to "stop": never an object
        assert q.refused and 'cancels a command' in q.refused


@pytest.mark.parametrize('text', ['stop sign', 'nothing red', 'the stop sign',
                                  'none of the mugs', 'forget', 'find the stop sign',
                                  '?', '...!', '-', 'the red ball', 'stopper', 'okay',
                                  'thank you', 'please stop sign', 'Stop, the red ball.',
                                  '\x00\x01'])
def test_a_cancel_word_inside_a_command_or_punctuation_alone_does_not_cancel(text):
    # Only the whole command cancels; "?" stays refused as naming nothing (checked after),
    # control characters alone as empty.
    assert not is_cancel(text)
    if text.isprintable():
        assert 'cancels a command' not in (parse_command(text).refused or '')


def test_cancel_words_are_a_small_documented_set():
    assert CANCEL_WORDS == {'stop', 'cancel', 'abort', 'halt', 'none', 'nothing', 'never mind',
                            'nevermind', 'emergency stop', 'e stop', 'estop', 'pause',
                            'freeze', 'hold on', 'quit', 'exit', 'enough', 'that s enough',
                            'thats enough'}
    assert not is_cancel(None) and not is_cancel(b'stop')


@pytest.mark.parametrize('text, what, relation', [
    ('any object', 'object', None), ('anything', 'anything', None),
    ('the one in the middle', 'object', 'middle'), ('the object', 'object', None)])
def test_a_generic_word_or_a_deciding_word_is_still_a_command(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.refused) == (what, relation, None)


@pytest.mark.parametrize('text, what, link, ref', [
    ('the ball next to the mug', 'ball', 'next_to', 'mug'),
    ('the ball right next to the mug', 'ball', 'next_to', 'mug'),
    ('the cube behind the cylinder', 'cube', 'behind', 'cylinder'),
    ('the mug left of the red ball', 'mug', 'left_of', 'red ball'),
    ('the mug to the right of the red ball', 'mug', 'right_of', 'red ball'),
    ('the block on the tray', 'block', 'on', 'tray'),
    ('the can in front of the box', 'can', 'in_front_of', 'box'),
    ('the red ball that is near the green cube', 'red ball', 'next_to', 'green cube'),
    ('the cone under the shelf', 'cone', 'under', 'shelf'),
])
def test_relations_between_two_objects(text, what, link, ref):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what, q.relation) == (what, link, ref, None)


@pytest.mark.parametrize('text, relation', [
    ('the ball on the left', 'left'), ('the ball on top', 'top'),
    ('the near ball', 'nearest'), ('the ball in front', 'nearest'),
    ('the ball on the right side', 'right'),
])
def test_spatial_words_are_not_read_as_relations(text, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.link) == ('ball', relation, None)


def test_a_reference_keeps_its_own_spatial_word():
    q = parse_command('the red ball next to the mug on the left')
    assert q.link == 'next_to' and q.reference.what == 'mug'
    assert q.reference.relation == 'left' and q.relation is None


def test_two_objects_named():
    q = parse_command('the red ball and the blue mug')
    assert q.what == 'red ball' and [a.what for a in q.also] == ['blue mug']
    # Listed with punctuation (field report: "red ball blue mug" was scored as one phrase).
    for text in ('the red ball; the blue mug', 'the red ball, the blue mug',
                 'pick up the red ball;the blue mug', 'the red ball ; a blue mug'):
        q = parse_command(text)
        assert q.what == 'red ball' and [a.what for a in q.also] == ['blue mug'], text
    # The command stays as said (answers carry it; clip_perception_command matches on it).
    assert parse_command('The red ball; the blue mug').text == 'The red ball; the blue mug'
    q = parse_command('the red ball, the blue mug and the green cube')
    assert [q.what] + [a.what for a in q.also] == ['red ball', 'blue mug', 'green cube']
    # A comma between adjectives describes one object.
    q = parse_command('the big, red ball')
    assert q.what == 'red ball' and q.size == 'largest' and not q.also
    q = parse_command('grab the red ball and the blue mug on the right')
    assert q.also[0].relation == 'right' and q.relation is None


@pytest.mark.parametrize('text, what', [
    ('all the red balls', 'red ball'), ('every mug', 'mug'), ('both cubes', 'cube'),
    ('pick up all of the yellow boxes', 'yellow box'), ('the green cones', 'green cone'),
])
def test_plural(text, what):
    q = parse_command(text)
    assert q.plural and q.what == what


@pytest.mark.parametrize('text, what, count, plural', [
    ('the 2 red balls', 'red ball', 2, True), ('three red balls', 'red ball', 3, True),
    ('both cubes', 'cube', 2, True), ('both of the cubes', 'cube', 2, True),
    ('pick up 12 mugs', 'mug', 12, True), ('the two mugs on the left', 'mug', 2, True),
    ('all the red balls', 'red ball', None, True), ('1 red ball', 'red ball', None, False),
    # A number before a singular noun is part of its name, not a count.
    ('the 9 volt battery', '9 volt battery', None, False),
    ('the 5 cent coin', '5 cent coin', None, False), ('the 7up can', '7up can', None, False)])
def test_how_many_are_asked_for(text, what, count, plural):
    q = parse_command(text)
    assert (q.what, q.count, q.plural) == (what, count, plural)


def test_glass_is_not_plural():
    assert not parse_command('the glass').plural


@pytest.mark.parametrize('text, what, plural', [
    # helper-h130's brief: a word in -s is a plural by what it is, not by its ending (an
    # ending rule read "cases" as "cas", "knives" as "knive", "adidas" as "adida":
    # jaraco/inflect#159, NaturalNode/natural#598). Plurals of every spelling:
    ('the pencil cases', 'pencil case', True), ('all the vases', 'vase', True),
    ('the knives', 'knife', True), ('every shelf', 'shelf', True), ('the shelves', 'shelf', True),
    ('the cookies', 'cookie', True), ('the potatoes', 'potato', True), ('the skis', 'ski', True),
    ('the menus', 'menu', True), ('the horses', 'horse', True), ('the purses', 'purse', True),
    ('the lenses', 'lens', True), ('the buses', 'bus', True), ('the bananas', 'banana', True),
    ('the remotes', 'remote', True), ('the hoodies', 'hoodie', True),
    ('all the red roses', 'red rose', True),
    # Singulars in -s, lower case (speech, a planner): kept, one object.
    ('the adidas shoe', 'adidas shoe', False), ('the lexus key', 'lexus key', False),
    ('the asics shoe', 'asics shoe', False), ('the swiss knife', 'swiss knife', False),
    ('the glass', 'glass', False), ('the lens', 'lens', False), ('the bus', 'bus', False),
    ('the canvas', 'canvas', False), ('the chess board', 'chess board', False),
    ('the thermos', 'thermos', False), ('the atlas', 'atlas', False),
    ('the nike shoe not the adidas one', 'nike shoe', False)])
def test_a_word_in_s_is_a_plural_by_the_lexicon_not_its_ending(text, what, plural):
    q = parse_command(text)
    assert (q.what, q.plural) == (what, plural), describe(q)
    assert all('adida ' not in e for e in q.exclude), describe(q)


@pytest.mark.parametrize('text, ordinal, relation', [
    ('the second cube from the left', 2, 'left'),
    ('the 3rd ball from the right', 3, 'right'),
    ('the first mug', 1, 'left'),
    ('the last cube', -1, 'left'),
    ('the second cube from the front', 2, 'nearest'),
    # Field report: past "fifth" the ordinal was dropped and "the 6th ball" answered the
    # only ball in view, found.
    ('the 6th ball', 6, 'left'),
    ('the sixth ball', 6, 'left'),
    ('the 10th mug from the right', 10, 'right'),
    ('the tenth cube', 10, 'left'),
    ('the 22nd cube', 22, 'left'),
])
def test_ordinals(text, ordinal, relation):
    q = parse_command(text)
    assert (q.ordinal, q.relation, q.plural) == (ordinal, relation, False)
    assert q.what in ('cube', 'ball', 'mug')


@pytest.mark.parametrize('text, what, relation', [
    # Field report: "closest to the camera" was a relation to an object called "camera",
    # grounded on whatever crop looked most like one: the far red ball was answered.
    ('the red ball closest to the camera', 'red ball', 'nearest'),
    ('the red ball nearest to the camera', 'red ball', 'nearest'),
    ('the red ball nearest to you', 'red ball', 'nearest'),
    ('the mug nearest you, please', 'mug', 'nearest'),
    ('the cup next to the robot', 'cup', 'nearest'),
    ('the mug farthest from the camera', 'mug', 'farthest'),
    ('the cube furthest away from me', 'cube', 'farthest'),
])
def test_the_viewer_as_reference_is_a_spatial_word(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.link, q.reference) == (what, relation, None, None)


@pytest.mark.parametrize('text, reference', [
    ('the ball near the camera bag', 'camera bag'),
    ('the red ball closest to the blue mug', 'blue mug'),
])
def test_an_object_named_after_the_viewer_is_still_an_object(text, reference):
    q = parse_command(text)
    assert q.link == 'next_to' and q.reference.what == reference


@pytest.mark.parametrize('text, what, relation', [
    # Field report: places said in the viewer's frame were objects or words of one.
    ('the red ball to your left', 'red ball', 'left'),              # "red ball your"
    ('the red ball on your right', 'red ball', 'right'),            # "on" an object "your"
    ("the ball on the robot's left", 'ball', 'left'),               # "on" a "robot"
    ("the mug at the camera's right", 'mug', 'right'),
    ('the ball on your left-hand side', 'ball', 'left'),
    ('the cube to the right of you', 'cube', 'right'),              # right_of "you"
    ('the ball on the left side of the image', 'ball', 'left'),     # left_of "image"
    ('the mug in the right half of the picture', 'mug', 'right'),   # "mug half picture"
    ('the ball on the left of the screen', 'ball', 'left'),
    ('the cup in the middle of the frame', 'cup', 'middle'),
    ('the ball on the right side of the table', 'ball', 'right'),   # right_of "table"
    ('the ball in the bottom left corner', 'ball', 'left'),         # "ball corner"
    ('the top-right mug', 'mug', 'right'),                          # "top right mug"
    ('the red ball in front of you', 'red ball', 'nearest'),        # in_front_of "you"
    ('the red ball before the camera', 'red ball', 'nearest'),
    ('the red ball directly in front', 'red ball', 'nearest'),      # "red ball directly"
    ('the cube straight ahead', 'cube', 'middle'),                  # "cube straight ahead"
    ('the red ball in the image', 'red ball', None),                # "red ball image"
    ('the blue mug in the picture', 'blue mug', None),
    ('the cube on camera', 'cube', None),
    ('the green cube you can see', 'green cube', None),             # "green cube you can"
    ('the red ball that you see on the left', 'red ball', 'left'),
    ('the red ball over there', 'red ball', None),                  # "red ball over"
    ('the blue mug over here', 'blue mug', None),                   # "on" an object "here"
    ('that red ball right there', 'red ball', None),                # the spatial word right
    ('the red ball right here', 'red ball', None),
    ('the red ball on the right there', 'red ball', 'right'),
])
def test_a_place_in_the_viewers_frame_is_a_spatial_word_or_nothing(text, what, relation):
    assert_no_link(text, what, relation)


def assert_no_link(text, what, relation):
    """``text`` names ``what`` with the spatial word ``relation`` (or None), and no link."""
    q = parse_command(text)
    assert (q.what, q.relation, q.link, q.reference) == (what, relation, None, None), \
        describe(q)


@pytest.mark.parametrize('text, what, link, reference', [
    ('the red ball on the left side of the blue mug', 'red ball', 'left_of', 'blue mug'),
    ('the ball to the left of the picture frame', 'ball', 'left_of', 'picture frame'),
    ('the cup in front of the camera bag', 'cup', 'in_front_of', 'camera bag'),
])
def test_a_place_beside_an_object_is_still_a_relation(text, what, link, reference):
    assert_link(text, what, link, reference)


def assert_link(text, what, link, reference):
    """``text`` names ``what`` related by ``link`` to the object ``reference``."""
    q = parse_command(text)
    assert (q.what, q.link) == (what, link) and q.reference.what == reference, describe(q)


@pytest.mark.parametrize('text, what, relation', [
    # Field report: a relation "on" an object "table", not_found with the mug on it.
    ('the blue mug on the table', 'blue mug', None),
    ('the green cube that is on the floor', 'green cube', None),
    ('the blue mug sitting on the desk', 'blue mug', None),
    ('the red ball lying on the ground', 'red ball', None),
    ('the cube on top of the table', 'cube', None),
    ('the yellow cylinder on the counter', 'yellow cylinder', None),
    ('the red ball on the table on the right', 'red ball', 'right'),
    ('the chess set on the table', 'chess set', None),
])
def test_the_surface_everything_stands_on_selects_nothing(text, what, relation):
    assert_no_link(text, what, relation)


@pytest.mark.parametrize('text, what, link, reference', [
    ('the cup on the tray', 'cup', 'on', 'tray'),
    ('the book on the shelf', 'book', 'on', 'shelf'),
    ('the ball under the table', 'ball', 'under', 'table'),
    ('the cup on the table lamp', 'cup', 'on', 'table lamp'),
])
def test_an_object_under_or_on_another_is_still_a_relation(text, what, link, reference):
    assert_link(text, what, link, reference)


def test_placing_on_the_table_is_still_a_destination():
    q = parse_command('put the red ball on the table')
    assert (q.what, q.link, q.destination) == ('red ball', None, ('on the table',))


@pytest.mark.parametrize('text, what', [
    ('can you see the red ball?', 'red ball'),
    ('do you see a blue mug', 'blue mug'),
    ('there is a red ball, get it', 'red ball'),
    ('here is the cube', 'cube'),
    ('the picture frame', 'picture frame'),
])
def test_asking_whether_it_is_seen_still_names_the_object(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what', [
    # Field report: an opening before a comma was an object of its own ("um" and "red
    # ball": not_found), "No, ..." a negation, and a wake phrase, a verb or a phone's
    # apostrophe stayed in what CLIP scored.
    ('Um, the red ball.', 'red ball'), ('Well, the red ball.', 'red ball'),
    ('Oh, the red ball', 'red ball'), ('Yes, the red ball.', 'red ball'),
    ('Actually, the blue mug.', 'blue mug'), ('No, the blue mug.', 'blue mug'),
    ('No no, the blue mug', 'blue mug'), ('So, um, the cube', 'cube'),
    ('Right, the cube', 'cube'), ('like, the red ball', 'red ball'),
    ('Okay Google, find the red ball', 'red ball'), ('Alexa, find the red ball', 'red ball'),
    ('Sorry, I meant the blue mug', 'blue mug'), ('pick up the, uh, red ball', 'red ball'),
    ('Alright, pick up the red ball.', 'red ball'), ('Detect the red ball.', 'red ball'),
    ('track the red ball', 'red ball'), ('Can you see the red ball?', 'red ball'),
    ('Do you see a red ball?', 'red ball'), ('search for a red ball', 'red ball'),
    ('where\u2019s the red ball?', 'red ball'), ("What's the red ball", 'red ball'),
    ('I\u2019d like the red ball', 'red ball'), ('Let\u2019s find the red ball', 'red ball'),
    ('the red ball please thank you very much', 'red ball'),
    # Words that only look like openings or verbs keep their meaning.
    ('the train track', 'train track'), ('a light show', 'light show'),
    ('the well', 'well'),
])
def test_what_a_voice_recogniser_writes_around_the_object_is_dropped(text, what):
    q = parse_command(text)
    assert q.what == what and not q.also and not q.exclude and not q.refused, describe(q)


def test_openings_keep_the_rest_of_the_command():
    assert parse_command('no red balls').exclude == ('red ball',)  # no comma: a negation
    q = parse_command('Right, the ball on the left')
    assert (q.what, q.relation) == ('ball', 'left')
    q = parse_command('the ball that\u2019s next to the mug')
    assert (q.what, q.link, q.plural) == ('ball', 'next_to', False)
    assert parse_command('No.').refused  # nothing left after the opening: names nothing


@pytest.mark.parametrize('text, kind', [
    # Field report: a voice front end's transcripts that ask for nothing replaced the
    # active command ("[BLANK_AUDIO]" became the object "blank_audio").
    ('[BLANK_AUDIO]', 'not speech'), ('(upbeat music)', 'not speech'),
    ('[ Silence ]', 'not speech'), ('*coughs*', 'not speech'),
    ('Thank you.', 'acknowledgement'), ('Thanks!', 'acknowledgement'),
    ('Great, thanks.', 'acknowledgement'), ('Okay.', 'acknowledgement'),
    ('Got it', 'acknowledgement'), ('Thanks for watching!', 'acknowledgement'),
    (' you', 'acknowledgement'), ('Um.', 'hesitation'),
])
def test_what_asks_for_nothing_is_not_a_command(text, kind):
    assert kind in not_a_command(text)
    assert parse_command(text).refused  # as a `command` parameter: never scored
    if kind == 'not speech':  # quoted as sent (helper-70: "[BLANK AUDIO]")
        assert f'"{" ".join(text.split())}"' in not_a_command(text)


@pytest.mark.parametrize('text, what', [
    ('[BLANK_AUDIO] pick up the red ball', 'red ball'), ('*coughs* the blue mug', 'blue mug'),
    ('the music box', 'music box'), ('the red ball (on the left)', 'red ball'),
    ('the good one', 'good'), ('thank you, the red ball', 'red ball'),
])
def test_commands_around_annotations_and_courtesy_are_commands(text, what):
    assert not_a_command(text) is None
    assert parse_command(text).what == what
    assert not_a_command('?') is None and not_a_command('') is None  # refused, cancelled


@pytest.mark.parametrize('text, what, fixed', [
    # OSA#137, #234, rosbridge_suite#161: UTF-8 read as Windows-1252 on the way.
    ('where\u00e2\u20ac\u2122s the red ball?', 'red ball', 'where\u2019s the red ball?'),
    ('the \u00e2\u20ac\u0153blue\u00e2\u20ac\x9d mug', 'blue mug', 'the \u201cblue\u201d mug'),
    ('the green cube\u00e2\u20ac\u00a6', 'green cube', 'the green cube...'),
    ('the cr\u00c3\u00a8me jar', 'cr\u00e8me jar', 'the cr\u00e8me jar'),
    # Not mojibake (no run, or one that does not read back as UTF-8): as sent.
    ('the caf\u00e9 mug', 'caf\u00e9 mug', 'the caf\u00e9 mug'),
    ('the red ball \u2014 where\u2019s it', 'red ball', 'the red ball \u2014 where\u2019s it'),
    ('\u00c3 \u00e2\u20ac the ball', '\u00e3 \u00e2 ball', '\u00c3 \u00e2\u20ac the ball'),
])
def test_utf8_read_as_windows_1252_is_read_back(text, what, fixed):
    # Before: "whereâ€™s the red ball?" was the object "whereâ tms red ball".
    assert clean_command(text) == fixed
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what, also', [
    # llama.cpp#6924, llamafile#630: an LLM's end-of-turn and chat template tokens.
    ('the red ball<|im_end|>', 'red ball', []),
    ('<|im_start|>assistant\nthe red ball<|im_end|>\n<|im_start|>user\nthe cube', 'red ball',
     []),
    ('<|start_header_id|>assistant<|end_header_id|>\n\nthe blue mug<|eot_id|>', 'blue mug',
     []),
    ('<start_of_turn>model\nthe green cube<end_of_turn>', 'green cube', []),
    ('<|assistant|>the red ball<|end|>', 'red ball', []),
    # transformers#32378, whisper.cpp#1919: Whisper's tokens, timestamps, segment times.
    ('<|startofprev|> the blue mug<|startoftranscript|><|en|><|transcribe|><|0.00|> the red '
     'ball<|2.00|><|endoftext|>', 'red ball', []),
    ('<|0.00|> the red ball<|2.00|><|2.00|> and the blue mug<|4.00|>', 'red ball',
     ['blue mug']),
    ('[00:00:00.000 --> 00:00:02.000]  the red ball.', 'red ball', []),
    ('[_BEG_] the red ball [_TT_150]', 'red ball', []),
    # Session 42 (h144): segment times in seconds (faster-whisper's README) and a
    # diariser's speaker tags (whisper.cpp#1031, whisperX#801, subsai#117, WebVTT's voice).
    # Before: "0.00" (plural) and "2.50s red ball"; "speaker red ball"; "speaker" and
    # "red ball"; "v bingham red ball"; "webvtt red ball"; "red ball speaker turn".
    ('[0.00s -> 2.50s]  the red ball', 'red ball', []),
    ('[12.34s -> 15.00s] the blue mug', 'blue mug', []),
    ('[00:01.000 -> 00:02.000] the red ball', 'red ball', []),
    ('[SPEAKER_00]: pick up the red ball', 'red ball', []),
    ('[00:00:00.000 --> 00:00:02.000]  (speaker 0) the red ball', 'red ball', []),
    ('(speaker ?) the green cube', 'green cube', []), ('(Speaker_01) the cube', 'cube', []),
    ('the red ball [SPEAKER_TURN]', 'red ball', []),
    ('1\n00:00:00,000 --> 00:00:02,000\n[SPEAKER_00]: the red ball', 'red ball', []),
    ('WEBVTT\n\n00:00.000 --> 00:02.000\n<v Roger Bingham>the blue mug', 'blue mug', []),
    ('[0.00s -> 2.50s]  [SPEAKER_00]: the red ball\n[2.50s -> 4.00s]  [SPEAKER_01]: the cube',
     'red ball', ['cube']),
    # Session 22: end and padding tokens of sequence models written bare, BERT's.
    ('the red ball <eos>', 'red ball', []), ('<bos>the blue mug<eos>', 'blue mug', []),
    ('[CLS] the red ball [SEP]', 'red ball', []), ('the cube <pad><pad>', 'cube', []),
    ('the red ball<eos>the cube', 'red ball', []), ('<unk> the red ball', 'red ball', []),
    # Not tokens: kept as before.
    ('the user manual', 'user manual', []), ('<speak>the red ball</speak>', 'red ball', []),
    ('find the <mask>', 'mask', []), ('the sep bin', 'sep bin', []),
    ('the bluetooth speaker', 'bluetooth speaker', []), ('the [speaker]', 'speaker', []),
])
def test_a_models_special_tokens_are_not_words_of_the_command(text, what, also):
    # Before: "red ball im end", "startoftranscript en transcribe red ball endoftext".
    assert not_a_command(text) is None and not is_cancel(text)
    q = parse_command(text)
    assert (q.what, [a.what for a in q.also], q.refused) == (what, also, None), q


@pytest.mark.parametrize('text', ['<|endoftext|>', '<|nospeech|>', '[00:00.000 --> 00:02.000]',
                                  '<|im_start|>assistant\n<|im_end|>', '[SPEAKER_00]:',
                                  '[0.00s -> 2.50s] (speaker 1)'])
def test_a_models_special_tokens_alone_are_not_a_command(text):
    assert 'special tokens' in not_a_command(text)
    assert not is_cancel(text)
    assert is_cancel('stop<|eot_id|>')


@pytest.mark.parametrize('text, what', [
    # neuml/txtai#920, lmstudio-bug-tracker#648: a thinking model's reasoning before its
    # answer; langchain#15586 ("AI:"), openai/evals#1797 ("Answer:"): a label before it.
    ('<think>\nThe user wants the blue mug moved? No, find it.\n</think>\n\nthe red ball',
     'red ball'),
    ('<thinking>the cube? no</thinking> the red ball', 'red ball'),
    ('They asked for the cube before.\n</think>\n\nthe green cube', 'green cube'),
    ('the blue mug <think>or is it the cube', 'blue mug'),
    ('<|im_start|>assistant\n<think>\nhmm\n</think>\n\nthe blue mug<|im_end|>', 'blue mug'),
    ('AI: the red ball', 'red ball'),
    ('Answer: the red ball', 'red ball'),
    ('Final answer: the green cube', 'green cube'),
    ('Assistant: find the red ball', 'red ball'),
    ('Target object: the blue mug', 'blue mug'),
    ('SPEAKER_00: the red ball', 'red ball'),
    # Not a label: kept as before.
    ('the red ball: on the left', 'red ball'),
])
def test_a_models_thinking_and_answer_label_are_not_words_of_the_command(text, what):
    assert not_a_command(text) is None
    q = parse_command(text)
    assert (q.what, q.also, q.exclude, q.refused) == (what, (), (), None), describe(q)


def test_a_models_thinking_alone_is_not_a_command_and_a_label_does_not_hide_a_cancel():
    for text in ('<think>the user wants the red', '<think>hmm</think>'):
        assert "language model's thinking" in not_a_command(text)
    assert is_cancel('<think>they want to stop</think>\n\nAnswer: stop')
    assert is_cancel('user: stop')


@pytest.mark.parametrize('text', [
    'stop the red ball', 'cancel the red ball', 'Cancel the red ball.', 'stop the red ball!',
    'Okay, stop the blue mug please', 'forget the cube', 'forget about the green cube',
    'abort the red ball now', 'stop tracking the red ball', 'cancel the red ball and the blue mug',
    'never mind the red ball', 'please cancel all the red balls', 'stop the stop sign',
    # Politeness or an acknowledgement after it asks for nothing new (session 41: these
    # were the object "object", any object posed).
    'never mind the red ball, thanks', 'never mind the red ball, thank you',
    'forget the red ball, okay?', 'forget about the cube, sorry', 'cancel the red ball, thanks',
    'never mind the red ball, please', 'stop the red ball - thanks', 'forget the t-shirt'])
def test_a_cancel_verb_with_an_object_phrase_cancels(text):
    # Field report: "stop the red ball" and "cancel the red ball" were scored as the red
    # ball, the opposite of what was meant. They cancel, whatever the active command is.
    assert is_cancel(text)
    assert 'cancels a command' in parse_command(text).refused


@pytest.mark.parametrize('text, what, exclude', [
    ('cancel the red ball and find the blue mug', 'blue mug', ()),
    ('stop the red ball, get the green cube', 'green cube', ()),
    ('Stop the red ball. Find the green cube!', 'green cube', ()),
    ('cancel the red ball and then look for the blue mug', 'blue mug', ()),
    ('stop looking for the red ball and find the blue mug', 'blue mug', ()),
    ('never mind the red ball, the blue mug', 'blue mug', ()),
    ('Stop, the red ball.', 'red ball', ()),
    ('Stop! The blue mug.', 'blue mug', ()),
    # A full stop or a dash after the cancelled object, a pronoun as the cancelled object
    # (session 41: "object"; "forget it, the blue mug" the objects "forget" and "blue mug").
    ('never mind the red ball. the blue mug', 'blue mug', ()),
    ('never mind the red ball. the blue one', 'blue ball', ()),
    ('forget the red ball - the blue mug', 'blue mug', ()),
    ('forget the red ball \u2014 the blue mug', 'blue mug', ()),
    ('forget it, the blue mug', 'blue mug', ()),
    ('forget that one - the green cube', 'green cube', ()),
])
def test_a_cancel_followed_by_a_new_request_is_that_request(text, what, exclude):
    assert not is_cancel(text)
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused, q.also) == (what, exclude, None, ())


@pytest.mark.parametrize('text, what, exclude', [
    ('Not that one, the blue mug.', 'blue mug', ()),
    ('No, not that one, the blue mug.', 'blue mug', ()),
    ('not it, but the green cube', 'green cube', ()),
    ('Not now, the red ball', 'red ball', ()),
    ('Not the red ball, the blue mug.', 'blue mug', ('red ball',)),
    ('Don\u2019t pick the red ball, pick the blue mug', 'blue mug', ('red ball',)),
    ('not the red ball; the green cube', 'green cube', ('red ball',)),
])
def test_a_negation_first_then_what_is_wanted_is_a_correction(text, what, exclude):
    # Field report: "Not that one, the blue mug." was refused: the negation took what
    # followed the comma. A pronoun excludes nothing: what it pointed at is not known.
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused, q.also) == (what, exclude, None, ())


@pytest.mark.parametrize('text, first, other', [
    ('the red ball or the starbucks one', 'red ball', {'what': 'starbucks ball'}),
    ('the ikea mug or the starbucks one', 'ikea mug', {'what': 'starbucks mug'}),
    ('the red ball or the big one', 'red ball', {'what': 'ball', 'size': 'largest'}),
    ('the red ball and the wooden one', 'red ball', {'what': 'wooden ball'}),
    ('the mug and the one on the left', 'mug', {'what': 'mug', 'relation': 'left'}),
    ('the mug or the other one', 'mug', {'what': 'other mug'}),
    ('the red balls or the tennis ones', 'red ball', {'what': 'tennis ball', 'plural': True}),
    ('the bag of chips or the other one', 'bag of chips', {'what': 'other bag'}),
    # As before: a colour's "one" (all the noun's words), "one" as a count, no "one".
    ('the tennis ball or the red one', 'tennis ball', {'what': 'red tennis ball'}),
    ('the red ball and one blue mug', 'red ball', {'what': 'blue mug'}),
    ('the red ball or the blue mug', 'red ball', {'what': 'blue mug'}),
])
def test_one_after_an_object_and_or_or_is_that_objects_noun(text, first, other):
    """"the red ball or the starbucks one": "one" is "ball", whatever word is before it.

    helper-h139's left-alone list (session 41): only a colour's "one" took the noun
    before it; "the red ball or the starbucks one" was the object "starbucks", "... or
    the big one" the largest of any object, "the mug and the one on the left" any object
    on the left (0 of 8 before, 8 of 8 now; the 3 controls as before).
    """
    q = parse_command(text)
    others = [describe(o) for o in q.also + q.alternatives]
    assert (q.what, others, q.refused) == (first, [other], None), describe(q)


@pytest.mark.parametrize('text, listed, offered', [
    ('the red ball, the blue mug and the green one', ['red ball', 'blue mug', 'green mug'], []),
    ('the red ball, the blue mug and the one on the left', ['red ball', 'blue mug', 'mug'],
     []),
    ('the red ball, the blue mug and the big one', ['red ball', 'blue mug', 'mug'], []),
    ('the red ball, the blue mug or the green one', ['red ball'], ['blue mug', 'green mug']),
    ('the red ball, the blue mug, or the cube', ['red ball'], ['blue mug', 'cube']),
    ('either the red ball, the mug or the cube', ['red ball'], ['mug', 'cube']),
    # As before: an appositive "one" after one object, and a correction.
    ('the ball, the red one', ['red ball'], []),
    ('the red ball, the blue one', ['red ball', 'blue ball'], []),
    ('the green cube, I mean the blue one', ['blue cube'], []),
])
def test_one_at_the_end_of_a_list_is_the_noun_of_the_object_before_it(text, listed, offered):
    """"the red ball, the blue mug and the green one": the green mug, not a green ball.

    helper-h144's left-alone list (session 42): "the ball, the red one" (an appositive) ran
    over the whole list, so the last "one" took the first object's noun (the green ball),
    and "... and the big one" the largest ball. A list that ends in "or" offers each of its
    objects: "the red ball, the blue mug or the green one" asked for the red ball and an
    object "blue mug or green ball". 6 of 6 lists wrong before, 0 now; 3 controls as before.
    """
    q = parse_command(text)
    assert [o.what for o in (q,) + q.also] == listed, describe(q)
    assert [o.what for o in q.alternatives] == offered, describe(q)


@pytest.mark.parametrize('text, what, pointed', [
    ('the cube. no, not that one', 'cube', 'that one'),
    ('the cube, not that one', 'cube', 'that one'),
    ('the red ball but not this one', 'red ball', 'this one'),
    ('the blue mug. Not it.', 'blue mug', 'it'),
])
def test_a_pronoun_said_with_not_after_the_object_is_named_as_not_checked(text, what, pointed):
    """"the cube. No, not that one": the cube, and the answer says "not that one" is unread.

    helper-h139's left-alone list (session 41): the pronoun was dropped without a word, so
    the node picked a cube again as if nothing had been said against it (0 of 4 named
    before, 4 of 4 now). Nothing is excluded: the node cannot tell what it pointed at.
    """
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused, q.unchecked) == (what, (), None, (f'not {pointed}',))
    note, = unchecked_notes(q)
    assert f'"not {pointed}" is not checked' in note and 'cannot tell which object' in note


@pytest.mark.parametrize('text, what, exclude, unchecked', [
    # The brief's three (helper-h147): the red cube was excluded, then an object "red".
    ('the cube, not that one, the red one', 'red cube', (), ('not that one',)),
    ('the cube. no, not that one, the red one', 'red cube', (), ('not that one',)),
    ('the cube. no, not the green one, the red one', 'red cube', ('green cube',), ()),
    # The same kind said otherwise: another mark, "but", no punctuation, another pronoun,
    # a place or a new noun as what is wanted, "no" said again.
    ('the cube, not that one - the red one', 'red cube', (), ('not that one',)),
    ('the cube (not that one, the red one)', 'red cube', (), ('not that one',)),
    ('the cube. No. Not that one. The red one.', 'red cube', (), ('not that one',)),
    ('the cube, not that one but the red one', 'red cube', (), ('not that one',)),
    ('the ball not that one the red one', 'red ball', (), ('not that one',)),
    ('the cube no not this one the red one', 'red cube', (), ('not this one',)),
    ('the cube, not it, the red one', 'red cube', (), ('not it',)),
    ('the cube, no, not that one, no, the red one', 'red cube', (), ('not that one',)),
    ('the red ball, not that one, the blue mug', 'blue mug', (), ('not that one',)),
])
def test_not_that_one_then_what_is_wanted_after_the_object_is_a_correction(text, what, exclude,
                                                                             unchecked):
    """"the cube, not that one, the red one": the red cube, "not that one" named unchecked.

    helper-h147's brief (helper-h144's left-alone list): the comma was read as "and", so
    everything after "not" was excluded: the red cube, the very object asked for; after
    "No," the object was "red" (its "one" took no noun). What follows "not that one" replaces
    the object said before it, keeping its noun; the pronoun names nothing to exclude
    (0 of 12 read so before, 12 of 12 now).
    """
    q = parse_command(text)
    assert (q.what, q.exclude, q.unchecked, q.also, q.refused) == \
        (what, exclude, unchecked, (), None), describe(q)


@pytest.mark.parametrize('text, what, exclude, size, relation', [
    ('not the green cube but the red one', 'red cube', ('green cube',), None, None),
    ("don't pick the green cube but the red one", 'red cube', ('green cube',), None, None),
    ('not the big mug but the small one', 'mug', (), 'smallest', None),
    ('not the mug on the left but the one on the right', 'mug', (), None, 'right'),
    # No noun said at all: the colour alone, the other colour excluded alone.
    ('not the green one but the red one', 'red', ('green',), None, None),
    ('not the blue one, the red one', 'red', ('blue',), None, None),
    ('the red one, not the green one', 'red', ('green',), None, None),
    ('the red one not the blue one', 'red', ('blue',), None, None),
    # As before: a noun of its own after "but".
    ('not the green cube but the red ball', 'red ball', ('green cube',), None, None),
])
def test_not_this_but_the_other_one_takes_the_noun_said(text, what, exclude, size, relation):
    """"not the green cube but the red one": the red cube, the green cube excluded.

    helper-h147's brief (corrections read opposite to intent): the object was "red" (its
    "one" took no noun), "not the big mug but the small one" excluded every mug and asked
    for the smallest of anything; with no noun said, "the red one, not the green one"
    excluded "green red" (the colour taken for a noun). 8 of 8 wrong before, 0 now.
    """
    q = parse_command(text)
    assert (q.what, q.exclude, q.size, q.relation, q.refused) == \
        (what, exclude, size, relation, None), describe(q)


@pytest.mark.parametrize('text, what, exclude, size, relation', [
    # The lead's left-alone list (session 43): "red" was scored alone, any red object.
    ('the red one instead of the green cube', 'red cube', ('green cube',), None, None),
    ('grab the green one rather than the red cube', 'green cube', ('red cube',), None, None),
    ('the blue one, not the red mug', 'blue mug', ('red mug',), None, None),
    ('red one not the green apple', 'red apple', ('green apple',), None, None),
    ('the red one that is not the green cube', 'red cube', ('green cube',), None, None),
    ('the red one instead of the blue coffee mug', 'red mug', ('blue coffee mug',), None,
     None),
    # A size or a place for "one", a size told apart in the exclusion.
    ('the big one instead of the small cube', 'cube', (), 'largest', None),
    ('the one on the left, not the red ball', 'ball', ('red ball',), None, 'left'),
    # "the other one" was refused as naming only what not to pick.
    ('the other one instead of the red cube', 'cube', ('red cube',), None, None),
    # Nothing lent: no noun said anywhere, or the bare noun excluded (maybe another object).
    ('the red one, not the green one', 'red', ('green',), None, None),
    ('the red one instead of the cube', 'red', ('cube',), None, None),
    ('the red ball instead of the blue ball', 'red ball', ('blue ball',), None, None),
])
def test_one_said_before_the_excluded_object_takes_its_noun(text, what, exclude, size,
                                                            relation):
    """"the red one instead of the green cube": the red cube, the green cube excluded.

    The reverse order of :func:`test_not_this_but_the_other_one_takes_the_noun_said`: the
    noun "one" stands for is said only in the exclusion after it (9 of 12 read otherwise
    before: "red", "blue", the largest "object", a refusal; 12 of 12 now).
    """
    q = parse_command(text)
    assert (q.what, q.exclude, q.size, q.relation, q.refused) == \
        (what, exclude, size, relation, None), describe(q)


@pytest.mark.parametrize('text, what, exclude, relation', [
    ('the red ball, no, the blue one, no, the green one', 'green ball', (), None),
    ('the green cube, no, the red one, no, the blue one', 'blue cube', (), None),
    ('the red ball. no wait. the blue one. actually the green one', 'green ball', (), None),
    ('the red ball, no, the blue one, sorry, the green one', 'green ball', (), None),
    ('the red ball, no, the blue mug, no, the green one', 'green mug', (), None),
    ('the red ball, no, the blue one. no, not the green one', 'blue ball', ('green ball',), None),
    # As before: each correction names its own object, or only a place.
    ('the mug, no, the cup, no, the bowl', 'bowl', (), None),
    ('the mug on the left, no, on the right, no, in the middle', 'mug', (), 'middle'),
])
def test_a_correction_said_again_corrects_the_one_before_it(text, what, exclude, relation):
    """"the red ball, no, the blue one, no, the green one": the green ball.

    helper-h147's brief (repeated corrections): the words before the last "no" were read
    as one phrase, so the answer was any ball with the green ball excluded, the one asked
    for (6 of 6 wrong before, 0 now; the 2 controls as before).
    """
    q = parse_command(text)
    assert (q.what, q.exclude, q.relation, q.also, q.refused) == \
        (what, exclude, relation, (), None), describe(q)


@pytest.mark.parametrize('text, what, plural', [
    ('the cube, no, the other one', 'other cube', False),
    ('the cube. no, the other one', 'other cube', False),
    ('the red cube. no, the other one', 'other red cube', False),
    ('the cube. no, the other ones', 'other cube', True),
    ('the cube, no, another one', 'another cube', False),
    # As before: an appositive's "sorry" and "I mean" took the noun already.
    ('the mug, sorry, the other one', 'other mug', False),
    ('the cube, I mean the other one', 'other cube', False),
])
def test_the_other_one_after_a_correction_is_another_of_that_noun(text, what, plural):
    """"the cube, no, the other one": another cube, as "the mug or the other one" is a mug.

    helper-h147's brief: after "no," the object was "other" (any object scored as the word
    "other"; 5 of 5 before, 0 now).
    """
    q = parse_command(text)
    assert (q.what, q.plural, q.refused) == (what, plural, None), describe(q)


@pytest.mark.parametrize('text', ['Not the red ball.', 'not that one', 'no red balls, please',
                                  'not the red ball, please'])
def test_a_negation_with_nothing_wanted_after_it_is_still_refused(text):
    assert 'only what not to pick' in (parse_command(text).refused or '') or \
        'names no object' in (parse_command(text).refused or '')


@pytest.mark.parametrize('text, what, destination', [
    ('put the red ball in the blue mug', 'red ball', ('in the blue mug',)),
    ('place the green cube on the blue mug', 'green cube', ('on the blue mug',)),
    ('pick up the red ball and put it in the blue mug', 'red ball', ('in the blue mug',)),
    ('Pick up the red ball. Then put it in the bin.', 'red ball', ('in the bin',)),
    ('grab the cube and place it on the tray', 'cube', ('on the tray',)),
    ('move the green cube next to the yellow cylinder', 'green cube',
     ('next to the yellow cylinder',)),
    ('put the blue mug to the left of the red ball', 'blue mug',
     ('to the left of the red ball',)),
    ('drop the ball into the bin', 'ball', ('into the bin',)),
    ('move the red ball to the left', 'red ball', ('to the left',)),
    ('take the red ball to the kitchen', 'red ball', ('to the kitchen',)),
    ('could you please set the mug on the table', 'mug', ('on the table',)),
    ('put the red ball in the box on the left', 'red ball', ('in the box on the left',)),
    ('put down the red ball', 'red ball', ()),
    ('put the red ball away', 'red ball', ()),
])
def test_a_pick_and_place_instruction_names_the_object_to_move(text, what, destination):
    # Field report: "put the red ball in the blue mug" was the object "put red ball blue
    # mug", "place the cube on the tray" the cube that is on the tray, and "move the red
    # ball to the left" the leftmost red ball. The destination is said, not looked for.
    q = parse_command(text)
    assert (q.what, q.destination, q.link, q.relation, q.refused, q.also) == \
        (what, destination, None, None, None, ())
    if destination:
        assert describe(q)['destination'] == list(destination)


@pytest.mark.parametrize('text, what, link', [
    ('pick up the cube on the tray', 'cube', 'on'),   # no placement verb: selects
    ('take the cup next to the sink', 'cup', 'next_to'),   # take ... next to: selects
    ('the push button', 'push button', None),   # a verb that is a noun's word
    ('the chess set on the board', 'chess set', 'on'),  # "on the table": no relation
])
def test_a_relation_without_a_placement_verb_still_selects(text, what, link):
    q = parse_command(text)
    assert (q.what, q.link, q.destination) == (what, link, ())


def test_both_objects_of_one_placement_and_steps_said_with_then():
    q = parse_command('put the red ball and the green cube in the blue mug')
    assert (q.what, [a.what for a in q.also], q.destination) == \
        ('red ball', ['green cube'], ('in the blue mug',))
    q = parse_command('the red ball, then the blue mug')
    assert (q.what, [a.what for a in q.also]) == ('red ball', ['blue mug'])
    assert parse_command('put it in the bin').refused  # the pronoun names nothing here


@pytest.mark.parametrize('text, what, relation, plural', [
    ('how far is the red ball?', 'red ball', None, False),
    ('how close is the red ball?', 'red ball', None, False),
    ('how far away is the blue mug', 'blue mug', None, False),
    ('focus on the red ball', 'red ball', None, False),
    ('keep an eye on the blue mug', 'blue mug', None, False),
    ('zoom in on the green cube', 'green cube', None, False),
    ('keep track of the yellow cylinder', 'yellow cylinder', None, False),
    ('keep the red ball in view', 'red ball', None, False),
    ('watch the red ball', 'red ball', None, False),
    ("I'm looking for the red ball", 'red ball', None, False),
    ('what is the position of the blue mug?', 'blue mug', None, False),
    ('give me the pose of the red ball', 'red ball', None, False),
    ('tell me the location of the blue mug', 'blue mug', None, False),
    ("the red ball's position", 'red ball', None, False),
    ('the red ball location', 'red ball', None, False),
    ('show me where the green cube is', 'green cube', None, False),
    ('red ball pls', 'red ball', None, False),
    ('the blue mug, thx', 'blue mug', None, False),
    ('find the red ball, if you can', 'red ball', None, False),
    ('how many red balls are there?', 'red ball', None, True),
    ('where is the farthest red ball?', 'red ball', 'farthest', False),
])
def test_asking_about_an_object_is_not_part_of_its_name(text, what, relation, plural):
    # Field report: "how far is the red ball?" was the relation farthest over "how red
    # ball" (a green cube answered), "focus on the red ball" a link from the object
    # "focus" (not_found), "red ball pls" the plural "red ball pl".
    q = parse_command(text)
    assert (q.what, q.relation, q.plural, q.link, q.refused) == \
        (what, relation, plural, None, None)


@pytest.mark.parametrize('text, what', [
    ('the position marker', 'position marker'), ('the depth sensor', 'depth sensor'),
    ('the focus ring', 'focus ring'), ('the watch', 'watch'),
])
def test_words_that_ask_stay_words_of_an_object_name(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, options', [
    ('the red ball or the blue mug', ['red ball', 'blue mug']),
    ('either the pink cube or the red ball', ['pink cube', 'red ball']),
    ('a green or yellow cylinder', ['green cylinder', 'yellow cylinder']),
    ('the red ball or else the cube', ['red ball', 'cube']),
    ('the red ball, or the blue mug on the left', ['red ball', 'blue mug']),
])
def test_objects_offered_with_or_are_alternatives(text, options):
    # Field report: one phrase "red ball or blue mug", which names nothing (not_found).
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.alternatives] == options and q.also == ()
    assert [o['what'] for o in [describe(q)] + describe(q)['alternatives']] == options


@pytest.mark.parametrize('text, listed, offered', [
    # Field report: each ran into one phrase naming nothing, or named "or blue mug".
    ('the red ball & the blue mug', ['red ball', 'blue mug'], []),
    ('red ball&blue mug', ['red ball', 'blue mug'], []),
    ('the green cube + the blue mug', ['green cube', 'blue mug'], []),
    ('the red ball\u3001the blue mug', ['red ball', 'blue mug'], []),      # CJK comma
    ('the red ball\u3001the blue mug\u3001the cube', ['red ball', 'blue mug', 'cube'], []),
    ('the red ball\u060c the blue mug', ['red ball', 'blue mug'], []),     # Arabic comma
    ('the red ball\u061b the blue mug', ['red ball', 'blue mug'], []),     # Arabic semicolon
    ('Pick up the red ball\u3002 Then put it in the blue mug\u3002', ['red ball'], []),
    ('the red ball\u061f', ['red ball'], []),
    ('yellow cylinder / blue mug', [], ['yellow cylinder', 'blue mug']),
    ('the cup/mug', [], ['cup', 'mug']),
    ('the purple cone and/or the blue mug', [], ['purple cone', 'blue mug']),
    ('the red ball AND/OR the cube', [], ['red ball', 'cube']),
])
def test_objects_listed_or_offered_with_symbols(text, listed, offered):
    q = parse_command(text)
    if listed:
        assert [q.what] + [a.what for a in q.also] == listed and not q.alternatives, describe(q)
    else:
        assert [q.what] + [a.what for a in q.alternatives] == offered and not q.also, \
            describe(q)


@pytest.mark.parametrize('text, listed', [
    # A list written with a separator symbol, as a chat UI, a table cell or a language
    # model writes one (langchain-ai/langchain#20434, grobidOrg/grobid#1524,
    # mozilla/zilla-slab#44): before, one phrase "red ball blue mug", which names nothing.
    ('the red ball | the blue mug', ['red ball', 'blue mug']),
    ('red ball|blue mug|green cube', ['red ball', 'blue mug', 'green cube']),
    ('the red ball || the blue mug', ['red ball', 'blue mug']),
    ('the red ball \u00a6 the blue mug', ['red ball', 'blue mug']),   # broken bar
    ('the red ball \u2022 the blue mug', ['red ball', 'blue mug']),   # bullet
    ('the red ball \u00b7 the green cube', ['red ball', 'green cube']),  # middle dot
    ('the red ball on the left | the blue mug', ['red ball', 'blue mug']),
])
def test_objects_listed_with_a_separator_symbol(text, listed):
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.also] == listed and not q.alternatives, describe(q)
    assert q.refused is None


@pytest.mark.parametrize('text, what', [
    ('| the red ball', 'red ball'),
    ('the red ball |', 'red ball'),
    ('\u2022 the red ball', 'red ball'),
])
def test_a_separator_symbol_with_one_object_lists_only_it(text, what):
    q = parse_command(text)
    assert q.what == what and not q.also and not q.alternatives, describe(q)


@pytest.mark.parametrize('text, what', [
    ('the mug w/o a handle', 'mug without handle'),
    ('the box w/ a lid', 'box with lid'),
    ('the 3+ mugs', 'mug'),  # no "and" between a number and nothing
])
def test_a_slash_or_plus_inside_an_object_name_lists_nothing(text, what):
    q = parse_command(text)
    assert q.what == what and not q.also and not q.alternatives, describe(q)


@pytest.mark.parametrize('text, what, relation', [
    # Field report: a second object "object" on the left, or an object "red".
    ('the red ball, the one on the left', 'red ball', 'left'),
    ('the ball, the one on the right', 'ball', 'right'),
    ('the ball, the red one', 'red ball', None),
    ('the mug - the blue one', 'blue mug', None),
    ('the cube \u2014 the green one', 'green cube', None),
    ('the red ball, the left one', 'red ball', 'left'),
    ('the red ball (the one on the left)', 'red ball', 'left'),
    ('the red ball, i.e. the one on the right', 'red ball', 'right'),
    ('pick up the mug, the blue one, and put it in the bin', 'blue mug', None),
])
def test_an_object_said_again_as_the_one_is_that_object(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.also) == (what, relation, ()), describe(q)


def test_the_one_after_a_named_property_is_another_object_of_that_noun():
    q = parse_command('the red ball, the blue one')
    assert [q.what] + [a.what for a in q.also] == ['red ball', 'blue ball'], describe(q)
    q = parse_command('the ball, the second one from the left')
    assert (q.what, q.ordinal, q.relation, q.also) == ('ball', 2, 'left', ()), describe(q)
    q = parse_command('the balls, the red ones')
    assert (q.what, q.plural) == ('red ball', True), describe(q)


@pytest.mark.parametrize('text', ['the oar', 'the door', 'the mug but not the red or blue one'])
def test_or_inside_a_word_or_a_negation_offers_nothing(text):
    assert parse_command(text).alternatives == ()


@pytest.mark.parametrize('text, what, link, metres', [
    ('the red ball 15 cm left of the blue mug', 'red ball', 'left_of', 0.15),
    ('the green cube 10cm to the right of the blue mug', 'green cube', 'right_of', 0.1),
    ('the blue mug 2 inches from the red ball', 'blue mug', 'next_to', 0.0508),
    ('the ball two feet to the left of the mug', 'ball', 'left_of', 0.6096),
    ('the box 30 cm in front of the can', 'box', 'in_front_of', 0.3),
    ('the red ball about 1 m away', 'red ball', None, 1.0),
    ('the red ball 90 cm from the camera', 'red ball', None, 0.9),
    ('the cup 0.3 m from me', 'cup', None, 0.3),
    ('the red ball at 0.8 m', 'red ball', None, 0.8),
])
def test_a_distance_said_with_a_relation_is_metres_not_words(text, what, link, metres):
    # Field report: "the mug 2 inches from the ball" was the object "mug 2 inches ball"
    # (not_found), "the red ball 0.70 m away" the object "red ball 0 70 m away", and a
    # distance with "left of" was a word of the object, never used.
    q = parse_command(text)
    assert (q.what, q.link, q.refused) == (what, link, None)
    assert q.distance == pytest.approx(metres) and describe(q)['distance_m'] == \
        pytest.approx(metres)


@pytest.mark.parametrize('text, what, link, metres', [
    # Numbers as a speech recogniser writes them without inverse text normalisation
    # (NVIDIA-NeMo/Speech#1370 "fifty five", cjpais/transcribe-rs#38, NVIDIA-NeMo/Speech
    # #3307) and units as abbreviated ("cms", "in."). Before: the object "red ball fifteen
    # centimeter" (plural), 5 cm beside an object "red ball twenty", two objects "ball"
    # and "half metres away", the object "red ball cm" ten of them.
    ('the red ball fifteen centimetres to the left of the blue mug', 'red ball', 'left_of',
     0.15),
    ('the red ball twenty-five cm left of the blue mug', 'red ball', 'left_of', 0.25),
    ('the red ball twenty five cm left of the blue mug', 'red ball', 'left_of', 0.25),
    ('the ball one and a half metres away', 'ball', None, 1.5),
    ('the mug one hundred and fifty millimetres from the ball', 'mug', 'next_to', 0.15),
    ('the red ball at eighty centimetres', 'red ball', None, 0.8),
    ('the red ball 10 cms left of the blue mug', 'red ball', 'left_of', 0.1),
    ('the red ball 4 in. left of the mug', 'red ball', 'left_of', 0.1016),
])
def test_a_distance_said_in_words_is_metres(text, what, link, metres):
    q = parse_command(text)
    assert (q.what, q.link, q.refused, q.also, q.count) == (what, link, None, (), None), \
        describe(q)
    assert q.distance == pytest.approx(metres), describe(q)


@pytest.mark.parametrize('text, what', [('the 10 cm cube', '10 cm cube'),
                                        ('the 2 m ladder', '2 m ladder')])
def test_a_size_in_an_object_name_stays_a_word(text, what):
    q = parse_command(text)
    assert (q.what, q.distance) == (what, None)


@pytest.mark.parametrize('text, whats', [
    ('the dr. pepper can', ['dr pepper can']),
    ('the j. crew bag', ['j crew bag']),
    ('the red ball?! and the cube', ['red ball', 'cube']),
    ('the red ball. Then the blue mug', ['red ball', 'blue mug']),
])
def test_a_sentence_break_lists_steps_but_an_abbreviation_is_none(text, whats):
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.also] == whats


@pytest.mark.parametrize('text, side', [
    ('the red ball on my left', 'left'),
    ('the red ball to my right', 'right'),
    ('the red ball on my right-hand side', 'right'),
    ('the red ball at my left hand side', 'left'),
    ('the red ball to the left of me', 'left'),
    ('the mug on the right of us', 'right'),
])
def test_the_speakers_own_side_is_the_image_side_and_says_so(text, side):
    # Field report: "on my left" was a relation "on" an object "my" (not_found), "to my
    # right" the object "red ball my". The speaker's side is read as the image's, and
    # the answer must say so: facing the robot it is the other side.
    q = parse_command(text)
    assert (q.relation, q.link, q.speaker_side) == (side, None, f'my {side}')
    assert q.what in ('red ball', 'mug') and describe(q)['speaker_side'] == f'my {side}'
    other = 'right' if side == 'left' else 'left'
    assert f"facing the robot it is the image's {other}" in speaker_side_note(q)


def test_a_side_of_the_viewer_or_image_is_no_speaker_side():
    for text in ('the red ball to your left', 'the red ball on the left',
                 'the red ball on the left side of the image'):
        q = parse_command(text)
        assert q.relation == 'left' and q.speaker_side is None
        assert speaker_side_note(q) is None


@pytest.mark.parametrize('text', ['3', '1', '0', '-1', '2.5', '1e3', 'true', 'False', 'TRUE',
                                  'off', 'null', '~', '"true"', ' 42 '])
def test_a_bare_number_or_truth_value_is_no_command(text):
    # Field report: "3" was three of any object, and `-p command:=true` (a YAML boolean,
    # taken as its text) the object "true". Neither names an object.
    why = not_a_command(text)
    assert why is not None and 'names no object' in why
    q = parse_command(text)
    assert q.refused is not None and q.count is None and not q.plural
    assert not is_cancel(text)


@pytest.mark.parametrize('text', ['the 3', '#2', 'both', 'the two please'])
def test_a_count_of_nothing_names_no_object(text):
    q = parse_command(text)
    assert q.refused is not None and 'names no object' in q.refused and q.count is None


@pytest.mark.parametrize('text, what, count', [
    ('3 mugs', 'mug', 3), ('the 2 red balls', 'red ball', 2), ('both cubes', 'cube', 2),
    ('3 objects', 'object', 3), ('the 9 volt battery', '9 volt battery', None),
    ('the true blue mug', 'true blue mug', None), ('the off switch', 'off switch', None)])
def test_a_number_or_truth_word_with_an_object_still_reads_as_before(text, what, count):
    q = parse_command(text)
    assert (q.what, q.count, q.refused) == (what, count, None)
    assert not_a_command(text) is None


@pytest.mark.parametrize('text, ordinal, relation', [
    ('the red ball #2', 2, 'left'), ('red ball # 1', 1, 'left'),
    ('the red ball no. 2', 2, 'left'), ('red ball number 3', 3, 'left'),
    ('the red ball nr. 2 from the right', 2, 'right'), ('the mug #2, please', 2, 'left'),
])
def test_a_number_after_the_object_says_which_one(text, ordinal, relation):
    # Field report: "the red ball #2" was the object "red ball 2" (ambiguous), "red ball
    # no. 2" a negation of the red ball (not_found).
    q = parse_command(text)
    assert (q.ordinal, q.relation, q.exclude, q.count) == (ordinal, relation, (), None)
    assert q.what in ('red ball', 'mug')


@pytest.mark.parametrize('text, what', [('the no. 2 pencil', 'number 2 pencil'),
                                        ('the 2x4 board', '2x4 board'),
                                        ('the x2 controller', 'x2 controller')])
def test_a_number_sign_or_multiplier_before_the_noun_is_a_word_of_it(text, what):
    q = parse_command(text)
    assert (q.what, q.ordinal, q.count, q.exclude, q.refused) == (what, None, None, (), None)


@pytest.mark.parametrize('text, count', [('red ball x2', 2), ('2x red ball', 2),
                                         ('red balls ×3', 3), ('the red ball x 2', None),
                                         ('3x blue mugs on the left', 3)])
def test_a_multiplier_says_how_many(text, count):
    # Field report: "red ball x2" and "2x red ball" were objects of those names.
    q = parse_command(text)
    if count is None:  # "x 2", apart: not a multiplier, and no count of the ball either
        assert q.count is None
        return
    assert (q.count, q.plural) == (count, True) and q.what in ('red ball', 'blue mug')


@pytest.mark.parametrize('text, whats', [
    ('the red ball\nthe blue mug', ['red ball', 'blue mug']),
    ('red ball\r\nblue mug\ngreen cube', ['red ball', 'blue mug', 'green cube']),
    ('- the green cube\n- the red ball\n', ['green cube', 'red ball']),
    ('1. the red ball\n2) the blue mug', ['red ball', 'blue mug']),
    ('The red ball.\nThe blue mug.', ['red ball', 'blue mug']),
    ('the red ball\n\n', ['red ball']),
    # SSML or HTML passed on by a voice front end or a chat bridge: the tags were words of
    # the object ("speak red ball speak", "p green cube p"); a <br> or <p> is a line.
    ('<speak>the red ball</speak>', ['red ball']),
    ('<speak>find the <emphasis level="strong">blue</emphasis> mug</speak>', ['blue mug']),
    ('<p>the green cube</p>', ['green cube']),
    ('the red ball<break time="500ms"/>', ['red ball']),
    ('the red ball &amp; the blue mug', ['red ball', 'blue mug']),
    ('the red ball<br/>the blue mug', ['red ball', 'blue mug']),
])
def test_objects_one_a_line_are_a_list_and_markup_is_dropped(text, whats):
    # Field report: the lines ran into one phrase ("red ball blue mug"): not_found.
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.also] == whats


@pytest.mark.parametrize('text, whats, exclude', [
    ('the%20red%20ball', ['red ball'], ()),
    ('pick%20up%20the%20red%20ball%21', ['red ball'], ()),
    ('pick+up+the+red+ball%21', ['red ball'], ()),
    ('%7B%22object%22%3A%22red%20ball%22%7D', ['red ball'], ()),
    ('the%20red%20ball%2C%20not%20the%20blue%20one', ['red ball'], ('blue ball',)),
    ('the%20red%20ball%20%26%20the%20blue%20mug', ['red ball', 'blue mug'], ()),
    # As before: a "%" that is no escape, or a text with spaces, is read as written.
    ('the 50% grey mug', ['50 grey mug'], ()),
])
def test_a_command_sent_percent_encoded_is_read_decoded(text, whats, exclude):
    """"the%20red%20ball" (a web UI's URL-encoded query parameter): the red ball.

    helper-h147's brief: a UI library that encodes every query parameter, through a bridge
    that does not decode it (RobotWebTools/web_video_server#177: topics arrived as
    "%2Fwrist_camera%2Fdepth"); the object was "20red 20ball", JSON read as "7b 22object
    22 ..." (6 of 6 wrong before, 0 now). The node's path reads it so too: "stop%21" cancels,
    "%5BBLANK_AUDIO%5D" is no command.
    """
    q = parse_command(clean_command(text))
    assert ([q.what] + [a.what for a in q.also], q.exclude, q.refused) == (whats, exclude, None)
    assert is_cancel('stop%21') and is_cancel('cancel%20that') and not is_cancel('the%20cube')
    assert 'not speech' in not_a_command('%5BBLANK_AUDIO%5D')
    assert 'left unfilled' in not_a_command('%7Btarget%7D')


GOOGLE_STT = json.dumps({'results': [{'alternatives': [
    {'transcript': 'pick up the red ball', 'confidence': 0.92},
    {'transcript': 'pick up the bread ball', 'confidence': 0.41}]}]})
VOSK_NBEST = json.dumps({'alternatives': [
    {'confidence': 312.4, 'text': 'pick up the red ball'},
    {'confidence': 301.9, 'text': 'pick up the bread ball'}]})


@pytest.mark.parametrize('text, what', [
    (GOOGLE_STT, 'red ball'),
    (VOSK_NBEST, 'red ball'),
    ('{"transcript": ["pick up the red ball", "pick up the bread ball"], "confidence": [0.92, '
     '0.41]}', 'red ball'),
    # What `rostopic echo` prints of the same message (jsk_3rdparty#411's own example form).
    ('transcript:\n  - pick up the red ball\nconfidence: [0.92]\n---', 'red ball'),
    ('transcript:\n- pick up the red ball\n- pick up the bread ball\nconfidence:\n- 0.92\n- 0.41',
     'red ball'),
    ("transcript: ['pick up the red ball', 'pick up the bread ball']\nconfidence: [0.92, 0.41]",
     'red ball'),
    # As before: one transcript under its key, and a YAML list of objects.
    ('{"transcript": "pick up the red ball", "confidence": 0.92}', 'red ball'),
])
def test_a_speech_recognisers_n_best_list_is_its_best_hypothesis(text, what):
    """Google's / Vosk's / jsk's n-best hypotheses of one utterance: the best one, alone.

    helper-h147's brief: the keys and scores were read as words (the object "results
    alternatives transcript red ball confidence 0.92 ..."), or each hypothesis as another
    object to find ("bread ball"); echoed as YAML, "transcript" was a word of the object (6
    of 6 wrong before, 0 now; 1 control as before). The node's path reads the same: an
    echoed "stop" cancels, an echoed "thank you" is no command.
    """
    q = parse_command(clean_command(text))
    assert (q.what, q.also, q.alternatives, q.refused) == (what, (), (), None), describe(q)
    assert is_cancel('transcript:\n- stop\nconfidence: [0.9]')
    assert not_a_command('transcript:\n- thank you\nconfidence: [0.9]') is not None


@pytest.mark.parametrize('text, what, destination', [
    ('pick(obj="red ball")', 'red ball', ()),
    ("robot.pick(obj='the red cube')", 'red cube', ()),
    ('{"action": "pick", "obj": "red ball"}', 'red ball', ()),
    ('{"obj_name": "blue mug"}', 'blue mug', ()),
    ('pick_and_place(obj="red ball", place="blue mug")', 'red ball', ('to the blue mug',)),
    # As before: the object's other keys.
    ('pick(object="red ball")', 'red ball', ()),
])
def test_obj_is_an_object_key_as_agents_skills_name_it(text, what, destination):
    """"pick(obj='red cube')", as an LLM agent calls its skill: the red cube.

    helper-h147's brief (LLM planners' function-call strings): "obj" was no key the node
    read, so 'pick(obj="red ball")' was refused as "pick" and '{"action": "pick", "obj":
    "red ball"}' was the object "action obj red ball" (5 of 5 before, 0 now).
    """
    q = parse_command(clean_command(text))
    assert (q.what, q.destination, q.refused) == (what, destination, None), describe(q)
    assert unread_fields(text) == ()


def test_a_line_break_keeps_a_cancel_and_an_acknowledgement():
    assert is_cancel('stop\n') and is_cancel('Stop.\nstop')
    assert not_a_command('Thank you.\n') is not None


@pytest.mark.parametrize('text, what, plural', [
    ('the 1/2 inch bolt', '1/2 inch bolt', False), ('the 3/4 inch pipe', '3/4 inch pipe', False),
    ('the 1.5 litre bottle', '1.5 litre bottle', False), ('the 0.5 m rod', '0.5 m rod', False),
    ('the 1,5 l bottle', '1,5 l bottle', False), ('the 2-litre bottle', '2 litre bottle', False),
    ('the 10mm bolt', '10mm bolt', False), ('the 5 cm cubes', '5 cm cube', True),
    ('the 10 mm bolts', '10 mm bolt', True), ('the 3 inch nails', '3 inch nail', True),
    ('the 12 oz cans', '12 oz can', True), ('the 9 volt batteries', '9 volt battery', True),
])
def test_a_measure_is_a_word_of_the_object_not_a_count(text, what, plural):
    # Field report: "the 1/2 inch bolt" was the object "2 inch bolt", "the 0.5 m rod" "0 5
    # m rod", "the 5 cm cubes" five cubes, "the 10 mm bolts" ten bolts.
    q = parse_command(text)
    assert (q.what, q.plural, q.count, q.ordinal, q.distance) == (what, plural, None, None,
                                                                  None)


# A fraction as one character or with the fraction slash, as a phone keyboard or an
# autocorrect writes it (NFKC gives "1⁄2" with U+2044): "the ½ inch cube" was the object
# "2 inch cube", "the 1½ inch ball" "11 2 inch ball"; and an ASCII fraction before a
# unit in a distance was its denominator ("the red ball 1/2 m away": 2 m, the object
# "red ball 1"); a mixed number lost its whole part ("1 1/2 inch" was "1/2 inch").
@pytest.mark.parametrize('text, what, metres', [
    ('the \u00bd inch cube', '1/2 inch cube', None),
    ('the \u00be inch mug', '3/4 inch mug', None),
    ('a \u00bc cup', '1/4 cup', None),
    ('the 1\u00bd inch ball', '1.5 inch ball', None),
    ('the 1 \u00bd inch ball', '1.5 inch ball', None),
    ('the 1 1/2 inch ball', '1.5 inch ball', None),
    ('the 1\u20442 inch cube', '1/2 inch cube', None),
    ('the 2 1/2 inch bolts', '2.5 inch bolt', None),
    ('the red ball 1/2 m away', 'red ball', 0.5),
    ('the red ball \u00bd m away', 'red ball', 0.5),
    ('the red ball 1 1/2 m away', 'red ball', 1.5),
    ('the ball at \u00bd m', 'ball', 0.5),
    ('the cup 1/2 inch left of the plate', 'cup', 0.0127),
    # Read as before: a date, a number that is no fraction, a whole distance.
    ('the 1/2/3 box', '1/2/3 box', None),
    ('the ball 1/0 m away', 'ball 1/0 m away', None),
    ('the red ball 2 m away', 'red ball', 2.0),
])
def test_a_fraction_however_written_is_its_value(text, what, metres):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)
    assert q.distance == (None if metres is None else pytest.approx(metres)), describe(q)


# Steps joined with an arrow, as a planner or a person typing a plan writes them: the
# objects ran into one ("red ball blue mug", not_found) and "\u2192" was dropped unsaid.
@pytest.mark.parametrize('text, whats', [
    ('the red ball -> the blue mug', ['red ball', 'blue mug']),
    ('red ball => blue mug', ['red ball', 'blue mug']),
    ('red ball --> blue mug', ['red ball', 'blue mug']),
    ('the red ball \u2192 the blue mug \u2192 the green cube',
     ['red ball', 'blue mug', 'green cube']),
    ('the red ball \u27a1\ufe0f the blue mug', ['red ball', 'blue mug']),
    ('the red ball \u2794 the blue mug', ['red ball', 'blue mug']),
    ('the red ball \u21d2 the blue mug', ['red ball', 'blue mug']),
    # Before or after all words: dropped.
    ('-> the red ball', ['red ball']), ('the red ball ->', ['red ball']),
    # Two arrows said as one (helper-h112: "red ball blue mug", not_found).
    ('the red ball \u2192 \u2192 the blue mug', ['red ball', 'blue mug']),
    ('the red ball -> -> the blue mug', ['red ball', 'blue mug']),
    ('the red ball ->\u2192 the blue mug -> ->', ['red ball', 'blue mug']),
    # Read as before: a hyphen, a dash, a bracket.
    ('the red-ball', ['red ball']), ('the <red> ball', ['red ball']),
])
def test_an_arrow_between_objects_is_a_next_step(text, whats):
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.also] == whats, describe(q)
    assert q.refused is None and q.symbols == ()


# A side said as a made-up or roundabout superlative (children, non-native speakers,
# RefCOCO's "furthest left guy"): "the leftest ball" was the object "leftest ball", "the
# ball more to the left" "ball more", "the ball furthest to the left" the left ball that
# is also farthest from the camera.
@pytest.mark.parametrize('text, parsed', [
    ('the leftest ball', {'what': 'ball', 'relation': 'left',
                          'read_as': [['leftest', 'leftmost']]}),
    ('the rightest ball', {'what': 'ball', 'relation': 'right',
                           'read_as': [['rightest', 'rightmost']]}),
    ('the lefter ball', {'what': 'ball', 'relation': 'left', 'read_as': [['lefter', 'leftmost']]}),
    ('the left-est ball', {'what': 'ball', 'relation': 'left',
                           'read_as': [['left-est', 'leftmost']]}),
    ('the toppest ball', {'what': 'ball', 'relation': 'top', 'read_as': [['toppest', 'topmost']]}),
    ('the ball more to the left', {'what': 'ball', 'relation': 'left'}),
    ('the more left ball', {'what': 'ball', 'relation': 'left'}),
    ('the ball more on the right', {'what': 'ball', 'relation': 'right'}),
    ('the ball more to the left of the mug', {'what': 'ball', 'link': 'left_of',
                                              'reference': {'what': 'mug'}}),
    ('the ball furthest to the left', {'what': 'ball', 'relation': 'left',
                                       'read_as': [['furthest to the left', 'leftmost']]}),
    ('the ball furthest left', {'what': 'ball', 'relation': 'left',
                                'read_as': [['furthest left', 'leftmost']]}),
    # Read as before: a distance from the camera, away from a side, English words.
    ('the furthest ball', {'what': 'ball', 'relation': 'farthest'}),
    ('the ball furthest from the left', {'what': 'ball', 'relation': 'right'}),
    ('the righteous ball', {'what': 'righteous ball'}),
    ('the lefty ball', {'what': 'lefty ball'}),
])
def test_a_side_said_as_a_made_up_superlative_is_that_side(text, parsed):
    assert describe(parse_command(text)) == parsed


# Letters decorated with combining marks, as "fancy text" generators write underline
# (U+0332), strikethrough (U+0336, U+0338) and "Zalgo" text: NFKC composes none of them,
# so "the ball" underlined was the object "b" (a plural) and a struck word a word of it.
@pytest.mark.parametrize('text, what', [
    ('the b\u0332a\u0332l\u0332l\u0332', 'ball'),
    ('the b\u0332all', 'ball'),
    ('the red ball\u0332', 'red ball'),
    ('the r\u0336e\u0336d\u0336 blue ball', 'blue ball'),  # struck whole: deleted
    ('the r\u0338e\u0338d\u0338 blue ball', 'blue ball'),
    ('the red\u0336 blue ball', 'red blue ball'),  # one letter struck: the mark dropped
    ('the r\u0334\u0315e\u035bd ball', 'red ball'),
    # Read as before: a composed accent, Markdown's strikethrough.
    ('the cafe\u0301 mug', 'café mug'),
    ('the ~~red~~ blue ball', 'blue ball'),
])
def test_letters_decorated_with_combining_marks_are_read_as_the_letters(text, what):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)


# A side said as "left hand side", "LHS" or "at the left side of": "hand" was a word of
# the object ("red ball hand"), "LHS" "lh" (a plural), "the right-hand red ball" "hand red
# ball" (without "the" it was read).
@pytest.mark.parametrize('text, parsed', [
    ('the red ball left hand side', {'what': 'red ball', 'relation': 'left'}),
    ('the red ball left-hand side', {'what': 'red ball', 'relation': 'left'}),
    ('the left hand side ball', {'what': 'ball', 'relation': 'left'}),
    ('the left-hand-side ball', {'what': 'ball', 'relation': 'left'}),
    ('the right-hand red ball', {'what': 'red ball', 'relation': 'right'}),
    ('the red ball LHS', {'what': 'red ball', 'relation': 'left'}),
    ('the red ball on the RHS', {'what': 'red ball', 'relation': 'right'}),
    ('the ball at the left hand side of the mug', {'what': 'ball', 'link': 'left_of',
                                                   'reference': {'what': 'mug'}}),
    ('the ball at the right side of the mug', {'what': 'ball', 'link': 'right_of',
                                               'reference': {'what': 'mug'}}),
    # Read as before: a hand that holds, the speaker's side.
    ('the ball in my left hand', {'what': 'ball', 'link': 'in',
                                  'reference': {'what': 'object', 'relation': 'left'}}),
    ('the ball on my right-hand side', {'what': 'ball', 'relation': 'right',
                                        'speaker_side': 'my right'}),
])
def test_a_side_said_as_hand_side_or_lhs_is_that_side(text, parsed):
    assert describe(parse_command(text)) == parsed


# A placing step that leaves its object out: the verb was an object ("place", "put",
# "drop into blue mug"), a second target.
@pytest.mark.parametrize('text, destination', [
    ('pick up the red ball and place in the blue mug', 'in the blue mug'),
    ('pick up the red ball and put in the blue mug', 'in the blue mug'),
    ('pick the red ball and drop into the blue mug', 'into the blue mug'),
    ('pick red ball then place in blue mug', 'in blue mug'),
    ('pick up the red ball and put down on the green cube', 'on the green cube'),
    ('grab the red ball and put down next to the yellow cylinder',
     'next to the yellow cylinder'),
    # Read as before: the object said, and "and" listing objects.
    ('pick up the red ball and place it in the blue mug', 'in the blue mug'),
])
def test_a_placing_step_that_leaves_its_object_out_places_the_object_named(text, destination):
    q = parse_command(text)
    assert (q.what, q.also, q.destination) == ('red ball', (), (destination,)), describe(q)


# A placing step whose boundary is a comma, an arrow or a bracketed call, or whose
# object has no determiner, or that has no verb (a reviewer's cases, helper-h108): read
# as "red ball place" on the cube, a second object "place blue mug", one object "red
# ball blue mug", a second object "and green cube".
@pytest.mark.parametrize('text, destination, also', [
    ('grab the red ball, place it on the green cube', 'on the green cube', ()),
    ('pick(red ball) -> place(blue mug)', 'to blue mug', ()),
    ('the red ball to the blue mug', 'to the blue mug', ()),
    ('move red ball to blue mug', 'to blue mug', ()),
    ('find the red ball and place it in the blue mug, then the green cube',
     'in the blue mug', ('green cube',)),
    # Of the same kind, other verbs and marks.
    ('pick up the red ball, put it in the blue mug', 'in the blue mug', ()),
    ('grab the red ball \u2192 drop it onto the green cube', 'onto the green cube', ()),
    ('pick the red ball => set it on the green cube', 'on the green cube', ()),
    ('take the red ball, bring it to the blue mug', 'to the blue mug', ()),
    ('put red ball into blue mug', 'into blue mug', ()),
    ('drop red ball onto green cube', 'onto green cube', ()),
    ('set red ball on the green cube', 'on the green cube', ()),
    ('the red ball into the blue mug', 'into the blue mug', ()),
    ('pick(red ball), place(blue mug)', 'to blue mug', ()),
    ("place('red ball', 'blue mug')", 'to blue mug', ()),
    ('robot.put_object("red ball", "green cube")', 'to green cube', ()),
    # A placing step with its destination straight after the verb, no preposition nor
    # determiner, as a planner's shorthand writes it (helper-h111's brief: "place blue
    # mug" was a second object).
    ('pick red ball -> place blue mug', 'to blue mug', ()),
    ('pick red ball then place blue mug', 'to blue mug', ()),
    ('pick red ball, put blue mug', 'to blue mug', ()),
    ('pick(red ball) -> place blue mug', 'to blue mug', ()),
])
def test_a_placing_step_said_without_and_moves_the_object_named(text, destination, also):
    q = parse_command(text)
    assert (q.what, tuple(a.what for a in q.also), q.destination) == (
        'red ball', also, (destination,)), describe(q)


def test_a_planners_steps_listed_as_calls_are_each_a_step():
    """"pick(a), place(b), pick(c), place(d)": two objects, each moved (helper-h108)."""
    q = parse_command('pick(red ball), place(blue mug), pick(green cube), place(blue mug)')
    # Each object keeps its own destination (helper-h111: the first had both).
    assert (q.what, tuple((a.what, a.destination) for a in q.also), q.destination) == (
        'red ball', (('green cube', ('to blue mug',)),), ('to blue mug',)), describe(q)
    q = parse_command('find(red ball), find(blue mug)')  # was one object "red ball blue mug"
    assert (q.what, tuple(a.what for a in q.also)) == ('red ball', ('blue mug',)), describe(q)


# Read as before: a relation, a side or an object whose words are placing verbs.
@pytest.mark.parametrize('text, what, link, relation', [
    ('the red ball closest to the blue mug', 'red ball', 'next_to', None),
    ('the red ball next to the blue mug', 'red ball', 'next_to', None),
    ('the red ball to the left', 'red ball', None, 'left'),
    ('push button on the left', 'push button', None, 'left'),
    ('put(red ball)', 'put red ball', None, None),
])
def test_a_relation_or_a_verb_word_without_a_step_is_read_as_before(text, what, link, relation):
    q = parse_command(text)
    assert (q.what, q.link, q.relation, q.destination) == (what, link, relation, ()), describe(q)


@pytest.mark.parametrize('text, what, count', [('the two 5 cm cubes', '5 cm cube', 2),
                                               ('3 mugs', 'mug', 3),
                                               ('um, the red ball mm', 'red ball', None)])
def test_a_count_beside_a_measure_still_counts(text, what, count):
    q = parse_command(text)
    assert (q.what, q.count) == (what, count)


def test_a_cancel_in_markup_cancels_and_a_lone_angle_bracket_stays():
    assert is_cancel('<speak>Stop!</speak>')
    assert parse_command('the cup < 5 cm').what == 'cup 5 cm'


@pytest.mark.parametrize('text, what, also', [
    ('the red red ball', 'red ball', []), ('the blue mug mug', 'blue mug', []),
    ('the red ball the red ball', 'red ball', []), ('The red ball. The red ball.', 'red ball', []),
    ('pick up pick up the cube on the left', 'cube', []),
    ('the red ball, the blue mug, the red ball', 'red ball', ['blue mug']),
    ('the yo-yo', 'yo yo', []), ('the red ball and the blue ball', 'red ball', ['blue ball']),
])
def test_words_a_recogniser_says_twice_are_said_once(text, what, also):
    # Field report (Whisper front ends repeat words and phrases): "the red red ball" was
    # scored as said, "The red ball. The red ball." two objects, the same ball twice.
    q = parse_command(text)
    assert (q.what, [a.what for a in q.also]) == (what, also)


@pytest.mark.parametrize('text, parsed', [
    ('the red colored ball', {'what': 'red ball'}),
    ('the blue-coloured mug', {'what': 'blue mug'}),
    ('the green colour cube', {'what': 'green cube'}),
    ('the ball colored red', {'what': 'red ball'}),
    ("the ball that's red", {'what': 'red ball'}),
    ('the mug which is blue', {'what': 'blue mug'}),
    ('the ball painted blue', {'what': 'blue ball'}),
    ('the ball which is red on the left', {'what': 'red ball', 'relation': 'left'}),
    ('the ball that is red next to the mug', {'what': 'red ball', 'link': 'next_to',
                                              'reference': {'what': 'mug'}}),
    ('the colour chart', {'what': 'colour chart'}),
    ('the cube that is on the tray', {'what': 'cube', 'link': 'on',
                                      'reference': {'what': 'tray'}}),
    ('the mug that is on the left', {'what': 'mug', 'relation': 'left'}),
])
def test_a_colour_said_apart_from_the_noun_goes_before_it(text, parsed):
    # Field report: "colored" was a word of the object ("blue coloured mug": not_found
    # with the bundled model) and "the ball that's red" the object "ball red".
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text, whats', [
    ('{"data": "the red ball"}', ['red ball']),
    ('{"command": "the blue mug on the left"}', ['blue mug']),
    ('{"op": "publish", "topic": "/clip_perception/command", "msg": {"data": "the cube"}}',
     ['cube']),
    ('"\\"the yellow cylinder\\""', ['yellow cylinder']),
    ('data: the red ball', ['red ball']),
    ("{data: 'the blue mug'}", ['blue mug']),
    ('Data: the green cube', ['green cube']),
    ('the red ball\\n', ['red ball']),
    ('the red ball\\nthe blue mug', ['red ball', 'blue mug']),
    ('["the red ball", "the blue mug"]', ['red ball', 'blue mug']),
    ('the caf\\u00e9 mug', ['café mug']),
])
def test_a_command_in_the_wrapping_it_travelled_in_is_taken_out(text, whats):
    # Field report (rosbridge_suite#767, LLM agents that publish JSON in the String): the
    # key and the braces were words of the object ("data red ball", "command blue mug").
    q = parse_command(text)
    assert [q.what] + [a.what for a in q.also] == whats


@pytest.mark.parametrize('text, what', [
    ('data: data: the red ball', 'red ball'),
    ("data: 'data: the red ball'", 'red ball'),
    ('{data: {data: the blue mug}}', 'blue mug'),
    ('data: {"data": "the green cube"}', 'green cube'),
    ('data: "{data: the blue mug}"', 'blue mug'),
    ('---\ndata: "the blue mug"\n...', 'blue mug'),  # `ros2 topic echo`, pasted
])
def test_a_command_wrapped_twice_or_as_topic_echo_prints_it_is_taken_out(text, what):
    # Field report: one JSON layer and one data: key were taken off, so a wrapper inside
    # a wrapper left "data: ..." and "data" was scored as a word of the object.
    assert parse_command(text).what == what
    assert not is_cancel(text) and is_cancel(text.replace(what, 'stop').replace('the ', ''))


def test_a_wrapped_cancel_cancels_and_text_that_only_looks_wrapped_stays():
    assert is_cancel('{"command": "stop"}') and is_cancel('data: stop')
    assert parse_command('{"command": "the red ball"}').text == 'the red ball'
    # Not a wrapping: a brace that is no JSON, a word "data" that is no key, a backslash
    # that escapes nothing. A mapping of an object's properties (its noun under "shape",
    # "type", "class") is that object (helper-79; "colour red shape ball" before).
    assert parse_command('{"colour": "red", "shape": "ball"}').what == 'red ball'
    # An object key is one it knows (session 18): the object, not the raw JSON.
    assert parse_command('{"object": "red ball", "side": "left"}').what == 'red ball'
    assert parse_command('the data cable').what == 'data cable'
    assert parse_command('the {red} ball').what == 'red ball'
    assert parse_command('the red\\ball').what == 'red ball'


@pytest.mark.parametrize('text, what', [
    ('red_ball', 'red ball'), ('the_blue_mug', 'blue mug'), ('green_cube_1', 'green cube'),
    ('pick up sports_ball', 'sports ball'), ('RedBall', 'red ball'), ('blueMug', 'blue mug'),
    ('the blue_mug_12', 'blue mug'), ('ball_2_red', 'red ball 2'),
])
def test_an_object_written_as_an_identifier_is_its_words(text, what):
    # Field report: a planner's "red_ball" or a class name "RedBall" was one unknown word
    # ("red_ball", "redball": not_found with the ball in view).
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what', [
    ('the iPhone', 'iphone'), ('the McDonald', 'mcdonald'),
    ('find the RedBall', 'redball'), ('the 3_4 bolt', '3 4 bolt'),
])
def test_a_capital_inside_a_word_of_a_sentence_is_no_identifier(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what', [
    ('the re\u00add ball', 'red ball'), ('the yel\u00adlow cylinder', 'yellow cylinder'),
    ('the gr\u200ceen cube', 'green cube'), ('the blue m\u2060ug', 'blue mug'),
    ('\ufeffthe red ball\u200e', 'red ball'), ('the red\u200bball', 'red ball'),
])
def test_characters_that_show_as_nothing_do_not_part_a_word(text, what):
    # Field report: a soft hyphen or a zero-width joiner pasted inside a word parted it
    # ("re d ball", "yel low cylinder"); a zero-width space still parts words.
    assert parse_command(text).what == what


def test_a_command_said_again_in_another_case_or_punctuation_is_the_same():
    # Field report: a voice front end's refined transcript ("The red ball.") replaced the
    # same command, dropping the tracked target each time.
    from clip_perception.language import clean_command
    from clip_perception.language import same_command
    assert same_command('the red ball', 'The red ball.')
    assert same_command('the red ball', clean_command('  THE RED BALL!  '))
    assert not same_command('the red ball', 'the blue ball')
    assert not same_command('', '...') and not same_command('', '')


@pytest.mark.parametrize('text, what, size, relation', [
    # Found trying phrasings (session 18): the part after "and" was listed as a second
    # object, "the smallest object" or "the object on the left", so the command asked for
    # two objects and answered not_found with the one described in view.
    ('the ball which is red and small', 'red ball', 'smallest', None),
    ('the ball that is small and red', 'red ball', 'smallest', None),
    ('the mug that is blue and big', 'blue mug', 'largest', None),
    ('the ball which is red and on the left', 'red ball', None, 'left'),
    ('the big ball that is red and on the right', 'red ball', 'largest', 'right'),
    ('the small and red ball', 'red ball', 'smallest', None),
    ('the cube and green', 'green cube', None, None),
])
def test_properties_joined_by_and_describe_one_object(text, what, size, relation):
    q = parse_command(text)
    assert (q.what, q.size, q.relation, q.also) == (what, size, relation, ()), describe(q)


@pytest.mark.parametrize('text, objects', [
    # The same "and" naming two objects: a determiner or "one" before the properties,
    # two colours, sizes or sides, or a noun of its own.
    # "one" is the ball (session 42, test_one_after_an_object...; it was "object").
    ('the red ball and the small one', [('red ball', None), ('ball', 'smallest')]),
    ('the red and blue balls', [('red ball', None), ('blue ball', None)]),
    ('the red and the blue ball', [('red ball', None), ('blue ball', None)]),
    ('the red ball and blue', [('red ball', None), ('blue ball', None)]),
    ('the small and the big ball', [('ball', 'smallest'), ('ball', 'largest')]),
    ('the ball that is red and the mug', [('red ball', None), ('mug', None)]),
    ('the red ball and the blue mug', [('red ball', None), ('blue mug', None)]),
    ('red and blue', [('red', None), ('blue', None)]),
])
def test_and_before_another_object_still_lists_it(text, objects):
    q = parse_command(text)
    assert [(p.what, p.size) for p in (q,) + q.also] == objects, describe(q)
    assert parse_command('the red and blue balls').also[0].plural


@pytest.mark.parametrize('text, what, plural', [
    # "something red" was the object "something red", "anything that is red" the object
    # "red anything", "any red ball" "any red ball": not_found with the bundled model.
    ('something red', 'red', False), ('something that is red', 'red', False),
    ('anything blue', 'blue', False), ('any red ball', 'red ball', False),
    ('whatever is green', 'green', False), ('everything red', 'red', True),
    ('something blue on the left', 'blue', False), ('any object', 'object', False),
    # Alone, an indefinite pronoun is still the command it was (scored as said).
    ('something', 'something', False), ('anything', 'anything', False),
])
def test_an_indefinite_pronoun_with_a_description_is_the_description(text, what, plural):
    q = parse_command(text)
    assert (q.what, q.plural, q.refused) == (what, plural, None), describe(q)


@pytest.mark.parametrize('text, what', [
    # A colour after the noun, as in a list or an inventory: "ball red" scored lower than
    # "red ball" for the red ball.
    ('the ball, red', 'red ball'), ('the ball (red)', 'red ball'),
    ('mug, dark blue', 'dark blue mug'), ('the ball the red one', 'red ball'),
    ('the orange juice', 'orange juice'), ('red', 'red'),
])
def test_a_colour_said_after_the_noun_is_said_before_it(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what, first, second', [
    # Session 18: "the ball between the mug and the cube" was the object "ball between
    # mug" and the object "cube" (not_found, or the cube posed).
    ('the ball between the mug and the cube', 'ball', 'mug', 'cube'),
    ('the red ball in between the blue mug and the green cube', 'red ball', 'blue mug',
     'green cube'),
    ('the ball between the two mugs', 'ball', 'mug', 'mug'),
    ('the ball between the mugs', 'ball', 'mug', 'mug'),
    ('pick up the cube between the red ball and the yellow ball please', 'cube',
     'red ball', 'yellow ball'),
])
def test_between_names_two_references(text, what, first, second):
    q = parse_command(text)
    assert (q.what, q.link, q.also) == (what, 'between', ()), describe(q)
    assert (q.reference.what, q.second_reference.what) == (first, second), describe(q)
    assert describe(q)['second_reference'] == {'what': second}


def test_between_leaves_the_other_ands_and_a_destination_alone():
    q = parse_command('the ball between the mug and the cube and the red cylinder')
    assert [a.what for a in q.also] == ['red cylinder'] and q.second_reference.what == 'cube'
    q = parse_command('put the ball between the mug and the cube')
    assert (q.what, q.link, q.also) == ('ball', None, ()), describe(q)
    assert q.destination == ('between the mug and the cube',)
    q = parse_command('the cube between the mug')  # one object named: next to it
    assert (q.link, q.reference.what, q.second_reference) == ('next_to', 'mug', None)


@pytest.mark.parametrize('text, what, reference', [
    # Session 18: "in" was filler, so "the ball in the mug" was the object "ball mug" and
    # "the pen in the cup" "pen cup" (a pen holder, to a real checkpoint).
    ('the ball in the mug', 'ball', 'mug'), ('the ball inside the bowl', 'ball', 'bowl'),
    ('the ball inside of the bowl', 'ball', 'bowl'), ('the pen in the cup', 'pen', 'cup'),
    ('the block within the tray', 'block', 'tray'),
])
def test_in_is_containment_in_a_named_object(text, what, reference):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what) == (what, 'in', reference), describe(q)


@pytest.mark.parametrize('text, what, relation', [
    # "in" before a place in the view, a colour or a pronoun is no containment.
    ('the ball in the middle', 'ball', 'middle'), ('the ball in the top left corner',
                                                   'ball', 'left'),
    ('the ball in the image', 'ball', None), ('the mug in red', 'red mug', None),
    ('the ball in the center of the table', 'ball', 'middle'), ('the ball in view', 'ball',
                                                                None),
    ('the ball in', 'ball', None),  # nothing after "in": raised IndexError at 75645c1
])
def test_in_before_a_place_or_a_colour_is_no_containment(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.link) == (what, relation, None), describe(q)
    assert parse_command('put the ball in the mug').destination == ('in the mug',)
    assert parse_command('the ball in front of the mug').link == 'in_front_of'


@pytest.mark.parametrize('text, what', [
    # Session 18's trial: a correction after the object it replaces posed the old object
    # ("the green cube no wait the red cube" even excluded the red cube).
    ('the green cube no wait the red cube', 'red cube'),
    ('the green cube, I mean the red cube', 'red cube'),
    ('the green- I mean red cube', 'red cube'),
    ('the green cube, sorry, the red cube', 'red cube'),
    ('the blue mug. no wait. the red ball', 'red ball'),
    ('the blue mug... actually no, the red ball', 'red ball'),
    ('the green cube, I mean the blue one', 'blue cube'),
    ('not the blue mug but the red ball', 'red ball'),
    ('no the blue mug', 'blue mug'),
])
def test_a_correction_after_the_object_replaces_it(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == (what, (), None), describe(q)
    assert what not in q.exclude


@pytest.mark.parametrize('text, what', [
    # Words that only look like corrections: kept as they were.
    ('the ball that is actually red', 'red ball'),
    ('the red ball, I mean the one on the left', 'red ball'),
    ('the red ball rather than the blue one', 'red ball'),
])
def test_words_that_only_look_like_corrections_change_nothing(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what, exclude, plural', [
    # Session 18's trial: "but", "non-" and "isn't" were words of the object, and the
    # cube they exclude was posed.
    ('every cube but the blue one', 'cube', ['blue cube'], True),
    ('all the cubes but the green one', 'cube', ['green cube'], True),
    ('any cube but green', 'cube', ['green cube'], False),
    ('the non-red cube', 'cube', ['red cube'], False),
    ('the non red cube on the left', 'cube', ['red cube'], False),
    ("a cube that isn't green or blue", 'cube', ['green cube', 'blue cube'], False),
    ('the cube that is not green and not blue', 'cube', ['green cube', 'blue cube'], False),
    ('the cube, not the green one, not the blue one', 'cube', ['green cube', 'blue cube'],
     False),
    # "but" before no object phrase excludes nothing; "nothing but" is "only".
    ('the ball but bigger', 'ball', [], False),
    ('nothing but the red ball', 'red ball', [], False),
])
def test_negations_inside_the_phrase_exclude_what_they_name(text, what, exclude, plural):
    q = parse_command(text)
    assert (q.what, list(q.exclude), q.plural) == (what, exclude, plural), describe(q)


@pytest.mark.parametrize('text, ordinal', [
    # Session 18's trial: counted from the left of "last cube"s, or not found.
    ('the second to last cube', -2), ('the second last cube', -2),
    ('the third from last cube', -3), ('the last but one cube', -2),
    ('the penultimate cube', -2), ('the next to last cube', -2),
    ('the one before last cube', -2), ('the last cube', -1),
    ('cube number two', 2), ('the cube number 3', 3),
])
def test_ordinals_from_the_end_and_in_words(text, ordinal):
    q = parse_command(text)
    assert (q.what, q.ordinal, q.relation) == ('cube', ordinal, 'left'), describe(q)


@pytest.mark.parametrize('text, what, size, relation', [
    # Session 18's trial: "of the two balls" was a count: both balls answered, the small
    # one first, for "the larger of the two balls".
    ('the larger of the two balls', 'ball', 'largest', None),
    ('the bigger of the two red balls', 'red ball', 'largest', None),
    ('the smaller of the red balls', 'red ball', 'smallest', None),
    ('the left one of the two balls', 'ball', None, 'left'),
    ('one of the cubes', 'cube', None, None),
])
def test_one_picked_of_several_is_one_object(text, what, size, relation):
    q = parse_command(text)
    assert (q.what, q.size, q.relation, q.plural, q.count) == \
        (what, size, relation, False, None), describe(q)


@pytest.mark.parametrize('text, what', [
    # Session 18's trial: a planner's tool call whose "command" is only the verb was
    # refused ("pick"); a chat model's preamble was scored ("sure ..."): not_found.
    ('{"command": "pick", "object": "green cube"}', 'green cube'),
    ('{"action": "grasp", "target": "the blue mug"}', 'blue mug'),
    ('{"command": "the red ball", "object": "cube"}', 'red ball'),
    ('Sure! Here is the command: "the red ball"', 'red ball'),
    ("Certainly, here's the object: the blue mug", 'blue mug'),
    ('OK, the target is: red ball', 'red ball'),
    ('the red ball: on the left', 'red ball'),  # text before a colon that is no preamble
    # A chat model's whole message or reply passed on (this session: "role assistant
    # content red ball", the object "function" of an OpenAI tool call, "assistant";
    # ggml-org/llama.cpp#14697, zeroclaw-labs/zeroclaw#10446).
    ('{"role": "assistant", "content": "the red ball"}', 'red ball'),
    ('[{"id": "call_1", "type": "function", "function": {"name": "detect", '
     '"arguments": "{\\"object\\": \\"blue mug\\"}"}}]', 'blue mug'),
    ('{"type": "function", "function": {"name": "pick", "arguments": {"target": '
     '"green cube"}}}', 'green cube'),
    ('{"role": "assistant", "content": null, "tool_calls": [{"type": "function", '
     '"function": {"name": "pick", "arguments": "{\\"object\\": \\"red ball\\"}"}}]}',
     'red ball'),
    ('{"choices": [{"index": 0, "message": {"role": "assistant", "content": "the blue '
     'mug"}}]}', 'blue mug'),
    ('{"message": {"role": "assistant", "content": "", "tool_calls": [{"function": '
     '{"name": "pick", "arguments": {"object": "red ball"}}}]}}', 'red ball'),
    ('{"type": "ball", "color": "red"}', 'red ball'),  # "type" as a noun, as before
    # The other vendors' envelopes, and a reply that talks beside its tool call (review of
    # 5a07909): Gemini's candidates/parts ("candidates content parts functioncall ..."
    # scored), OpenAI's Responses API output items, Anthropic's content blocks (the text
    # block's "Sure, looking." was read, the tool_use block's input not), an OpenAI
    # message whose content talks while its tool call names the object.
    ('{"candidates": [{"content": {"parts": [{"functionCall": {"name": "detect", "args": '
     '{"object": "red ball"}}}], "role": "model"}}]}', 'red ball'),
    ('{"candidates": [{"content": {"parts": [{"text": "the blue mug"}], "role": "model"}}]}',
     'blue mug'),
    ('{"output": [{"type": "function_call", "name": "detect", "arguments": '
     '"{\\"object\\": \\"green cube\\"}", "call_id": "c1"}]}', 'green cube'),
    ('{"output": [{"type": "message", "role": "assistant", "content": [{"type": '
     '"output_text", "text": "the red ball"}]}]}', 'red ball'),
    ('{"role": "assistant", "content": [{"type": "text", "text": "Sure, looking."}, '
     '{"type": "tool_use", "id": "t1", "name": "find", "input": {"object": "red ball"}}]}',
     'red ball'),
    ('[{"type": "text", "text": "Let me find it for you."}, {"type": "tool_use", "id": "t1", '
     '"name": "find", "input": {"object": "blue mug"}}]', 'blue mug'),
    ('{"role": "assistant", "content": "Let me look for it now.", "tool_calls": [{"type": '
     '"function", "function": {"name": "pick", "arguments": "{\\"object\\": \\"green '
     'cube\\"}"}}]}', 'green cube'),
    ('{"task": "detect", "object": "red ball", "output": "pose"}', 'red ball'),
    ('{"output": [{"type": "reasoning", "summary": [{"type": "summary_text", "text": '
     '"Looked at the scene first"}]}, {"type": "message", "content": [{"type": '
     '"output_text", "text": "the blue mug"}]}]}', 'blue mug'),
])
def test_a_tool_call_or_a_chat_reply_gives_the_object_it_names(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, link, unchecked', [
    # Session 18's trial: a second relation after "and" was a second object ("mug on the
    # right"), posed as a second target. One relation per object is tested; the other is
    # kept, as said, for the reason to name.
    ('the red ball left of the cube and right of the mug', 'left_of', ('right of the mug',)),
    ('the ball next to the mug and behind the cube', 'next_to', ('behind the cube',)),
])
def test_a_second_relation_of_one_object_is_no_second_object(text, link, unchecked):
    q = parse_command(text)
    assert (q.link, q.also, q.unchecked) == (link, (), unchecked), describe(q)
    # Another object after "and" is still listed.
    q = parse_command('the ball next to the mug and the cube')
    assert [a.what for a in q.also] == ['cube'] and q.unchecked == ()


@pytest.mark.parametrize('text, what, relation, link, reference', [
    # Session 18's left-alone list: a misspelt place word was an object ("the ball on the
    # rigth": a link "on" to the object "rigth", not_found).
    ('the ball on the rigth', 'ball', 'right', None, None),
    ('the ball on the lfet', 'ball', 'left', None, None),
    ('the rihgt mug', 'mug', 'right', None, None),
    ('the ball in the midle', 'ball', 'middle', None, None),
    ('the mug to the rihgt of the cube', 'mug', None, 'right_of', 'cube'),
    ('the cube behnid the mug', 'cube', None, 'behind', 'mug'),
    ('the red ball furhtest from the mug', 'red ball', None, 'far_from', 'mug'),
    # What a speech recogniser writes for "right", where a side is said.
    ('the mug on the write', 'mug', 'right', None, None),
    ('the ball to the write of the cube', 'ball', None, 'right_of', 'cube'),
])
def test_a_place_word_misspelt_by_one_typo_is_read_as_said(text, what, relation, link,
                                                           reference):
    q = parse_command(text)
    assert (q.what, q.relation, q.link, q.reference and q.reference.what) == \
        (what, relation, link, reference), describe(q)


@pytest.mark.parametrize('text, what', [
    # English words one typo from a place word are no typo of it.
    ('the light', 'light'), ('the loft bed', 'loft bed'), ('the bedside lamp', 'bedside lamp'),
    ('the night stand', 'night stand'), ('the fiddle', 'fiddle'), ('the frond', 'frond'),
    ('the closet door', 'closet door'), ('the write button', 'write button'),
])
def test_words_near_a_place_word_stay_as_said(text, what):
    q = parse_command(text)
    assert (q.what, q.relation, q.link) == (what, None, None), describe(q)


@pytest.mark.parametrize('text, what, link, reference', [
    # Session 18's left-alone list: "the ball on the cube's left" was "on" the cube.
    ("the ball on the cube's left", 'ball', 'left_of', 'cube'),
    ("the ball to the blue mug's right side", 'ball', 'right_of', 'blue mug'),
    ("the red ball at the mug's left-hand side", 'red ball', 'left_of', 'mug'),
    ("move to the ball on the cube's rigth", 'ball', 'right_of', 'cube'),
])
def test_a_side_said_as_the_references_is_left_or_right_of_it(text, what, link, reference):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what) == (what, link, reference), describe(q)
    # The viewer's side stays the viewer's.
    q = parse_command("the mug at the camera's right")
    assert (q.what, q.relation, q.link) == ('mug', 'right', None), describe(q)


@pytest.mark.parametrize('text, what, relation', [
    # Session 18's left-alone list: "what color is the mug?" was the object "what color
    # mug". The node finds the object; it does not name its colour.
    ('what color is the mug?', 'mug', None),
    ("what's the colour of the ball on the left", 'ball', 'left'),
    ('which colour is the cube', 'cube', None),
    ('what is the shape of the red object', 'red object', None),
    ('what size are the blue balls', 'blue ball', None),
])
def test_a_question_about_a_property_finds_the_object(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation) == (what, relation), describe(q)


@pytest.mark.parametrize('text, what, reference', [
    # Session 18's left-alone list: "the cup in my hand" was "in" the object "my".
    ('the cup in my hand', 'cup', None),
    ('pick up my red ball', 'red ball', None),
    ('the cup next to your mug', 'cup', 'mug'),
    ('their blue mug', 'blue mug', None),
])
def test_a_possessive_determiner_is_read_as_an_article(text, what, reference):
    q = parse_command(text)
    assert (q.what, q.reference and q.reference.what) == (what, reference), describe(q)
    # "on my left" is still the speaker's side.
    assert parse_command('the mug on my left').speaker_side == 'my left'


def test_counts_before_colours_count_the_noun_said_after_them():
    # Session 18's left-alone list: "two red and three blue balls" was "red two" and
    # three blue balls.
    q = parse_command('two red and three blue balls')
    assert [(o.what, o.count) for o in (q,) + q.also] == [('red ball', 2), ('blue ball', 3)]
    q = parse_command('the red and blue balls')
    assert [(o.what, o.count, o.plural) for o in (q,) + q.also] == \
        [('red ball', None, True), ('blue ball', None, True)]
    assert parse_command('ball_2_red').what == 'red ball 2'  # a name, not a count


@pytest.mark.parametrize('text, what, relation, exclude, unchecked', [
    # Session 18's left-alone list: "the ball not on the left" excluded "ball", the object
    # itself, and answered not_found. A place said with "not" is its opposite side.
    ('the ball not on the left', 'ball', 'right', (), ()),
    ("pick up the ball that isn't on the left", 'ball', 'right', (), ()),
    ('the cube not at the back', 'cube', 'nearest', (), ()),
    ('the ball on the right, not on the left', 'ball', 'right', (), ()),
    ('the mug but not the one on the left', 'mug', 'right', (), ()),
    ('the mug, not on the left but the right', 'mug', 'right', (), ()),
    # No opposite: kept as said, unchecked (the reason names it).
    ('the mug that is not in the middle', 'mug', None, (), ('not in the middle',)),
    # The first negation said splits the command (it was split at "and not" first: the
    # object "red ball not" and the exclusion "blue not").
    ('the red ball not on the left and not the blue one', 'red ball', 'right',
     ('blue ball',), ()),
])
def test_a_place_said_with_not_is_the_opposite_side(text, what, relation, exclude,
                                                    unchecked):
    q = parse_command(text)
    assert (q.what, q.relation, q.exclude, q.unchecked) == \
        (what, relation, exclude, unchecked), describe(q)


@pytest.mark.parametrize('text, listed', [
    # A table row copied from a spreadsheet reaches the clipboard as tab-separated values
    # (tabulapdf/tabula#40, kumo/sketch-mail-merge#4, davep/rogallo#33: a tab separates
    # list items): before, one phrase "red ball blue mug", which names nothing.
    ('the red ball\tthe blue mug', ['red ball', 'blue mug']),
    ('red ball\tblue mug\tgreen cube', ['red ball', 'blue mug', 'green cube']),
    ('red ball \t\t blue mug', ['red ball', 'blue mug']),                 # an empty cell
    ('the red ball\\tthe blue mug', ['red ball', 'blue mug']),            # a shell's "\t"
])
def test_objects_in_tab_separated_cells_are_a_list(text, listed):
    q = parse_command(clean_command(text))
    assert [q.what] + [a.what for a in q.also] == listed and not q.alternatives, describe(q)


def test_a_tab_around_one_object_or_a_cancel_changes_nothing():
    assert describe(parse_command(clean_command('\tthe red ball\t'))) == {'what': 'red ball'}
    assert is_cancel('stop\t')
    # A tab after a row's number is the number's space, as before.
    q = parse_command(clean_command('1.\tthe red ball\n2.\tthe blue mug'))
    assert [q.what] + [a.what for a in q.also] == ['red ball', 'blue mug'], describe(q)


@pytest.mark.parametrize('text, what, link, reference', [
    # A filler verb that also names a thing, after a determiner (the lead's left-alone
    # list: "the ball next to the lift" was the object "ball next", the reference gone;
    # spencermountain/compromise#983 and #102: a determiner before the word makes it a
    # noun).
    ('the ball next to the lift', 'ball', 'next_to', 'lift'),
    ('the blue mug left of the lift', 'blue mug', 'left_of', 'lift'),
    ('the cup in the hand', 'cup', 'in', 'hand'),
    ('the red pick', 'red pick', None, None),
    ('the guitar pick next to the mug', 'guitar pick', 'next_to', 'mug'),
])
def test_a_verb_that_names_a_thing_after_a_determiner_is_a_noun(text, what, link, reference):
    q = parse_command(text)
    assert (q.what, q.link, q.reference and q.reference.what) == (what, link, reference), \
        describe(q)


@pytest.mark.parametrize('text, what', [
    ('pick up the red ball', 'red ball'),
    ('lift the blue mug', 'blue mug'),
    ('hand me the red ball', 'red ball'),
    ('the red ball, pick it up', 'red ball'),
    ('lift up the green cube', 'green cube'),
    ('the cup in my hand', 'cup'),
])
def test_the_same_words_as_verbs_stay_filler(text, what):
    q = parse_command(text)
    assert (q.what, q.reference) == (what, None), describe(q)


@pytest.mark.parametrize('text, listed', [
    # A chat model's Markdown around its answer (huggingface/speech-to-speech#338:
    # "__bold__", "_italic_"; openclaw/openclaw#10485; Mintplex-Labs/anything-llm#5560:
    # links read with their URL). Before: the object "__the red ball__", "_red_ ball",
    # "red ball https example com" or'ed with "ball".
    ('__the red ball__', ['red ball']),
    ('the _red_ ball', ['red ball']),
    ('___the green cube___', ['green cube']),
    ('_red ball_ and _blue mug_', ['red ball', 'blue mug']),
    ('[the red ball](https://example.com/ball)', ['red ball']),
    ('![the blue mug](mug.png "a mug")', ['blue mug']),
    ('the [red ball][1]', ['red ball']),
    # Struck out by its writer (GitHub's strikethrough): withdrawn.
    ('~~the blue mug~~ the red ball', ['red ball']),
])
def test_markdown_around_the_words_is_dropped(text, listed):
    q = parse_command(clean_command(text))
    assert [q.what] + [a.what for a in q.also] == listed and not q.alternatives, describe(q)


@pytest.mark.parametrize('text, what', [
    ('the red_ball', 'red ball'),        # an identifier's underscores part words, as before
    ('blue_mug_2', 'blue mug'),
    ('~~the red ball~~', 'red ball'),    # struck text that is all there is stays
])
def test_underscores_inside_words_and_lone_struck_text_read_as_before(text, what):
    assert parse_command(clean_command(text)).what == what


@pytest.mark.parametrize('text', [
    # Session 19's trial: a cancel after the object ("the red ball, stop") posed the ball;
    # the rest were scored as objects.
    'the red ball, stop', 'the red ball stop', 'red ball stop stop', 'the red ball. Stop!',
    'the red ball, stop it now', 'emergency stop', 'e-stop', 'pause', 'Freeze!', 'hold on',
    'quit', 'exit', "that's enough", 'stopp', 'cancle', 'abrot'])
def test_a_cancel_at_the_end_or_said_otherwise_cancels(text):
    assert is_cancel(text)


@pytest.mark.parametrize('text', [
    'stop immediately', 'STOP IMMEDIATELY', 'Stop immediately!', 'halt immediately',
    'abort at once', 'please stop right away', 'Stop this instant!', 'stop straightaway',
    'cancel that straight away', 'stop it immediately', 'Stop, immediately!', 'stop asap',
    'pause immediately', 'freeze right there', 'stop right there',
    'the red ball, stop immediately', 'halt right away', 'stop as soon as possible'])
def test_a_cancel_said_with_how_soon_cancels(text):
    """How soon a stop is wanted says nothing of what to stop (helper-63).

    Before: 3 of 24 such stops cancelled; "STOP IMMEDIATELY" and "halt right away" were
    scored as the objects "stop immediately" and "halt away" (on the right) and the robot
    went on with the old command, as a voice assistant that matches "stop talking" to
    another intent (microsoft/botframework-solutions#1989).
    """
    assert is_cancel(text)
    assert 'cancels a command' in parse_command(text).refused  # as the parameter: idle


@pytest.mark.parametrize('text', [
    'pick up the red ball right now', 'get the red ball right away', 'the red ball, right now',
    'grab the red ball right this second', 'right now pick up the red ball',
    'right away, the red ball', 'the red ball, right away please',
    'pick up the red ball immediately', 'immediately grab the red ball', 'the red ball at once',
    'get the red ball straight away', 'the red ball this instant', 'the red ball for now',
    'the red ball as soon as possible', 'the red ball as fast as you can',
    'the red ball real quick', 'the red ball on the double', 'the red ball without delay',
    'the red ball instantly', 'the red ball quick', 'the red ball, fast!'])
def test_how_soon_is_no_word_of_the_object_nor_a_side(text):
    """How soon a command is wanted names nothing to look for (helper-63).

    Before: 0 of 24 such commands were read as "the red ball" alone: "right now" was the
    side right (beside two red balls the right one answered, not ``ambiguous``), "right
    away" the object "red ball away" on the right, "immediately", "at once", "as soon as
    possible" words of the object, "on the double" a relation to an object "double".
    """
    assert describe(parse_command(text)) == {'what': 'red ball'}


@pytest.mark.parametrize('text, what, relation', [
    ('the ball on the right now', 'ball', 'right'),      # "right" after "the" is a side
    ('the ball to your right now', 'ball', 'right'),
    ('the second ball from the right right now', 'ball', 'right'),
    ('the quick release clamp', 'quick release clamp', None),  # a word of a name
    ('the fast charger', 'fast charger', None),
])
def test_a_side_or_a_name_said_with_how_soon_words_stays(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation) == (what, relation), describe(q)


@pytest.mark.parametrize('text', [
    'the red ball or something', 'the red ball or whatever', 'the red ball and stuff',
    'the red ball etc', 'the red ball, etc.', 'the red ball et cetera', 'the red ball and so on',
    'the red ball or so', 'the red ball or something like that', 'the red ball or similar',
    'the red ball or anything like that', 'the red ball and whatnot', 'the red ball and things',
    'the red ball or something, please', 'um the red ball or something I guess',
    'the red ball and all that', 'the red ball or something along those lines'])
def test_a_vague_tail_after_the_object_is_no_object(text):
    """"or something", "and stuff", "etc." hedge the object said (helper-63).

    Before: 0 of 24 such commands were read as "the red ball" alone: "or something" offered
    an object "something" (a real checkpoint may find "something" anywhere), "and stuff"
    and "and so on" listed the objects "stuff" and "so" (``not_found`` with the object in
    view), "etc" was a word of the object.
    """
    assert describe(parse_command(text)) == {'what': 'red ball'}


@pytest.mark.parametrize('text, alternatives', [
    ('the red ball or something blue', ['blue ball']),   # a described object is offered
    ('the red ball or the blue mug', ['blue mug']),
])
def test_a_described_object_after_or_is_still_offered(text, alternatives):
    assert [a.what for a in parse_command(text).alternatives] == alternatives


@pytest.mark.parametrize('text', [
    'the red ball period', 'the red ball full stop', 'The red ball full stop.',
    'the red ball, full stop', 'where is the red ball question mark',
    'the red ball exclamation mark', 'the red ball exclamation point',
    'the red ball please period', 'um the red ball period thanks', 'the red ball comma please',
    'the red ball full stop thank you'])
def test_punctuation_said_as_words_is_read_as_the_mark(text):
    """A dictation engine that writes "period", "full stop" as words (helper-63).

    Azure-Samples/cognitive-services-speech-sdk#623 ("full stop" and "comma" written as
    words), human37/open-wispr#2. Before: 0 of 13 read as "the red ball" alone; "the red
    ball full stop" cancelled the active command, the others scored "red ball period",
    "red ball question mark"...
    """
    assert not is_cancel(text)
    assert describe(parse_command(clean_command(text))) == {'what': 'red ball'}


@pytest.mark.parametrize('text', [
    'the red ball comma the blue mug', 'the red ball period the blue mug',
    'the red ball new line the blue mug', 'the red ball semicolon the blue mug',
    'the red ball new paragraph the blue mug', 'the red ball period then the blue mug'])
def test_punctuation_said_as_words_between_objects_lists_them(text):
    """Before (helper-63): one phrase, "red ball comma blue mug"; 0 of 8 listed."""
    q = parse_command(clean_command(text))
    assert [q.what] + [a.what for a in q.also] == ['red ball', 'blue mug'], describe(q)


@pytest.mark.parametrize('text, what', [
    ('the period', 'period'), ('a comma', 'comma'), ('the full stop sign', 'full stop sign'),
    ('the question mark sign', 'question mark sign'), ('the comma shaped pasta',
                                                       'comma shaped pasta')])
def test_a_punctuation_word_after_a_determiner_is_a_noun(text, what):
    assert parse_command(clean_command(text)).what == what


def test_full_stop_said_alone_still_cancels():
    assert is_cancel('Full stop.') and is_cancel('stop full stop')


@pytest.mark.parametrize('text', [
    'you know the blue mug', 'the blue mug, you know', 'uh like the blue mug',
    'like, the blue mug', 'grab like the blue mug', 'the kind of blue mug', 'kinda the blue mug',
    'the blue mug lol', 'lol the blue mug', 'the blue mug haha', 'basically the blue mug',
    'literally the blue mug', 'pick up the blue mug again', 'the blue mug again please',
    'the blue mug btw', 'the blue mug, over', 'roger, the blue mug',
    'the blue mug, over and out', 'copy that, the blue mug', 'the blue mug, like, you know'])
def test_words_of_talk_that_name_nothing_are_dropped(text):
    """Discourse markers, chat and radio words around the object (helper-63).

    Before: 1 of 24 such commands read as "the blue mug" alone: "you know blue mug", "like
    blue mug", "kind blue mug", "blue mug lol", "blue mug again" (``not_found`` with the
    mug in view), "roger" a second object, "over and out" the objects "blue mug over" and
    "out".
    """
    assert describe(parse_command(text)) == {'what': 'blue mug'}


@pytest.mark.parametrize('text, what, link', [
    ('the lamp over the table', 'lamp', 'on'),   # "over" before an object is a relation
    ('the red ball, like, on the left', 'red ball', None),
])
def test_like_and_over_that_say_something_stay(text, what, link):
    q = parse_command(text)
    assert (q.what, q.link) == (what, link), describe(q)


@pytest.mark.parametrize('text', ['stop sign', 'find the stop sign', 'the red ball right now',
                                  'immediately', 'cancel the red ball and find the blue mug '
                                  'immediately'])
def test_how_soon_alone_or_after_a_request_is_no_cancel(text):
    assert not is_cancel(text)


@pytest.mark.parametrize('text, what', [
    ('the stop', 'stop'), ('the stop sign', 'stop sign'), ('stopper', 'stopper'),
    ('the store', 'store'),
    # A cancel verb alone, then a new request: the request (it was the object "stop").
    ('stop and pick the green cube', 'green cube'), ('Stop, find the blue mug.', 'blue mug'),
])
def test_a_stop_that_names_a_thing_or_precedes_a_request_is_no_cancel(text, what):
    assert not is_cancel(text)
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, what, relation', [
    # Session 19's trial: a correction marked by "no" alone posed the object taken back
    # and excluded the one asked for.
    ('the red ball, no, the blue mug', 'blue mug', None),
    ('the red ball no the blue mug', 'blue mug', None),
    ('the red ball - no - the green cube', 'green cube', None),
    ('the red ball... no, the blue mug', 'blue mug', None),
    ('the red ball (no, the blue mug)', 'blue mug', None),
    ('the red ball. Never mind, the green cube.', 'green cube', None),
    # A correction of the place or the colour alone keeps the object.
    ('the red ball on the left, no, on the right', 'red ball', 'right'),
    ('the left red ball, no, the right one', 'red ball', 'right'),
    ('the red ball on the left, I mean right', 'red ball', 'right'),
    ('the red ball, no, the blue one', 'blue ball', None),
])
def test_a_correction_by_no_alone_or_of_a_place_gives_what_follows(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.exclude) == (what, relation, ()), describe(q)


@pytest.mark.parametrize('text', [
    # Session 19's trial: hedges holding a "not" excluded the object (not_found, refused).
    "if it's not a problem, the red ball", "if you don't mind, the red ball",
    "I don't know, the red ball?", "I'm not sure, but maybe the red ball",
    "don't forget the red ball", 'the red ball and nothing else',
    # Acknowledgements a chat model opens with (the objects "sure", "course", "based").
    'Sure, the red ball.', 'Of course, the red ball!', 'Based on the image, the red ball.',
    # Tool calls whose arguments hold the object.
    '{"name": "detect", "arguments": {"object": "red ball"}}',
    '{"command": "find", "args": {"object": "red ball"}}',
    '{"tool": "pick", "parameters": {"target": "red ball"}}',
])
def test_hedges_acknowledgements_and_tool_arguments_give_the_object(text):
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused) == ('red ball', (), None), describe(q)


def test_objects_listed_under_an_objects_key_are_each_named():
    q = parse_command('{"objects": ["red ball", "blue mug"]}')
    assert [o.what for o in (q,) + q.also] == ['red ball', 'blue mug']


# An LLM's structured output that is not strict JSON (ml-explore/mlx-lm#1004 and
# waybarrios/vllm-mlx#64: a model writes a Python dict, single quotes, None and True;
# Project-N-E-K-O/N.E.K.O#718: unquoted keys and trailing commas; a planner's YAML). Before
# helper-74's round the keys were scored as words: "object red ball", "action target red
# ball", and "{'command': 'stop'}" was the object "command stop", not a cancel.
@pytest.mark.parametrize('text, what', [
    ("{'object': 'red ball'}", 'red ball'),
    ("{'action': 'pick', 'target': 'the red ball'}", 'red ball'),
    ('{"object": "blue mug", "confidence": None, "graspable": True}', 'blue mug'),
    ('{"object": "green cube",}', 'green cube'),
    ("{'name': 'detect', 'arguments': {'object': 'red ball'}}", 'red ball'),
    ('{object: blue mug}', 'blue mug'),
    ('{action: pick, object: green cube}', 'green cube'),
    ('action: pick\nobject: red ball', 'red ball'),
    ('action: pick\ntarget: the blue mug\nreason: it is the closest', 'blue mug'),
    ('action: pick, object: green cube', 'green cube'),
])
def test_structured_output_that_is_not_strict_json_gives_the_object(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == (what, (), None), describe(q)


# A tool call a model wrote as text instead of a structured call (bolna-ai/bolna#826:
# "functions.x(...)" narrated as text; ml-explore/mlx-lm#1004's Python-style arguments).
# Before helper-74's round the function and keyword names were scored as words:
# 'pick(object="red ball")' was the object "object red ball", "detect_object(name='blue
# mug')" "detect object name blue mug".
@pytest.mark.parametrize('text, what', [
    ('pick(object="red ball")', 'red ball'),
    ("pick_up(target='the red ball', grasp='top')", 'red ball'),
    ("detect_object(name='blue mug')", 'blue mug'),
    ('functions.pick({"object": "green cube"})', 'green cube'),
    ("robot.find_object('the blue mug', timeout=5.0)", 'blue mug'),
    ('pick_and_place(object="red ball", destination="bin");', 'red ball'),
    ('`locate(object="green cube")`', 'green cube'),
])
def test_a_tool_call_written_as_code_gives_the_object(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == (what, (), None), describe(q)


def test_a_call_of_no_literal_arguments_or_a_word_before_brackets_is_read_as_before():
    assert is_cancel('stop()') and is_cancel("stop(reason='user asked')")
    for text, what in (('the ball (red)', 'red ball'), ('the red ball (left)', 'red ball'),
                       ('mug(blue)', 'blue mug'), ('pick(red ball)', 'red ball')):
        assert parse_command(text).what == what, describe(parse_command(text))


# A step that moves the robot, said in the same instruction (an LLM planner's or a
# person's whole task: "go to the table and pick up the red ball", "grab the blue mug then
# go home"; ROS-LLM, ROSA). Before helper-74's round each step was an object: "go to the
# table and pick up the red ball" posed the table (its first object), "grab the blue mug
# then go home" listed a second object "go home", "turn left and find the red ball" was an
# object "turn" on the left.
@pytest.mark.parametrize('text, what, motions', [
    ('grab the blue mug then go home', 'blue mug', ('go home',)),
    ('pick up the red ball, then go to the kitchen', 'red ball', ('go to the kitchen',)),
    ('pick up the red ball and then move to the table', 'red ball', ('move to the table',)),
    ('find the red ball and then come back', 'red ball', ('come back',)),
    ('grab the red ball and return to base', 'red ball', ('return to base',)),
    ('pick up the red ball then drive to the dock', 'red ball', ('drive to the dock',)),
    ('pick up the red ball and then wait', 'red ball', ('wait',)),
    ('navigate to the kitchen and grab the red ball', 'red ball', ('navigate to the kitchen',)),
    ('go to the table and pick up the blue mug', 'blue mug', ('go to the table',)),
    ('turn left and find the green cube', 'green cube', ('turn left',)),
    ('First, head over to the shelf. Then find the blue mug.', 'blue mug',
     ('head over to the shelf',)),
])
def test_a_step_that_moves_the_robot_is_no_object(text, what, motions):
    q = parse_command(text)
    assert (q.what, q.also, q.relation, q.motions, q.refused) == \
        (what, (), None, motions, None), describe(q)


@pytest.mark.parametrize('text', ['go home', 'move forward', 'turn around', 'come back here',
                                  'return to base and wait', 'drive forward 2 meters'])
def test_a_command_that_only_moves_the_robot_is_refused_saying_so(text):
    q = parse_command(text)
    assert q.refused and 'move' in q.refused and q.motions, describe(q)


@pytest.mark.parametrize('text, what, destination', [
    # Moving an object, or going to one, names it: read as before.
    ('move the red ball to the left of the mug', 'red ball', None),
    ('go to the red ball', 'red ball', None),
    ('navigate to the blue mug', 'blue mug', None),
    ('go get the red ball', 'red ball', None),
    ('the red ball, wait, the blue mug', 'blue mug', None),
    ('return the red ball to the bin', 'red ball', ('to the bin',)),
])
def test_moving_an_object_or_going_to_one_still_names_it(text, what, destination):
    q = parse_command(text)
    assert (q.what, q.refused, q.motions) == (what, None, ()), describe(q)
    if destination:
        assert q.destination == destination, describe(q)


# The group one object is picked from, said after its place or rank ("the one in the
# middle of the three", "the ball on the left of the two"; helper-74's round, as
# session 18's "the larger of the two balls"). Before, the group's number was a count,
# so several objects were asked for ("the one on the left of the two": both, plural),
# or its words ran into the object ("ball three", "mug row", "left of an object").
@pytest.mark.parametrize('text, what, relation', [
    ('the one in the middle of the three', 'object', 'middle'),
    ('the ball in the middle of the three', 'ball', 'middle'),
    ('the middle ball of the three', 'ball', 'middle'),
    ('the one in the middle of the three balls', 'ball', 'middle'),
    ('the ball in the middle of the three balls', 'ball', 'middle'),
    ('the mug in the middle of the row', 'mug', 'middle'),
    ('the one on the left of the two', 'object', 'left'),
    ('the red ball on the right of the two', 'red ball', 'right'),
    ('the green cube in the centre of the group', 'green cube', 'middle'),
])
def test_the_group_one_is_picked_from_is_no_count_and_no_words(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.plural, q.count, q.link) == \
        (what, relation, False, None, None), describe(q)


def test_of_the_group_without_a_place_or_rank_is_read_as_before():
    assert parse_command('the larger of the two balls').what == 'ball'
    q = parse_command('a picture of the three cats')
    assert 'picture' in q.what, describe(q)


# "the ... one" after an object and its place or relation (helper-74's trial; no public
# report found): a second object was asked for, "the ball on the table, the red one" the
# ball on the table and a red ball, "the cube behind the mug, the small one" an "object",
# the smallest. The words say more of the object asked for.
@pytest.mark.parametrize('text, what, size, link, reference', [
    ('the ball to the left of the mug, the big one', 'ball', 'largest', 'left_of', 'mug'),
    ('the ball next to the mug, the red one', 'red ball', None, 'next_to', 'mug'),
    ('the ball on the table, the red one', 'red ball', None, None, None),
    ('the cube behind the mug, the small one', 'cube', 'smallest', 'behind', 'mug'),
    ('pick up the ball next to the blue mug - the red one please', 'red ball', None,
     'next_to', 'blue mug'),
])
def test_the_one_said_after_a_place_says_more_of_the_object(text, what, size, link,
                                                             reference):
    q = parse_command(text)
    assert (q.what, q.size, q.link, q.reference and q.reference.what, q.also) == \
        (what, size, link, reference, ()), describe(q)


# The request relayed in the third person, as an LLM planner or an operator passes it on
# (helper-74's trial; no public report found). Before, "the user wants the red ball" was
# the object "user wants red ball", "The operator needs the green cube" "operator needs
# green cube".
@pytest.mark.parametrize('text, what', [
    ('the user wants the red ball', 'red ball'),
    ('The user would like the blue mug.', 'blue mug'),
    ('the user asked for the green cube', 'green cube'),
    ('the user wants me to pick up the red ball', 'red ball'),
    ('The human is asking for the blue mug.', 'blue mug'),
    ('They want the red ball.', 'red ball'),
    ('The operator needs the green cube.', 'green cube'),
])
def test_a_request_relayed_in_the_third_person_gives_the_object(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == (what, (), None), describe(q)


# A vision-language model's reply that describes the scene before its answer
# (helper-74's trial, as session 19's "There is a red ball ... Pick up the red ball.").
# Before: "I can see a red ball on the left and a blue mug. Grab the blue mug." posed the
# red ball on the left ("I can" was dropped as an intent, so no description was left);
# "... Target: the blue mug." was the object "target blue mug"; "There is a blue mug on
# the right. You should pick up the red ball." the blue mug on the right beside objects
# "you should" and the red ball; a paragraph that describes the table posed the table.
@pytest.mark.parametrize('text, what', [
    ('I can see a red ball on the left and a blue mug. Grab the blue mug.', 'blue mug'),
    ('The scene contains a red ball, a blue mug and a green cube. Target: the blue mug.',
     'blue mug'),
    ('I see a red ball. Target: the red ball.', 'red ball'),
    ('There is a blue mug on the right. You should pick up the red ball.', 'red ball'),
    ('I can see a table with several objects on it. There is a red ball on the left and a '
     'blue mug on the right. You should pick up the red ball.', 'red ball'),
])
def test_a_reply_that_describes_the_scene_first_gives_its_answer(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.relation, q.refused) == (what, (), None, None), describe(q)


def test_a_description_that_says_which_one_is_still_read_with_it():
    q = parse_command('There is a red ball on the left. That is the one I want.')
    assert (q.what, q.relation) == ('red ball', 'left'), describe(q)
    q = parse_command('There are two cubes. Pick the left one.')
    assert (q.what, q.relation) == ('cube', 'left'), describe(q)


# A counted group of other things after a relation is its anchor, not the group the
# object is picked from (review of 744c3e9): "the ball left of the two cubes" was read as
# "the ball on the left" and "the mug in front of the three boxes" as "the nearest mug",
# the cubes and boxes dropped. Only a group of the object's own kind ("the ball ... of the
# three balls"), of "one", or without a noun is the group picked from.
@pytest.mark.parametrize('text, what, link, reference, count', [
    ('the ball left of the two cubes', 'ball', 'left_of', 'cube', 2),
    ('the mug in front of the three boxes', 'mug', 'in_front_of', 'box', 3),
    ('the ball to the right of the two mugs', 'ball', 'right_of', 'mug', 2),
    ('the cube on the left of the three balls', 'cube', 'left_of', 'ball', 3),
])
def test_a_counted_group_of_other_things_after_a_relation_is_its_anchor(text, what, link,
                                                                        reference, count):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what, q.reference.count) == \
        (what, link, reference, count), describe(q)


# One sentence that describes the scene names the object, its describing words none of
# it (review of 410a702: once "I can see" was no intent, "I can see the red ball" was the
# object "i can red ball"; "I see the red ball" was "i red ball" and "we have a red ball"
# "we have red ball" before that).
@pytest.mark.parametrize('text, what, relation', [
    ('I can see the red ball', 'red ball', None),
    ('I can see the red ball on the left', 'red ball', 'left'),
    ('we can see the green cube', 'green cube', None),
    ('You should see a red ball', 'red ball', None),
    ('I could see the red ball', 'red ball', None),
    ('I see the red ball', 'red ball', None),
    ('I spot the blue mug', 'blue mug', None),
    ('we have a red ball', 'red ball', None),
    ('the table has a red ball', 'red ball', None),
])
def test_one_sentence_describing_the_scene_names_its_object(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.also) == (what, relation, ()), describe(q)


# A colour or a size given under its own key beside the object (review of 26915ea and
# c11097d): '{"object": "ball", "color": "red"}' looked for any ball, as did the YAML
# pairs 'object: ball, colour: red' (the red ball before 26915ea read them) and the
# tool call 'pick(object="ball", color="red")'.
@pytest.mark.parametrize('text, what, size', [
    ('{"object": "ball", "color": "red"}', 'red ball', None),
    ("{'colour': 'red', 'object': 'ball'}", 'red ball', None),
    ('colour: red, object: ball', 'red ball', None),
    ('object: mug\ncolor: blue', 'blue mug', None),
    ('pick(object="ball", color="red")', 'red ball', None),
    ('{"object": "red ball", "colour": "red"}', 'red ball', None),
    ('{"object": "cube", "size": "small"}', 'cube', 'smallest'),
    ('{"target": "mug", "size": "large", "color": "blue"}', 'blue mug', 'largest'),
])
def test_a_colour_or_size_under_its_own_key_says_more_of_the_object(text, what, size):
    q = parse_command(text)
    assert (q.what, q.size, q.also) == (what, size, ()), describe(q)


# Going to objects joined by "and" goes to each (review of 0918fbd): "go to the red ball
# and the blue mug" had become the blue mug with "go to the red ball" a step, where
# 5f625ef named both; a step to a place of the robot's, or followed by a verb, is a step.
@pytest.mark.parametrize('text, what, also, motions', [
    ('go to the red ball and the blue mug', 'red ball', ('blue mug',), ()),
    ('navigate to the green cube and the red ball', 'green cube', ('red ball',), ()),
    ('go to the kitchen and the red ball', 'red ball', (), ('go to the kitchen',)),
    ('go to the table and pick up the red ball', 'red ball', (), ('go to the table',)),
])
def test_going_to_objects_joined_by_and_names_each(text, what, also, motions):
    q = parse_command(text)
    assert (q.what, tuple(a.what for a in q.also), q.motions) == (what, also, motions), \
        describe(q)


def test_a_python_list_or_dict_of_objects_names_each_and_a_wrapped_stop_cancels():
    for text in ("['red ball', 'blue mug']", "{'objects': ['red ball', 'blue mug']}"):
        q = parse_command(text)
        assert [o.what for o in (q,) + q.also] == ['red ball', 'blue mug'], describe(q)
    assert is_cancel("{'command': 'stop'}") and is_cancel('{command: cancel}')
    # Braces and brackets that hold no structure are read as before.
    for text, what in (('{the red ball}', 'red ball'), ('[the blue mug]', 'blue mug'),
                       ('the red ball: on the left', 'red ball')):
        assert parse_command(text).what == what


@pytest.mark.parametrize('text, what, link, reference, size, unchecked', [
    # Session 19's trial: a relation or a size said with "not" excluded the reference or
    # the object itself (the ball right of the mug posed; the red ball not_found).
    ('the ball not to the right of the blue mug', 'ball', 'left_of', 'blue mug', None, ()),
    ("the ball that isn't next to the green cube", 'ball', 'far_from', 'green cube', None,
     ()),
    ('the red ball that is not big', 'red ball', None, None, 'smallest', ()),
    # Without an opposite, or of several: kept as said, unchecked (not excluded).
    ('the ball not between the red ball and the blue mug', 'ball', None, None, None,
     ('not between the red ball and the blue mug',)),
    ('the red balls but not the large one', 'red ball', None, None, None,
     ('not the large one',)),
])
def test_a_relation_or_size_said_with_not_is_its_opposite(text, what, link, reference,
                                                          size, unchecked):
    q = parse_command(text)
    assert (q.what, q.link, q.reference and q.reference.what, q.size, q.exclude,
            q.unchecked) == (what, link, reference, size, (), unchecked), describe(q)


@pytest.mark.parametrize('text, link, reference, second', [
    # Session 19's trial: each was one object phrase ("ball blue mug" on the left, "ball
    # in between blue mug" and the green cube) and the reference was posed.
    ('the ball to the left side of the blue mug', 'left_of', 'blue mug', None),
    ('the ball on the left hand side of the blue mug', 'left_of', 'blue mug', None),
    ('the ball on the right-hand side of the blue mug', 'right_of', 'blue mug', None),
    ('the ball in-between the blue mug and the green cube', 'between', 'blue mug',
     'green cube'),
    ('the ball inbetween the blue mug and the green cube', 'between', 'blue mug',
     'green cube'),
    ('the ball in the middle of the blue mug and the green cube', 'between', 'blue mug',
     'green cube'),
    ('the ball adjacent to the mug', 'next_to', 'mug', None),
    ('the cube touching the mug', 'next_to', 'mug', None),
    ('the mug at the rear of the cube', 'behind', 'cube', None),
])
def test_more_ways_to_say_a_relation_are_read_as_it(text, link, reference, second):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what,
            q.second_reference and q.second_reference.what) == \
        (text.split()[1], link, reference, second), describe(q)
    # "in the middle of" one thing stays a place.
    assert parse_command('the ball in the middle of the table').relation == 'middle'


@pytest.mark.parametrize('text, what, link, reference', [
    # Session 19's trial: each ran into one object phrase ("mug beyond green cube") and
    # usually posed the reference.
    ('the mug beyond the green cube', 'mug', 'behind', 'green cube'),
    ('the ball just past the blue mug', 'ball', 'behind', 'blue mug'),
    ('the box up against the wall', 'box', 'next_to', 'wall'),
    ('the mug with the red ball in it', 'mug', 'holds', 'red ball'),
    ('the bowl that has the apple inside it', 'bowl', 'holds', 'apple'),
    ('the mug containing the red ball', 'mug', 'holds', 'red ball'),
    ('the bowl holding two apples', 'bowl', 'holds', 'apple'),
    ('the plate with the cup on it', 'plate', 'under', 'cup'),
    # A superlative before the noun, with its reference after it.
    ('the farthest ball from the blue mug', 'ball', 'far_from', 'blue mug'),
    ('the closest cube to the red mug', 'cube', 'next_to', 'red mug'),
])
def test_relations_said_in_more_words_are_read_as_links(text, what, link, reference):
    q = parse_command(text)
    assert (q.what, q.link, q.reference.what, q.unchecked) == (what, link, reference, ()), \
        describe(q)


@pytest.mark.parametrize('text, what, unchecked', [
    ('the ball west of the blue mug', 'ball', 'west of the blue mug'),
    ('the cube to the north east of the red ball', 'cube',
     'north east of the red ball'),
    ('the cube across from the red ball', 'cube', 'across from the red ball'),
    ('the red mug opposite the green cube', 'red mug', 'opposite the green cube'),
    ('the ball among the cubes', 'ball', 'among the cubes'),
    ('the ball outside the bowl', 'ball', 'outside the bowl'),
    ('the mug facing the camera', 'mug', 'facing the camera'),
])
def test_a_relation_the_node_does_not_test_keeps_the_object_and_says_so(text, what,
                                                                         unchecked):
    q = parse_command(text)
    assert (q.what, q.link, q.reference, q.unchecked) == (what, None, None, (unchecked,)), \
        describe(q)
    assert 'is not checked and its object not looked for' in unchecked_note(unchecked)
    # The other kinds keep their own words.
    assert 'read only as its opposite' in unchecked_note('not in the middle')
    assert 'one relation per object' in unchecked_note('right of the mug')


@pytest.mark.parametrize('text, what, size, relation, ordinal, count', [
    # Counted along the size said, not from the left (session 19's trial).
    ('the second smallest ball', 'ball', 'smallest', None, 2, None),
    ('the 2nd largest red cube', 'red cube', 'largest', None, 2, None),
    ('the third biggest mug from the left', 'mug', 'largest', 'left', 3, None),
    ('the two biggest cubes', 'cube', 'largest', None, None, 2),
    # "the first two": a count along the place ("first two cube"s before).
    ('the first two cubes', 'cube', None, 'left', None, 2),
    ('the last two cubes', 'cube', None, 'right', None, 2),
    ('the last 3 balls from the top', 'ball', None, 'bottom', None, 3),
    ('a couple of balls', 'ball', None, None, None, 2),
    # "tall" and "short" are sizes ("the tall mug" was spelt "ball mug").
    ('the tall mug', 'mug', 'largest', None, None, None),
    ('the shortest red cylinder', 'red cylinder', 'smallest', None, None, None),
    # Ordinals misspelt by one typo; words that only look like one stay.
    ('the secnd ball', 'ball', None, 'left', 2, None),
    ('the thrid cube from the right', 'cube', None, 'right', 3, None),
    ('the fist ball', 'fist ball', None, None, None, None),
])
def test_ordinals_counts_and_sizes_said_together(text, what, size, relation, ordinal,
                                                 count):
    q = parse_command(text)
    assert (q.what, q.size, q.relation, q.ordinal, q.count) == \
        (what, size, relation, ordinal, count), describe(q)
    assert parse_command('a few red balls').plural
    assert parse_command('the red ball at eighty centimetres').distance == 0.8


@pytest.mark.parametrize('text, listed', [
    # A scene described before or after the instruction names no target (each named
    # object was posed, "i red ball" among them).
    ('There is a red ball and a blue mug on the table. Pick up the red ball.',
     ['red ball']),
    ('I see a red ball, a blue mug and a green cube. Grab the mug.', ['mug']),
    ('Grab the mug. There are two mugs.', ['mug']),
    ('On the table there are three cubes. Pick the green one.', ['green cube']),
    ("There's a red ball on the table.", ['red ball']),  # alone: kept
    # The instruction names it by a pronoun: the object described ("i red ball" before).
    ('I see a red ball. Pick it up.', ['red ball']),
    ('You can see the blue mug. Now grab it', ['blue mug']),
    # "both" and "either" pair the objects, they count none.
    ('both the red ball and the blue mug', ['red ball', 'blue mug']),
    # Colours listed with commas before one noun, and objects without determiners.
    ('the red, green and yellow balls', ['red ball', 'green ball', 'yellow ball']),
    ('the red and green and yellow balls', ['red ball', 'green ball', 'yellow ball']),
    ('red ball, blue mug, green cube', ['red ball', 'blue mug', 'green cube']),
    ('the big, red ball', ['red ball']),
    ('the shiny, red ball', ['shiny red ball']),
])
def test_descriptions_pairs_and_lists_name_the_objects_asked_for(text, listed):
    q = parse_command(text)
    assert [q.what] + [o.what for o in q.also] == listed, describe(q)
    assert q.count is None
    # "one" in the instruction is the one kind described.
    q = parse_command('There are two cubes on the table. Pick the left one.')
    assert (q.what, q.relation) == ('cube', 'left'), describe(q)


@pytest.mark.parametrize('text, what, exclude', [
    ('the ball neither red nor blue', 'ball', ('red ball', 'blue ball')),
    ('the cube that is neither red nor blue', 'cube', ('red cube', 'blue cube')),
    ('pick neither the red ball nor the blue mug, but the green cube', 'green cube',
     ('red ball', 'blue mug')),
    # "not that one": a pronoun, the blue one is asked for (it was "not that blue one",
    # refused with "blue" excluded).
    ('not that one, the blue one', 'blue', ()),
    ('not this one, the one on the left', 'object', ()),
])
def test_neither_nor_and_not_that_one(text, what, exclude):
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused) == (what, exclude, None), describe(q)
    assert parse_command('neither the red ball nor the blue mug').refused


@pytest.mark.parametrize('text, any_one', [
    ('any red ball', True), ('pick up a red ball', True), ('either mug', True),
    ('whichever cube', True), ('the red ball', False), ('a couple of balls', False),
    ('all the red balls', False),
])
def test_a_or_any_asks_for_any_one_of_them(text, any_one):
    q = parse_command(text)
    assert q.any_one is any_one, describe(q)
    assert q.what.split()[0] not in ('any', 'either', 'whichever')


@pytest.mark.parametrize('text, listed', [
    # A detector's or planner's output passed on as the command (left by session 19's
    # field round: the objects "target red ball", "red ball 0.92").
    ('target=red ball', ['red ball']),
    ('object=red ball, confidence=0.9', ['red ball']),
    ('class=mug; score=0.88', ['mug']),
    ('label: red ball', ['red ball']),
    ('label=red ball, label=blue mug', ['red ball', 'blue mug']),
    ('red ball [0.92]', ['red ball']),
    ('red ball (0.92)', ['red ball']),
    ('red ball: 0.92', ['red ball']),
    ('red ball 92%', ['red ball']),
    # Help asked for.
    ('give me a hand with the red ball', ['red ball']),
    ('could you lend me a hand with the blue mug', ['blue mug']),
    # Not pairs or scores: as before.
    ('note: the red ball', ['red ball']),  # a label, as "Task:" (helper-44)
    ('the red ball (2)', ['red ball 2']),
    ('the red ball: left one', ['red ball']),
])
def test_key_values_scores_and_help_give_the_object(text, listed):
    q = parse_command(text)
    assert [q.what] + [o.what for o in q.also] == listed, describe(q)
    assert not q.any_one
    assert parse_command('the cup 0.3 m from me').distance == 0.3


@pytest.mark.parametrize('text, described', [
    # helper-43's trial (session 20), each read wrongly before (what it was, in brackets).
    ('the red ball to the lef of the mug',  # ("red ball lef mug": the right ball posed)
     {'what': 'red ball', 'link': 'left_of', 'reference': {'what': 'mug'}}),
    ('the red ball nxt to the mug', {'what': 'red ball', 'link': 'next_to',
                                     'reference': {'what': 'mug'}}),
    ('the mug with the red ball inside', {'what': 'mug', 'link': 'holds',
                                          'reference': {'what': 'red ball'}}),
    ('the cube with the ball on top', {'what': 'cube', 'link': 'under',
                                       'reference': {'what': 'ball'}}),
    ('the mug slightly left of the ball', {'what': 'mug', 'link': 'left_of',
                                           'reference': {'what': 'ball'}}),
    ('the mug a few cm left of the ball', {'what': 'mug', 'link': 'left_of',
                                           'reference': {'what': 'ball'}}),
    ('there is a red ball and a blue mug pick up the mug', {'what': 'mug'}),
    ('I see a red ball and a blue mug so pick up the mug', {'what': 'mug'}),
    ('I see two red balls, pick the one on the left', {'what': 'red ball',
                                                       'relation': 'left'}),
    ('Two red balls are on the table. Grab the one on the right.',
     {'what': 'red ball', 'relation': 'right'}),
    ('the red, the green and the yellow ball',
     {'what': 'red ball', 'also': [{'what': 'green ball'}, {'what': 'yellow ball'}]}),
    ('both the red ball and the blue one', {'what': 'red ball',
                                            'also': [{'what': 'blue ball'}]}),
    ('the red, green or yellow ball', {'what': 'red ball', 'alternatives': [
        {'what': 'green ball'}, {'what': 'yellow ball'}]}),
    ('the mug between the red and green balls', {
        'what': 'mug', 'link': 'between', 'reference': {'what': 'red ball'},
        'second_reference': {'what': 'green ball'}}),
    ('pick up the ball with two fingers', {'what': 'ball'}),
    ('grab the cube with your left hand', {'what': 'cube'}),
    ('the very last ball', {'what': 'ball', 'relation': 'left', 'ordinal': -1}),
    ('in short, the red ball', {'what': 'red ball'}),
    ('First, locate the red ball. Then pick it up.', {'what': 'red ball'}),
    ('the yelow cone', {'what': 'yelow cone'}),  # spelt by the checkpoint, not "below"
    ('roll the green ball past the mug', {'what': 'green ball',
                                          'destination': ['past the mug']}),
    ('look around for the red ball', {'what': 'red ball'}),
    ('keep holding the red ball', {'what': 'red ball'}),
    ('no no the blue one', {'what': 'blue'}),
    ('not this one the blue one', {'what': 'blue'}),
    ('not that one \u2014 the blue one', {'what': 'blue'}),
    ('nah, the blue one', {'what': 'blue'}),
    ('wrong one, the blue mug', {'what': 'blue mug'}),
    ('not the left ball, the right one', {'what': 'ball', 'relation': 'right'}),
    ('The red ball. The one on the left.', {'what': 'red ball', 'relation': 'left'}),
    ('Step 1: find the red ball. Step 2: pick it up.', {'what': 'red ball'}),
    ('neither the red ball nor the blue mug, the green cube',
     {'what': 'green cube', 'exclude': ['red ball', 'blue mug']}),
    ('neither red nor blue balls', {'what': 'ball', 'exclude': ['red ball', 'blue ball'],
                                    'plural': True}),
    ('the ball infront of the mug', {'what': 'ball', 'link': 'in_front_of',
                                     'reference': {'what': 'mug'}}),
    ('the smalest ball', {'what': 'ball', 'size': 'smallest'}),
    ('the red ball - the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('1) the red ball 2) the blue mug', {'what': 'red ball',
                                         'also': [{'what': 'blue mug'}]}),
    ('the red ball, after that the blue mug', {'what': 'red ball',
                                               'also': [{'what': 'blue mug'}]}),
    ('closest ball to mug', {'what': 'ball', 'link': 'next_to',
                             'reference': {'what': 'mug'}}),
    ('the furthest away ball from the mug', {'what': 'ball', 'link': 'far_from',
                                             'reference': {'what': 'mug'}}),
    ('the ball on the west side', {'what': 'ball', 'unchecked': ['on the west side']}),
    ('the ball north-west of the mug', {'what': 'ball',
                                        'unchecked': ['north-west of the mug']}),
    ('the ball in the very centre', {'what': 'ball', 'relation': 'middle'}),
    ('any of the balls', {'what': 'ball', 'any_one': True}),
    ('<the red ball>', {'what': 'red ball'}),
    ('the <red> ball', {'what': 'red ball'}),
    ('```json\n{"object": "red ball"}\n```', {'what': 'red ball'}),
    ('**Target:** red ball **Reason:** closest to the mug', {'what': 'red ball'}),
    ('Target: red ball\nReason: closest to the mug', {'what': 'red ball'}),
])
def test_command_trial_round_4_forms_are_read_as_meant(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, what', [
    # Words the trial's rules must leave alone.
    ('the text next to the mug', 'text'),
    ('the net', 'net'),
    ('let the red ball be', 'let red ball be'),  # "let" is not "left"
    ('the short red ball', 'red ball'),
    ('turn the red ball around', 'turn red ball around'),
])
def test_words_like_the_trials_forms_stay_what_they_are(text, what):
    assert parse_command(text).what == what


@pytest.mark.parametrize('text, described', [
    # helper-44's trial (session 20): regressions of this session's rules, and forms near
    # them; each was read otherwise before.
    ('the closest red ball to the right of the blue mug',  # (next to a mug "on the right")
     {'what': 'red ball', 'relation': 'nearest', 'link': 'right_of',
      'reference': {'what': 'blue mug'}}),
    ('the nearest ball to the right', {'what': 'ball', 'relation': 'right'}),
    ('the farthest cube from the left', {'what': 'cube', 'relation': 'right'}),
    ('not the red ball, the one on the left',  # (the red ball posed)
     {'what': 'ball', 'relation': 'left', 'exclude': ['red ball']}),
    ('Notes: grab the red ball; avoid the mug',  # (the instruction was dropped)
     {'what': 'red ball', 'remarks': ['avoid the mug']}),
    ('Note: grab the red ball, not the blue one',
     {'what': 'red ball', 'exclude': ['blue ball']}),
    ('the one with the ball in it', {'what': 'object', 'link': 'holds',
                                     'reference': {'what': 'ball'}}),
    ('There are two mugs. Get the one with the ball in it.',
     {'what': 'mug', 'link': 'holds', 'reference': {'what': 'ball'}}),
    ('the cube neither left nor right', {'what': 'cube', 'relation': 'middle'}),
    ('take a look at the red ball', {'what': 'red ball'}),  # (any one of two)
    ('can you do me a favour and grab the red ball', {'what': 'red ball'}),
    ('in a short while grab the red ball', {'what': 'red ball'}),
    ('the red ball first, then the blue mug', {'what': 'red ball',
                                               'also': [{'what': 'blue mug'}]}),
    ('at first grab the red ball', {'what': 'red ball'}),
    ('the red ball right?', {'what': 'red ball'}),
    ('no wait the blue mug', {'what': 'blue mug'}),
    ("no that's not it, the blue mug", {'what': 'blue mug'}),
    ('class=ball, color=red', {'what': 'red ball'}),
    ('look around the table for the red ball', {'what': 'red ball'}),
    ('You can find the red ball next to the mug.',
     {'what': 'red ball', 'link': 'next_to', 'reference': {'what': 'mug'}}),
    ('the red ball - a big one', {'what': 'red ball', 'size': 'largest'}),
    ('There is a red ball. Is it on the left?', {'what': 'red ball', 'relation': 'left',
                                                 'any_one': True}),
    ("There is a red ball on the left. That's the one I want.",
     {'what': 'red ball', 'relation': 'left', 'any_one': True}),
    ('The cube that is on the tray. Pick it up.', {'what': 'cube', 'link': 'on',
                                                   'reference': {'what': 'tray'}}),
    ('move the red ball back and forth', {'what': 'red ball'}),
    ('the red ball...the one near the mug', {'what': 'red ball', 'link': 'next_to',
                                             'reference': {'what': 'mug'}}),
    ('the box with a lid', {'what': 'box with lid'}),
])
def test_command_trial_round_5_regressions_are_read_as_meant(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    # Session 20's left-alone list: remarks after the instruction were objects (a plural
    # "careful roll", an exclusion "drop ball", "red ball fragile", "blue mug for coffee").
    ('Grab the red ball. Careful, it rolls.',
     {'what': 'red ball', 'remarks': ['careful, it rolls']}),
    ("Pick up the red ball. Don't drop it.",
     {'what': 'red ball', 'remarks': ["don't drop it"]}),
    ('Pick up the red ball. That one is fragile.',
     {'what': 'red ball', 'remarks': ['that one is fragile']}),
    ('Pick up the red ball. Be careful!', {'what': 'red ball', 'remarks': ['be careful']}),
    ('Pick up the red ball. Mind the blue mug.',
     {'what': 'red ball', 'remarks': ['mind the blue mug']}),
    ('The red ball, please. I need it for the demo.',
     {'what': 'red ball', 'remarks': ['i need it for the demo']}),
    ("Please get the blue mug, it's for my coffee.",
     {'what': 'blue mug', 'remarks': ["it's for my coffee"]}),
    ('Get the mug. The ball is inside it.', {'what': 'mug',
                                             'remarks': ['the ball is inside it']}),
    ('Fetch the cube. It tends to slip.', {'what': 'cube',
                                           'remarks': ['it tends to slip']}),
    # A chat model's or helper's preamble, and remarks in a clause or before the object.
    ('Sure, I can help with that. Please pick up the red ball.', {'what': 'red ball'}),
    ('Grab the red ball, it might roll away.',
     {'what': 'red ball', 'remarks': ['it might roll away']}),
    ('Please grab the red ball, but be careful.',
     {'what': 'red ball', 'remarks': ['be careful']}),
    ("Careful, it's fragile. Pick up the blue mug.",
     {'what': 'blue mug', 'remarks': ["careful, it's fragile"]}),
    ("Grab the cube, it's red.", {'what': 'red cube'}),
    # "It's red" after the instruction says more of its object.
    ("Pick up the ball. It's red.", {'what': 'red ball'}),
    ("Pick up the ball. It's the red one.", {'what': 'red ball'}),
    ('Pick up the mug. It is the small one.', {'what': 'mug', 'size': 'smallest'}),
    # How sure the speaker is, the intent and the role said before the object.
    ("I think it's the red ball.", {'what': 'red ball'}),
    ('maybe the red ball', {'what': 'red ball'}),
    ('the red ball, I think', {'what': 'red ball'}),
    ('Hmm, the red ball I guess.', {'what': 'red ball'}),
    ("I'm pretty sure it's the blue mug", {'what': 'blue mug'}),
    ("I'll grab the red ball.", {'what': 'red ball'}),
    ("We're going to pick up the green cube.", {'what': 'green cube'}),
    ('We need to grab the red ball.', {'what': 'red ball'}),
    ('The target is the red ball.', {'what': 'red ball'}),
    ('The object to pick is the red ball.', {'what': 'red ball'}),
    ('The thing I want is the blue mug.', {'what': 'blue mug'}),
    ('your goal: the green cube', {'what': 'green cube'}),
    ('Sure! The object you should pick up is the red ball.', {'what': 'red ball'}),
    ('The best match is the red ball.', {'what': 'red ball'}),
    ('The thing I want you to pick up is the blue mug.', {'what': 'blue mug'}),
    ('I would pick the red ball.', {'what': 'red ball'}),
    ('You should pick up the red ball.', {'what': 'red ball'}),
    ("I'd go for the red ball.", {'what': 'red ball'}),
    ('Let me grab the red ball.', {'what': 'red ball'}),
    ("Okay, I'll grab the red ball.", {'what': 'red ball'}),
    ('I believe the target is the red ball.', {'what': 'red ball'}),
    ('Happy to help! The object you want is the red ball.', {'what': 'red ball'}),
    ('The target object is the red ball.', {'what': 'red ball'}),
    ('Your job is to pick up the red ball.', {'what': 'red ball'}),
    ("You'd better grab the red ball.", {'what': 'red ball'}),
    ("Grab the ball. It's the small red one.", {'what': 'red ball', 'size': 'smallest'}),
    ("Grab the green cube. It's heavy, so use both hands.",
     {'what': 'green cube', 'remarks': ["it's heavy, so use both hands"]}),
    ('Please, if you can, grab the red ball. Be careful, though.',
     {'what': 'red ball', 'remarks': ['be careful']}),
    ("Grab the red ball, not the blue mug, it's too heavy.",
     {'what': 'red ball', 'exclude': ['blue mug'], 'remarks': ["it's too heavy"]}),
    ('Careful now. Pick up the red ball.', {'what': 'red ball', 'remarks': ['careful now']}),
    ('I want the blue mug too.', {'what': 'blue mug'}),
    ('Pick up the red ball. I also want the blue mug.',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('Pick up the red ball. Also the blue mug.',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    # An intensifier before a size word; "or" after an ellipsis or a dash.
    ('the very small ball', {'what': 'ball', 'size': 'smallest'}),
    ('the really big cube', {'what': 'cube', 'size': 'largest'}),
    ('the extra large mug', {'what': 'mug', 'size': 'largest'}),
    ('the very, very small ball', {'what': 'ball', 'size': 'smallest'}),
    # A number word before a singular noun; "a pair of"; what it looks like; a property
    # said after a side.
    ('two red ball', {'what': 'red ball', 'count': 2, 'plural': True}),
    ('a pair of red balls', {'what': 'red ball', 'count': 2, 'plural': True}),
    ('the one that looks like a ball', {'what': 'ball'}),
    ('something shaped like a cup', {'what': 'cup'}),
    ('the ball on the left that is red', {'what': 'red ball', 'relation': 'left'}),
    ('the red ball... or the blue mug',
     {'what': 'red ball', 'alternatives': [{'what': 'blue mug'}]}),
    ('the red ball - or the blue mug',
     {'what': 'red ball', 'alternatives': [{'what': 'blue mug'}]}),
])
def test_remarks_hedges_and_roles_around_the_object_are_not_objects(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    # Sentences that ask for an object, or say where it is, stay what they were.
    ('Pick up the red ball. Then the blue mug.',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('Pick up the red ball. It is next to the mug.',
     {'what': 'red ball', 'unchecked': ['it is next to the mug']}),
    ("Get the cube. It's on the left.", {'what': 'cube', 'relation': 'left'}),
    ('Pick up the red ball. Careful with the blue mug, grab it too.',
     {'what': 'red ball', 'remarks': ['careful with the blue mug']}),
    ('Quickly, grab the red ball!', {'what': 'red ball'}),  # (filler, no remark)
    ('Carefully pick up the red ball. Then the blue mug.',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('the target board', {'what': 'target board'}),
    ('the 9 volt battery', {'what': '9 volt battery'}),
    ('three way switch', {'what': 'three way switch'}),
    ('the scissors', {'what': 'scissors'}),
    ('a pair of scissors', {'what': 'scissors', 'any_one': True}),
    ('the pair of pliers', {'what': 'pliers'}),
    ('the ball next to the mug that is blue',
     {'what': 'ball', 'link': 'next_to', 'reference': {'what': 'blue mug'}}),
    ("I'd like to grab the red ball.", {'what': 'red ball'}),
    ('the ball, it is next to the mug',
     {'what': 'ball', 'link': 'next_to', 'reference': {'what': 'mug'}}),
    ('the very last cube', {'what': 'cube', 'relation': 'left', 'ordinal': -1}),
    # helper-45: a sentence with a pronoun for its subject that says which one it is
    # stays a property, a place or an exclusion; "don't touch the X" an exclusion.
    ("Pick up the mug. It's not the blue one.", {'what': 'mug', 'exclude': ['blue mug']}),
    ("Pick up the mug, it's not blue.", {'what': 'mug', 'exclude': ['blue mug']}),
    ('Find the ball. That one is red.', {'what': 'red ball'}),
    ("Get the ball. It's located on the left.", {'what': 'ball', 'relation': 'left'}),
    ("Get the ball. It's at the far left.", {'what': 'ball', 'relation': 'left'}),
    ("Pick up the red ball. It's not the one on the left.",
     {'what': 'red ball', 'relation': 'right'}),
    ("Get the ball. It's sitting next to the mug.",
     {'what': 'ball', 'unchecked': ['its sitting next to the mug']}),
    ("Don't touch the blue mug, grab the red ball.",
     {'what': 'red ball', 'exclude': ['blue mug']}),
    # A warning about another object beside an instruction is a remark; alone, "look out
    # for" asks for it. "Not the blue one, the red one": the red one.
    ('Watch out for the blue mug and grab the red ball',
     {'what': 'red ball', 'remarks': ['watch out for the blue mug']}),
    ('Grab the red ball and avoid the blue mug.',
     {'what': 'red ball', 'remarks': ['avoid the blue mug']}),
    ('Look out for the red ball.', {'what': 'red ball'}),
    # Something said of another object named as the subject (helper-45: a second
    # object "blue mug heavy"); of the object itself before a pronoun instruction.
    ('Grab the red ball, the blue mug is too heavy.',
     {'what': 'red ball', 'remarks': ['the blue mug is too heavy']}),
    ('Pick up the cube. The mug is full.', {'what': 'cube', 'remarks': ['the mug is full']}),
    ('Careful, the red ball rolls. Grab it.',
     {'what': 'red ball', 'remarks': ['careful', 'the red ball rolls']}),
    ('The red ball is heavy. Pick it up.',
     {'what': 'red ball', 'remarks': ['the red ball is heavy']}),
    ('the ball is red', {'what': 'red ball'}),
    ('the red ball is on the left', {'what': 'red ball', 'relation': 'left'}),
    ('The red ball is the target.', {'what': 'red ball'}),
    ('grab the red ball, avoid the mug, and the cube',
     {'what': 'red ball', 'also': [{'what': 'cube'}], 'remarks': ['avoid the mug']}),
    ('Grab the mug. Not the blue one, the red one.',
     {'what': 'red mug', 'exclude': ['blue mug']}),
    ('the mug, not the blue one but the red one', {'what': 'red mug', 'exclude': ['blue mug']}),
    ('Please pick up the red ball. Then, if you can, also the blue mug.',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('Maybe the red ball, maybe the blue mug.',
     {'what': 'red ball', 'alternatives': [{'what': 'blue mug'}]}),
    ('I want to pick up the red ball', {'what': 'red ball'}),
    ('It might be the red ball.', {'what': 'red ball'}),
    ('Grab the cube. It should be the green one.', {'what': 'green cube'}),
])
def test_sentences_that_ask_or_place_stay_and_words_of_objects_stay(text, described):
    assert describe(parse_command(text)) == described


def test_a_command_of_remarks_alone_is_refused_and_names_them():
    # "Careful, it rolls." alone asked for a plural "careful roll" (session 20's list).
    for text in ('Careful, it rolls.', "That one is fragile. Don't drop it."):
        q = parse_command(text)
        assert q.refused and 'is a remark about an object' in q.refused, text
        assert q.remarks and all(f'"{r}"' in q.refused for r in q.remarks), q.refused


@pytest.mark.parametrize('text, what, also', [
    # An LLM's structured output (session 22): before, "command red ball" or the objects
    # "object red ball" or "object".
    ('<command>the red ball</command>', 'red ball', []),
    ('<target id="1">the cube</target>', 'cube', []),
    ('<answer>\n  <target>the blue mug</target>\n</answer>', 'blue mug', []),
    ('<response><command>pick up the red ball</command></response>', 'red ball', []),
    ('<object>red ball</object><object>blue mug</object>', 'red ball', ['blue mug']),
    ('<object>red ball</object>, <object>blue mug</object>', 'red ball', ['blue mug']),
    ('find the <color>red</color> ball', 'red ball', []),
    # HTML and SSML as before; a placeholder is no pair.
    ('<p>the cube</p><p>the red ball</p>', 'cube', ['red ball']),
    ('find the <emphasis>blue</emphasis> mug', 'blue mug', []),
    ('<the red ball>', 'red ball', []), ('the <red> ball', 'red ball', []),
    # helper-46: three pairs in a row, a colour as the name, a placeholder "<pad>", Llama
    # 2's instruction tokens.
    ('<object>red ball</object><object>blue cube</object><object>green mug</object>',
     'red ball', ['blue cube', 'green mug']),
    ('<red>the ball</red>', 'red ball', []), ('pick up the <pad>', 'pad', []),
    ('<s>[INST] pick up the red ball [/INST]', 'red ball', []),
])
def test_words_in_tags_of_any_name_closed_by_their_name_are_the_command(text, what, also):
    q = parse_command(text)
    assert (q.what, [a.what for a in q.also], [a.what for a in q.alternatives], q.refused) \
        == (what, also, [], None), q


def test_tag_pairs_inside_a_line_read_as_the_words_around_them():
    # helper-46: "or" between two pairs was a second object "or blue cube"; "next to"
    # between them an unchecked remark.
    q = parse_command('<object>red ball</object> or <object>blue cube</object>')
    assert (q.what, [a.what for a in q.alternatives], q.also) == ('red ball', ['blue cube'], ())
    assert describe(parse_command('<object>the red ball</object> next to <object>the blue '
                                  'cube</object>')) == {'what': 'red ball', 'link': 'next_to',
                                                        'reference': {'what': 'blue cube'}}


@pytest.mark.parametrize('text, described', [
    # How a step is begun, tried or helped with, and the -ing form of the verb (session
    # 22: "Start by finding the red ball" was the object "start" next to "finding red
    # ball"; "Try finding the red ball" the object "try finding red ball").
    ("I'll start by locating the red ball", {'what': 'red ball'}),
    ('Start by finding the red ball.', {'what': 'red ball'}),
    ('Begin by grasping the blue mug', {'what': 'blue mug'}),
    ("Okay, let's start by finding the blue mug", {'what': 'blue mug'}),
    ('Help me by picking up the red ball', {'what': 'red ball'}),
    ('You can help by grabbing the green cube', {'what': 'green cube'}),
    ('Proceed by grabbing the red ball', {'what': 'red ball'}),
    ('Go ahead with grabbing the red ball', {'what': 'red ball'}),
    ('Try finding the red ball', {'what': 'red ball'}),
    ('Try to find the red ball', {'what': 'red ball'}),
    ('Try the red ball', {'what': 'red ball'}),
    ('Keep looking for the red ball', {'what': 'red ball'}),
    ('keep holding the red ball', {'what': 'red ball'}),
    ('Finding the red ball now', {'what': 'red ball'}),
    ('Looking for the cube', {'what': 'cube'}),
    ('Placing the red ball on the tray', {'what': 'red ball', 'destination': ['on the tray']}),
    ('Finish by placing the red ball on the tray',
     {'what': 'red ball', 'destination': ['on the tray']}),
    ('hold the red ball', {'what': 'red ball'}),
    ('retrieve the cube', {'what': 'cube'}),
    # helper-46: with something before "start by", "help me" before the verb, "try and",
    # "keep trying to", -ing with "me", how it is done after the object, the next step
    # in -ing.
    ('Can you help me by picking up the blue cube?', {'what': 'blue cube'}),
    ('First, start by locating the white cube.', {'what': 'white cube'}),
    ('okay so start by finding the red ball', {'what': 'red ball'}),
    ('Help me find the red ball', {'what': 'red ball'}),
    ('try and find the red ball', {'what': 'red ball'}),
    ('Keep trying to find the red ball', {'what': 'red ball'}),
    ('Bringing me the red ball', {'what': 'red ball'}),
    ('Pick up the red ball by grasping it', {'what': 'red ball'}),
    ('Pick up the mug by grabbing its handle', {'what': 'mug'}),
    ('Pick up the red ball, placing it in the bin',
     {'what': 'red ball', 'destination': ['in the bin']}),
    # Begun with an object, "instead", "instead of X, Y".
    ('Start with the red ball', {'what': 'red ball'}),
    ("Let's begin with the blue cube, then the red ball",
     {'what': 'blue cube', 'also': [{'what': 'red ball'}]}),
    ('Go ahead with the red ball', {'what': 'red ball'}),
    ('Try the blue cube instead', {'what': 'blue cube'}),
    ('Instead of the red ball, grab the blue cube.',
     {'what': 'blue cube', 'exclude': ['red ball']}),
    ('the blue cube instead of the red ball', {'what': 'blue cube', 'exclude': ['red ball']}),
    ('the start button', {'what': 'start button'}),
    # A part to hold it by is no place of it, after a verb that holds it.
    ('grab the mug by the handle', {'what': 'mug'}),
    ('grab the black mug by the white handle', {'what': 'black mug'}),
    ('grab the mug by the handle on the left', {'what': 'mug', 'relation': 'left'}),
    ('find the blue cube by the handle', {'what': 'blue cube', 'link': 'next_to',
                                          'reference': {'what': 'handle'}}),
    ('pick the cup up by its rim, carefully', {'what': 'cup'}),
    ('Start by picking the red ball by the top', {'what': 'red ball'}),
    # "by" as a place, and the words of objects, stay.
    ('the red ball by the mug', {'what': 'red ball', 'link': 'next_to',
                                 'reference': {'what': 'mug'}}),
    ('the mug by the window', {'what': 'mug', 'link': 'next_to',
                               'reference': {'what': 'window'}}),
    ('the setting sun', {'what': 'setting sun'}),
    ('the try square', {'what': 'try square'}),
    ('holding pattern', {'what': 'holding pattern'}),
])
def test_how_a_step_is_begun_and_verbs_in_ing_name_no_object(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    # What it is for names another thing, whose number is not the object's (session 22:
    # both were plural, every red ball posed).
    ('Get the red ball for the kids', {'what': 'red ball for kids'}),
    ('the box for the screws', {'what': 'box for screws'}),
    ('the boxes for the screws', {'what': 'box for screws', 'plural': True}),
    ('two boxes for screws', {'what': 'box for screws', 'plural': True, 'count': 2}),
    ('the red balls', {'what': 'red ball', 'plural': True}),
])
def test_the_number_of_an_object_is_its_own_not_what_it_is_for(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text', [
    'grab them all', 'them', 'pick them up', 'them all', 'all of them', 'both of them',
    'pick up those', 'this', 'this one', 'all of those', 'each of these', 'every one of them',
    'those two', 'grab these'])
def test_a_pronoun_with_nothing_it_refers_to_names_no_object(text):
    """"them", "these", "those", "this" name no object, with a quantifier too (helper-64).

    Before: 0 of 14 refused: "grab them all" scored the plural object "them", "all of
    those" the object "those", "both of them" two "them"s.
    """
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused and text in q.refused


@pytest.mark.parametrize('text, described', [
    # A demonstrative is a determiner: it was scored ("this cube", "those ball").
    ('this cube', {'what': 'cube'}),
    ('grab those balls', {'what': 'ball', 'plural': True}),
    ('these red balls', {'what': 'red ball', 'plural': True}),
    # A pronoun said of the object named before it adds nothing.
    ('them, the red balls', {'what': 'red ball', 'plural': True}),
    ('the red balls. grab them all', {'what': 'red ball', 'plural': True}),
    ('I see two red balls. Grab them.', {'what': 'red ball', 'plural': True, 'count': 2}),
    # "all" alone is still every object.
    ('grab all', {'what': 'object', 'plural': True}),
])
def test_a_demonstrative_or_a_pronoun_of_a_named_object_adds_nothing(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    ('the mug I left by the sink', {'what': 'mug', 'link': 'next_to',
                                    'reference': {'what': 'sink'}}),
    ('the ball I left on the table', {'what': 'ball'}),
    ('the mug that I left on the table', {'what': 'mug'}),
    ('the cube I put by the mug', {'what': 'cube', 'link': 'next_to',
                                   'reference': {'what': 'mug'}}),
    ('the ball you saw', {'what': 'ball'}),
    ('the mug you saw on the left', {'what': 'mug', 'relation': 'left'}),
    ("the red ball I've just dropped", {'what': 'red ball'}),
    ('the mug we talked about', {'what': 'mug'}),
    ('the mug I asked for', {'what': 'mug'}),
    ('the red ball which you picked up earlier, on the left',
     {'what': 'red ball', 'relation': 'left'}),
    ('I left the mug by the sink', {'what': 'mug', 'link': 'next_to',
                                    'reference': {'what': 'sink'}}),
    ('you left the ball on the left', {'what': 'ball', 'relation': 'left'}),
])
def test_a_relative_clause_after_the_noun_gives_no_side_or_object_words(text, described):
    """"I left", "you saw", "that I put" say what was done with it (helper-64).

    Before: 0 of 12 read as meant: "the mug I left by the sink" was the side left and the
    object "mug i", "the ball I left on the table" the object "ball i", "the ball you saw"
    "ball you saw", "the cube I put by the mug" "cube i put".
    """
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    ('the ball left of the mug', {'what': 'ball', 'link': 'left_of',
                                  'reference': {'what': 'mug'}}),
    ('can you find the ball', {'what': 'ball'}),
    ('the ball to my left', {'what': 'ball', 'relation': 'left', 'speaker_side': 'my left'}),
    ('the green cube, I mean the red cube', {'what': 'red cube'}),
    ('the red ball I meant the blue mug', {'what': 'blue mug'}),
])
def test_left_as_a_side_and_corrections_stay(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, what, said', [
    ('the red-ish ball', 'red ball', 'red-ish'),
    ('the reddish ball', 'red ball', 'reddish'),
    ('the redish ball', 'red ball', 'redish'),
    ('the reddd ball', 'red ball', 'reddd'),
    ('the bluish mug', 'blue mug', 'bluish'),
    ('the blueish mug', 'blue mug', 'blueish'),
    ('the bluuue mug', 'blue mug', 'bluuue'),
    ('the greenish cube', 'green cube', 'greenish'),
    ('the greeeen cube', 'green cube', 'greeeen'),
    ('the yellowish cylinder', 'yellow cylinder', 'yellowish'),
    ('the whitish box', 'white box', 'whitish'),
    ('grab the ball which is reddish', 'red ball', 'reddish'),
])
def test_a_colour_said_as_a_shade_or_with_a_held_letter_is_the_colour(text, what, said):
    """"-ish" and a letter held down are the colour, and the query says so (helper-64).

    Before: 0 of 12 read as the colour: "reddish ball", "red ish ball", "reddd ball",
    "bluish mug" were scored as said.
    """
    q = parse_command(text)
    assert q.what == what and q.read_as == ((said, what.split()[0]),)


@pytest.mark.parametrize('text', ['the reed', 'the radish', 'the english book', 'the red ball',
                                  'the light blue mug', 'the coffee mug'])
def test_words_that_are_no_shade_of_a_colour_stay(text):
    q = parse_command(text)
    assert q.read_as == () and q.what == text[4:]


@pytest.mark.parametrize('text, what, emoji', [
    ('grab the \U0001f534 ball', 'red ball', '\U0001f534'),
    ('the \U0001f7e6 cube', 'blue cube', '\U0001f7e6'),
    ('the \U0001f7e2cylinder', 'green cylinder', '\U0001f7e2'),
    ('the \U0001f7e1 cylinder', 'yellow cylinder', '\U0001f7e1'),
    ('the \u2b1b box', 'black box', '\u2b1b'),
    ('the \U0001f534 one', 'red', '\U0001f534'),
])
def test_a_coloured_circle_or_square_emoji_is_its_colour(text, what, emoji):
    """A coloured circle or square is its colour, and the query says so (helper-64).

    Before: the emoji was dropped as punctuation, "grab the red-circle ball" the object
    "ball"; 0 of 6 read with the colour.
    """
    q = parse_command(text)
    assert q.what == what and q.read_as == ((emoji, what.split()[0]),) and not q.refused


@pytest.mark.parametrize('text, what, symbol', [('the \u2b50 ball', 'ball', '\u2b50'),
                                                ('the red ball \U0001f44d', 'red ball',
                                                 '\U0001f44d')])
def test_another_pictograph_is_dropped_and_said(text, what, symbol):
    q = parse_command(text)
    assert q.what == what and q.symbols == (symbol,) and not q.refused


@pytest.mark.parametrize('text', ['\U0001f534\U0001f9ca', '\U0001f642',
                                  'the \U0001f7e6 \U0001f9ca', 'grab the \U0001f535 \u2615'])
def test_an_object_said_only_as_a_pictograph_is_refused_naming_it(text):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused and 'pictograph' in q.refused


@pytest.mark.parametrize('text, described, said', [
    ('the read ball', {'what': 'red ball'}, 'read'),
    ('the blew mug', {'what': 'blue mug'}, 'blew'),
    ('grab the big read ball', {'what': 'red ball', 'size': 'largest'}, 'read'),
    ('two read balls', {'what': 'red ball', 'plural': True, 'count': 2}, 'read'),
    ('pick up to red balls', {'what': 'red ball', 'plural': True, 'count': 2}, 'to'),
    ('the for cubes', {'what': 'cube', 'plural': True, 'count': 4}, 'for'),
    ('the to mugs', {'what': 'mug', 'plural': True, 'count': 2}, 'to'),
    ('grab too blue mugs', {'what': 'blue mug', 'plural': True, 'count': 2}, 'too'),
    ('pick up the for large blue mugs', {'what': 'blue mug', 'plural': True, 'count': 4,
                                         'size': 'largest'}, 'for'),
])
def test_a_homophone_where_it_cannot_be_the_word_meant_is_read_as_meant(text, described,
                                                                        said):
    """A recogniser's "read", "blew", "to", "for" in a colour or count slot (helper-64).

    Before: 0 of 9 read as meant: "read ball", "blew mug" scored; "pick up to red balls"
    lost the count 2; "the for cubes" was the object "for cube".
    """
    q = parse_command(text)
    d = describe(q)
    assert d.pop('read_as') == [[said, _HOMOPHONES_READ[said]]] and d == described


_HOMOPHONES_READ = {'read': 'red', 'blew': 'blue', 'to': 'two', 'too': 'two', 'for': 'four'}


@pytest.mark.parametrize('text, described', [
    ('read the label', {'what': 'read label'}),
    ('the ball next to red mugs', {'what': 'ball', 'link': 'next_to',
                                   'reference': {'what': 'red mug', 'plural': True}}),
    ('look for red balls', {'what': 'red ball', 'plural': True}),
    ('go to the balls', {'what': 'ball', 'plural': True}),
    ('the box for screws', {'what': 'box for screws'}),
    ('I need to find red balls', {'what': 'red ball', 'plural': True}),
    ('pick up to 3 balls', {'what': 'ball', 'plural': True, 'count': 3}),
])
def test_the_words_themselves_stay_where_they_can_be_meant(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    ('what kind of ball is the red one', {'what': 'red ball'}),
    ('what type of mug is the one on the left', {'what': 'mug', 'relation': 'left'}),
    ('something like a red ball', {'what': 'red ball', 'any_one': True}),
    ('anything like the blue mug', {'what': 'blue mug'}),
    ('the colour of the ball', {'what': 'ball'}),
    ('tell me the colour of the ball', {'what': 'ball'}),
    ("what's the material of the cube", {'what': 'cube'}),
    ('the mug that looks like the red one',
     {'what': 'mug', 'unchecked': ['that looks like the red one']}),
    ('the cube which looks like the blue one',
     {'what': 'cube', 'unchecked': ['which looks like the blue one']}),
    # What a thing said without a noun looks like is the object (session 21), and a
    # colour chart is an object.
    ('the one that looks like a ball', {'what': 'ball'}),
    ('something shaped like a cup', {'what': 'cup'}),
    ('the colour chart', {'what': 'colour chart'}),
])
def test_a_question_or_likeness_around_the_object_names_no_word_of_it(text, described):
    """Asking of a property, "something like", "looks like" (helper-64).

    Before: "red what ball", "what type mug", "like red ball", "colour ball", "tell colour
    ball", "material cube"; "the mug that looks like the red one" was the red mug itself;
    0 of 9 read as here.
    """
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, what', [
    ('\x1b[32mthe red ball\x1b[0m', 'red ball'),  # a colour, then reset
    ('\x1b[1;31mred\x1b[0m ball', 'red ball'),  # bold red on one word
    ('\x9b33mthe cube\x9b0m', 'cube'),  # the one-byte CSI
    ('\x1b]0;agent\x07the blue mug', 'blue mug'),  # a window title (OSC, BEL)
    ('\x1b]8;;file:///x\x1b\\the red ball\x1b]8;;\x1b\\', 'red ball'),  # a link (OSC 8)
    ('\x1b(Bthe cube', 'cube'),  # a character-set escape
])
def test_a_terminals_escape_sequences_are_dropped_whole(text, what):
    """Text copied or piped from a coloured terminal keeps its escape sequences.

    An agent passing a tool's output on sends them (PostHog/code#613, dnouri/pilish#63:
    "[32m" shown as text). Only the ESC was dropped before, so "[32m" and "[0m" were words
    of the object ("32mthe red ball 0m": 0 of 6 read right before, 6 of 6 now).
    """
    assert parse_command(text).what == what


# A fenced code block inside a model's reply (redis/agent-memory-server#236: fences "or
# commentary around the JSON"; microsoft/PyRIT#413: an opening fence never closed). Each
# was read with its talk and its fence's language tag as objects ("sure json" and "object
# red ball"; 0 of 8 right before, helper-79).
@pytest.mark.parametrize('text, what', [
    ('Sure:\n```json\n{"object": "red ball"}\n```', 'red ball'),
    ('```json\n{"object": "red ball"}\n```\nThis selects the red ball.', 'red ball'),
    ('Here is the JSON:\n```json\n{"target": "blue mug"}\n```\nLet me know.', 'blue mug'),
    ('``` json\n{"object": "green cube"}\n```', 'green cube'),  # a space before the tag
    ('~~~json\n{"object": "red ball"}\n~~~', 'red ball'),  # CommonMark's tilde fence
    ('```json\n{"object": "red ball"}', 'red ball'),  # never closed
    ('Sure! ```json {"object": "blue mug"} ```', 'blue mug'),
    ('Sure:\n```\nthe blue mug\n```', 'blue mug'),  # words, not JSON
])
def test_a_fenced_block_in_a_reply_is_the_command(text, what):
    q = parse_command(text)
    assert (q.what, q.also) == (what, ()), describe(q)


def test_a_fenced_cancel_in_a_reply_cancels_and_tildes_elsewhere_stay():
    assert is_cancel('Sure:\n```json\n{"command": "stop"}\n```')
    assert parse_command('~~the blue mug~~ the red ball').what == 'red ball'
    q = parse_command('```\nred ball\nblue mug\n```')
    assert [o.what for o in (q,) + q.also] == ['red ball', 'blue mug'], describe(q)


# An object given as a mapping of its properties, or under a task key (the last round's
# left-alone; ggml-org/llama.cpp#20198: tool-call arguments sent as an object), and a place
# under its own key (helper-76 left it): keys were scored as words ("task object color
# red type ball") or the place dropped (any ball). 0 of 7 right before (helper-79).
@pytest.mark.parametrize('text, described', [
    ('{"task": {"object": {"color": "red", "type": "ball"}}}', {'what': 'red ball'}),
    ('{"object": {"color": "red", "type": "ball"}}', {'what': 'red ball'}),
    ('{"action": "pick", "goal": {"color": "blue", "class": "mug"}}', {'what': 'blue mug'}),
    ('{"action": "pick", "task": {"object": "red ball"}}', {'what': 'red ball'}),
    ('{"object": "ball", "position": "left"}', {'what': 'ball', 'relation': 'left'}),
    ('{"object": "ball", "color": "red", "side": "right"}',
     {'what': 'red ball', 'relation': 'right'}),
    ('find(color="green", type="cube")', {'what': 'green cube'}),
])
def test_an_object_given_as_a_mapping_or_with_its_place_is_read_whole(text, described):
    assert describe(parse_command(text)) == described


# A tool call with no object (the last round's left-alone): "cancel_task()" and
# "abort_mission()" were the objects "cancel task" and "abort mission", "find_object()"
# looked for any object, "detect_ball()" for a "detect ball"; a cancel's task said
# without a determiner ("cancel goal") likewise. 0 of 9 right before (helper-79).
@pytest.mark.parametrize('text', ['cancel_task()', 'abort_mission()', 'cancelAllGoals()',
                                  'cancel task', 'abort mission', 'stop goal'])
def test_a_call_or_words_cancelling_the_task_cancel(text):
    assert is_cancel(text)


@pytest.mark.parametrize('text, what, refused', [
    ('find_object()', 'object', True),
    ('detect()', 'object', True),
    ('detect_ball()', 'ball', False),
    ('the stop sign', 'stop sign', False),  # no cancel: an object
])
def test_a_call_naming_no_object_is_refused_and_its_verb_is_no_word_of_one(text, what,
                                                                          refused):
    q = parse_command(text)
    assert (q.what, q.refused is not None) == (what, refused), describe(q)


# Halting as the last step, after "and" or "then" (the last round's left-alone): "find
# the red ball and then stop" was refused as a cancel of itself, "pick up the red ball and
# then stop there" listed a second object "stop", "go to the red ball and then wait" was
# refused as a motion only. 0 of 7 right before (helper-79).
@pytest.mark.parametrize('text, motions', [
    ('find the red ball and then stop', ('stop',)),
    ('find the red ball then stop', ('stop',)),
    ('get the red ball and stop', ('stop',)),
    ('Find the red ball. Then halt.', ('halt',)),
    ('pick up the red ball and then stop there', ('stop there',)),
    ('go to the red ball and stop', ('stop',)),
    ('go to the red ball and then wait', ('wait',)),
])
def test_halting_as_the_last_step_is_a_step_after_the_object(text, motions):
    assert not is_cancel(text)
    q = parse_command(text)
    assert (q.what, q.also, q.motions, q.refused) == ('red ball', (), motions, None), \
        describe(q)


@pytest.mark.parametrize('text', ['find the red ball, stop', 'the red ball stop',
                                  'red ball stop stop', 'the red ball, stop there',
                                  'the red ball, stop right there',
                                  'find the red ball and stop, stop!'])
def test_a_stop_said_after_the_object_without_and_or_then_still_cancels(text):
    assert is_cancel(text)


# Chat-speak (the last round's left-alone; kossiitkgp/kosschatbot#12: chat abbreviations
# a bot must read; MycroftAI/mycroft-core#2067: normalise an utterance before its intent)
# and a request asked as a question of ability or will. "pls grab da red ball" was the
# object "da red ball", "u see the mug?" "u mug", "r u able to find the red ball" "r u
# able red ball". 1 of 12 right before (helper-79).
@pytest.mark.parametrize('text, what', [
    ('pls grab da red ball', 'red ball'),
    ('u see the mug?', 'mug'),
    ('can u get teh red ball', 'red ball'),
    ('r u able to find the red ball', 'red ball'),
    ('gimme the red ball', 'red ball'),
    ('lemme see the blue mug', 'blue mug'),
    ('wanna grab the blue mug?', 'blue mug'),
    ('grab tha green cube pls', 'green cube'),
    ('find the red ball 4 me', 'red ball'),
    ('pls find ur red ball thx', 'red ball'),
    ('are you able to find the red ball', 'red ball'),
    ('do you want to grab the blue mug', 'blue mug'),
])
def test_chat_speak_and_a_request_asked_as_a_question_name_the_object(text, what):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == (what, (), None), describe(q)


def test_chat_speak_words_after_an_article_or_in_a_name_stay():
    assert parse_command('the u bolt').what == 'u bolt'
    assert parse_command('the U-bolt').what == 'u bolt'
    assert parse_command('the 4 red balls').count == 4
    assert parse_command('the box w/ a lid').what == 'box with lid'
    assert parse_command('yo yo').what == 'yo'  # a toy's name, as it was
    q = parse_command('the red ball n the blue mug')
    assert [o.what for o in (q,) + q.also] == ['red ball', 'blue mug'], describe(q)


# A slot its sender left unfilled (BehaviorTree/BehaviorTree.CPP#563: a subtree's port not
# remapped; a parameter file read without launch substitutions): "{target}" was the
# object "target", "pick up the {object_name}" "object name", "$(var target)" "var
# target". 0 of 8 refused before (helper-79).
@pytest.mark.parametrize('text', ['{target}', 'find {target}', 'pick up the {object_name}',
                                  '${target}', '{{ object }}', '$(var target)',
                                  'find %(target)s', '{targetObject}'])
def test_a_slot_left_unfilled_is_no_command(text):
    assert 'left unfilled' in not_a_command(text)
    assert 'left unfilled' in parse_command(text).refused


@pytest.mark.parametrize('text, what', [('the {red} ball', 'red ball'),
                                        ('{the red ball}', 'red ball'),
                                        ('{object: red ball}', 'red ball'),
                                        ('{"target": "blue mug"}', 'blue mug')])
def test_words_or_structure_in_braces_are_no_slot(text, what):
    assert not_a_command(text) is None and parse_command(text).what == what


# A structured command none of whose values is text (helper-h159's brief: a planner, an
# LLM's tool call or a web form that filled in no object, JSON null, Python None, a
# number, true/false, an empty list): its keys and values were the command's words, the
# objects "command null", "object null color null", "id 3 command null", which replaced
# the active command. 0 of 14 refused before.
@pytest.mark.parametrize('text', [
    '{"command": null}', '{"data": {"command": null}}', "{'command': None}",
    '{"command": None}', '{command: null}', '{"object": null, "color": null}',
    '{"id": 3, "command": 5}', '{"command": true}', '{"command": []}', '{"object": {}}',
    '{"result": {"object": null}}', '```json\n{"object": null}\n```',
    'data: {"command": null}', '{"data": "{\\"command\\": null}"}'])
def test_a_structured_command_with_no_text_in_it_is_no_command(text):
    assert 'none of whose values is text' in not_a_command(text), text
    assert 'none of whose values is text' in parse_command(text).refused


# Controls: text anywhere in it is read as before; a mapping of keys the node does not
# read may hold its words in a key; braces around words are no structure.
@pytest.mark.parametrize('text, what', [
    ('{"command": "red ball", "id": null}', 'red ball'),
    ('{"object": null, "command": "the blue mug"}', 'blue mug'),
    ('{"command": ["red ball"]}', 'red ball'), ('{"red ball": null}', 'red ball null'),
    ('{the red ball}', 'red ball'), ('[red ball]', 'red ball')])
def test_a_structured_command_with_text_in_it_reads_as_before(text, what):
    assert not_a_command(text) is None and parse_command(text).what == what


# A field left blank names nothing, as null does (helper-h165's brief: the object
# "action object", "red object color", "action target location table").
@pytest.mark.parametrize('text, read', [
    ('{"action": "pick", "object": ""}', 'pick'), ('{"action": "pick", "object": " "}', 'pick'),
    ("{'action': 'pick', 'object': ''}", 'pick'), ('{"object": "", "color": "red"}', 'red'),
    ('{"action": "pick", "target": "", "location": "table"}', 'pick it')])
def test_a_blank_field_of_a_structured_command_names_nothing(text, read):
    assert clean_command(text) == read
    assert f'(read as "{read}")' in (rejected_goal(text) or '') or read == 'red'


# Controls: blank fields beside an object are dropped, the object read as before.
@pytest.mark.parametrize('text, what', [
    ('{"object": "red ball", "color": ""}', 'red ball'),
    ('{"object": "", "command": "the red ball"}', 'red ball'),
    ('{"action": "pick", "object": "blue mug", "location": ""}', 'blue mug')])
def test_a_blank_field_beside_an_object_reads_the_object(text, what):
    assert parse_command(text).what == what and rejected_goal(text) is None


# Several colours in a list: offered with "or" (they were dropped without a word); a value
# of no words is named among the fields not read.
def test_colours_in_a_list_are_offered_and_numbers_are_named():
    q = parse_command('{"object": "ball", "color": ["red", "blue"]}')
    assert describe(q) == describe(parse_command('the red or blue ball'))
    assert q.what == 'red ball' and [a.what for a in q.alternatives] == ['blue ball']
    # The list written as one string (a form's text field): read "red blue ball" before.
    for one in ('"red, blue"', '"red; blue"', '" red ,blue, "'):
        assert describe(parse_command('{"object": "ball", "color": %s}' % one)) == \
            describe(q), one
    assert clean_command('{"object": "ball", "size": ["small"], "colour": ["red"]}') == \
        'small red ball'
    said = '{"object": "ball", "color": [255, 0, 0]}'
    assert unread_fields(said) == (('color', None),)
    assert '"color" (its value holds no words)' in unread_note(unread_fields(said))


# A `ros2 topic pub` / `rostopic pub` line pasted whole: the message it carries (it was
# the object "ros2 topic pub").
@pytest.mark.parametrize('text, read', [
    ('ros2 topic pub /command std_msgs/msg/String "data: red ball"', 'red ball'),
    ("ros2 topic pub --once /command std_msgs/msg/String '{data: \"the blue mug\"}'",
     'the blue mug'),
    ('ros2 topic pub -r 1 --qos-reliability reliable /command std_msgs/msg/String '
     '"data: the red ball"', 'the red ball'),
    ('ros2 topic pub --rate=2 /command std_msgs/msg/String "data: red ball" -t 3', 'red ball'),
    ('ros2 topic pub /command std_msgs/msg/String "data: red ball" --once', 'red ball'),
    ('$ ros2 topic pub /command std_msgs/msg/String "data: red ball', 'red ball'),
    ('rostopic pub -1 /command std_msgs/String "data: \'red ball\'"', 'red ball')])
def test_a_pasted_topic_pub_line_is_read_as_its_message(text, read):
    assert not_a_command(text) is None and clean_command(text) == read


def test_a_topic_pub_line_with_no_message_or_a_cancel_is_said_so():
    assert is_cancel('ros2 topic pub /command std_msgs/msg/String "data: stop"')
    why = not_a_command('ros2 topic pub /command std_msgs/msg/String')
    assert why is not None and 'publishes a message' in why and 'carries none' in why
    assert not_a_command('please ros2 topic pub red ball') is None  # no such line


# A command that names nothing is rejected without replacing the active one (an action
# server's goal callback REJECTs; helper-h165's brief: "?" from a GUI replaced it); only a
# negation alone and a cancel replace it.
@pytest.mark.parametrize('text, why', [
    ('...', 'names no object'), ('?!', 'names no object'), ('---', 'names no object'),
    ('#', 'names no object'), ('?', 'names no object'), ('it', 'names no object'),
    ('detect', 'say what to detect'), ('go to the kitchen', 'only asks the robot to move'),
    ('the heaviest', 'cannot be seen')])
def test_a_command_that_names_nothing_is_a_rejected_goal(text, why):
    assert why in rejected_goal(text)


@pytest.mark.parametrize('text', ['the red ball', 'not the blue mug', 'stop', 'cancel',
                                  'the red ball, not the blue mug'])
def test_a_command_a_negation_or_a_cancel_is_no_rejected_goal(text):
    assert rejected_goal(text) is None


# The same slot in the other marks templates, prompts and code use (camel-ai/camel#102: a
# prompt's "<YOUR_SOLUTION>" passed on; IBM/AssetOpsBench#160: "{step_2}" passed to the
# tool as said): "the <object>" and "[OBJECT]" were any object, "<TARGET>" the object
# "target", "find the %s" the object "s", "the red ball {color}" "red ball color".
@pytest.mark.parametrize('text, slot', [
    ('the <object>', '<object>'), ('pick up the <TARGET>', '<TARGET>'),
    ('<YOUR_SOLUTION>', '<YOUR_SOLUTION>'), ('pick up the [OBJECT]', '[OBJECT]'),
    ('pick up the __OBJECT__', '__OBJECT__'), ('pick up the OBJECT_NAME', 'OBJECT_NAME'),
    ('find the %s', '%s'), ('find the %1', '%1'), ('find the {0}', '{0}'),
    ('the red ball {color}', '{color}'), ('the <colour> <shape>', '<colour>'),
    ('{"object": "<object>"}', '<object>'), ('find {step_2}', '{step_2}'),
    # A slot's name alone in capitals in a lower-case command (review of 076b53e): "pick
    # up the TARGET" was the object "target", "the COLOR ball" any ball, "pick up the
    # COLOR SHAPE" the object "color shape".
    ('pick up the TARGET', 'TARGET'), ('the COLOR ball', 'COLOR'),
    ('pick up the COLOR SHAPE', 'COLOR'), ('grab the OBJECT', 'OBJECT'),
    ('the red SHAPE', 'SHAPE'), ('pick up the ITEM and place it on the GOAL', 'ITEM'),
])
def test_a_slot_marked_otherwise_is_left_unfilled(text, slot):
    why = not_a_command(text)
    assert why is not None and f'holds {slot}, a slot' in why
    assert 'left unfilled' in parse_command(text).refused


# Capitals that name no slot stay a command: shouted, emphasis on a word that is no slot
# name, capitals that name a thing (the slot's name alone in capitals is a slot: above).
@pytest.mark.parametrize('text, what', [
    ('THE RED BALL', 'red ball'), ('PICK UP THE OBJECT', 'object'),
    ('the BLUE mug', 'blue mug'), ('the USB TYPE-C cable', 'cable'),
    ('the USB TYPE C cable', 'cable'), ('the red ball on the LEFT', 'red ball'),
])
def test_capitals_that_name_no_slot_stay_a_command(text, what):
    assert not_a_command(text) is None and parse_command(text).what == what


# What JavaScript's String() writes for an object (a web UI or rosbridge client that sent
# the message object as its text): "[object Object]" was any object.
@pytest.mark.parametrize('text', ['[object Object]', 'pick up the [object Object]',
                                  '[object HTMLInputElement]', '[object Undefined]'])
def test_a_javascript_object_as_text_is_no_command(text):
    assert 'what JavaScript writes for an object' in not_a_command(text)
    assert parse_command(text).refused is not None


# Read as before: words in brackets that name no slot, tags closed by their name, a
# recogniser's notes, a percentage, an upper-case object name.
@pytest.mark.parametrize('text, what', [
    ('<the red ball>', 'red ball'), ('<label>the red ball</label>', 'red ball'),
    ('the [red] ball', 'red ball'), ('the red ball [BLANK_AUDIO]', 'red ball'),
    ('RED_BALL', 'red ball'), ('the red ball 100%', 'red ball'),
    ('grab the item', 'item')])
def test_brackets_that_mark_no_slot_are_read_as_before(text, what):
    assert not_a_command(text) is None and parse_command(text).what == what


# A speech recogniser's hallucinated tail after a real command (OpenWhispr/openwhispr
# #1458: "Thank you for watching" on trailing silence; adamcohenhillel/ADeus#7: "See you
# in the next video"): a second object "for watching", "subscribe". 0 of 6 before
# (helper-79).
@pytest.mark.parametrize('text, what', [
    ('the red ball. Thank you for watching!', 'red ball'),
    ('the red ball Thanks for watching', 'red ball'),
    ('find the blue mug. Please subscribe.', 'blue mug'),
    ('the red ball. Thanks for watching! Thanks for watching!', 'red ball'),
    ('find the green cube. See you in the next video.', 'green cube'),
    ('the red ball. Subtitles by the Amara.org community', 'red ball'),
])
def test_a_recognisers_hallucinated_tail_after_the_command_is_dropped(text, what):
    q = parse_command(text)
    assert (q.what, q.also) == (what, ()), describe(q)
    assert parse_command('the subscribe button').what == 'subscribe button'


# A wish said for the object, as people ask a robot or a chat (tue-robotics/tue_robocup
# #839: a bar robot's order grammar "can i have a BEVERAGE | i would like BEVERAGE";
# RoboCupAtHome/RuleBook#71: "I need some pills"). Before helper-83's round none read
# as the object: "can i have red ball", "could i blue mug", "id love red ball", "after red
# ball", "what red ball", "have red ball" (0 of 16).
@pytest.mark.parametrize('text, described', [
    ('can I have the red ball', {'what': 'red ball'}),
    ('could I get the blue mug', {'what': 'blue mug'}),
    ('may I have the blue mug on the left', {'what': 'blue mug', 'relation': 'left'}),
    ('can we get the two red balls', {'what': 'red ball', 'plural': True, 'count': 2}),
    ('can I please have the green cube', {'what': 'green cube'}),
    ("I'd love the red ball", {'what': 'red ball'}),
    ('I\u2019d prefer the blue mug', {'what': 'blue mug'}),
    ("I'd really like the red ball", {'what': 'red ball'}),
    ('I would love to have the red ball', {'what': 'red ball'}),
    ("I'll have the red ball", {'what': 'red ball'}),
    ("I'm after the red ball", {'what': 'red ball'}),
    ('I wish for the yellow cylinder', {'what': 'yellow cylinder'}),
    ('I require the green cube', {'what': 'green cube'}),
    ('what I want is the red ball', {'what': 'red ball'}),
    ('hey robot, can I have the red ball please', {'what': 'red ball'}),
    ('could I have the red ball or the blue mug',
     {'what': 'red ball', 'alternatives': [{'what': 'blue mug'}]}),
])
def test_a_wish_said_for_the_object_names_the_object(text, described):
    assert describe(parse_command(text)) == described


# A wish said with "not" (DanielLandi/real-wopr-programs#131: "I DON'T WANT ..." read as
# asking for it). Before: "I don't want the red ball" was the object "i" with "want red
# ball" excluded; "..., I want the blue mug" the object "i" too (0 of 7).
@pytest.mark.parametrize('text, described', [
    ("I don't want the red ball, I want the blue mug",
     {'what': 'blue mug', 'exclude': ['red ball']}),
    ('I do not need the blue mug, give me the red ball',
     {'what': 'red ball', 'exclude': ['blue mug']}),
    ('I don\u2019t want the red ball. Give me the blue one.',
     {'what': 'blue ball', 'exclude': ['red ball']}),
    ("the cube, I don't want the red one", {'what': 'cube', 'exclude': ['red cube']}),
])
def test_a_wish_said_with_not_excludes_its_object(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text', ["I don't want the red ball", "we wouldn't want the cube",
                                  'I do not need the blue mug'])
def test_only_an_unwanted_object_is_refused_as_only_what_not_to_pick(text):
    q = parse_command(text)
    assert q.refused and 'only what not to pick' in q.refused and q.exclude


@pytest.mark.parametrize('text, described', [
    # A remark and the target said with "I want" read as before.
    ('The red ball, please. I need it for the demo.',
     {'what': 'red ball', 'remarks': ['i need it for the demo']}),
    ('The thing I want you to pick up is the blue mug.', {'what': 'blue mug'}),
    ('the mug that I want', {'what': 'mug'}),
    ('I want you to find the red ball', {'what': 'red ball'}),
])
def test_words_of_wanting_that_are_no_wish_for_what_follows_stay(text, described):
    assert describe(parse_command(text)) == described


# A verb a perception node is asked with, said with no object, as typed on a shell or
# sent by a behaviour tree's action node (helper-83): "detect", "track", "scan",
# "identify", "search" were scored as objects ("detect" posed whatever looked most like
# the word), "detect objects" was every "detect object". 0 of 12 refused before; the
# verbs already filler ("find", "grab") were refused with no word of what to say.
@pytest.mark.parametrize('text, verb', [
    ('detect', 'detect'), ('Detect.', 'detect'), ('track', 'track'),
    ('please track', 'track'), ('scan', 'scan'), ('segment', 'segment'),
    ('identify', 'identify'), ('recognise', 'recognise'), ('search', 'search for'),
    ('look', 'look for'), ('can you detect', 'detect'), ('DETECT NOW', 'detect'),
    ('find', 'find'), ('pick up', 'pick up'),
])
def test_a_verb_with_no_object_is_refused_saying_what_to_add(text, verb):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused, describe(q)
    assert f'say what to {verb}, e.g. "{verb} the red ball"' in q.refused


@pytest.mark.parametrize('text, described', [
    ('detect objects', {'what': 'object', 'plural': True}),
    ('scan all objects', {'what': 'object', 'plural': True}),
    ('search for objects', {'what': 'object', 'plural': True}),
    # Verbs that are nouns, with their object or a determiner, read as before.
    ('the train track', {'what': 'train track'}),
    ('the track', {'what': 'track'}),
    ('track the red ball', {'what': 'red ball'}),
    ('watch', {'what': 'watch'}),
    ('the show', {'what': 'show'}),
])
def test_a_verb_before_every_object_or_a_verb_as_a_noun_reads_as_meant(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text', ['track it', 'grab them all', 'not to pick', '?'])
def test_a_pronoun_or_a_negation_with_a_verb_keeps_its_refusal(text):
    q = parse_command(text)
    assert q.refused and 'only filler words, pronouns' in q.refused


# A superlative or comparative of what no image shows (helper-83): weight, price, age,
# temperature, feel. Before: scored as said ("heaviest box", "expensive red mug"), 0 of 9
# read as the object with the word unchecked; "the heaviest" alone was any object.
@pytest.mark.parametrize('text, described', [
    ('the heaviest box', {'what': 'box', 'unchecked': ['heaviest']}),
    ('the most expensive red mug', {'what': 'red mug', 'unchecked': ['most expensive']}),
    ('the newest cup on the left', {'what': 'cup', 'relation': 'left',
                                    'unchecked': ['newest']}),
    ('the cheapest of the mugs', {'what': 'mug', 'unchecked': ['cheapest']}),
    ('the heavier of the two mugs', {'what': 'mug', 'unchecked': ['heavier']}),
    ('grab the oldest book', {'what': 'book', 'unchecked': ['oldest']}),
    ('the hottest cup', {'what': 'cup', 'unchecked': ['hottest']}),
    ('the softest ball', {'what': 'ball', 'unchecked': ['softest']}),
    ('the heaviest red ball and the blue mug',
     {'what': 'red ball', 'unchecked': ['heaviest'], 'also': [{'what': 'blue mug'}]}),
])
def test_a_superlative_no_image_shows_is_named_unchecked(text, described):
    q = parse_command(text)
    assert describe(q) == described
    assert all('is not checked: a camera image shows no weight' in unchecked_note(u)
               for u in q.unchecked)


@pytest.mark.parametrize('text', ['the heaviest', 'the older one', 'the most expensive'])
def test_a_superlative_no_image_shows_of_no_object_is_refused(text):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused and 'cannot be seen' in q.refused


# A comparative in -er that ends the noun phrase after a noun is the compound's head
# noun, an appliance (review of eb07be0: "the mug warmer" was read as the mug with
# "warmer" unchecked, "hand warmer" refused as naming no object); a degree before a
# comparative read out goes with it ("the much older mug" was the object "much mug").
@pytest.mark.parametrize('text, described', [
    ('the mug warmer', {'what': 'mug warmer'}),
    ('pick up the cup warmer', {'what': 'cup warmer'}),
    ('the baby bottle warmer', {'what': 'baby bottle warmer'}),
    ('a plate warmer', {'what': 'plate warmer', 'any_one': True}),
    ('the coffee warmer on the left', {'what': 'coffee warmer', 'relation': 'left'}),
    ('the plate warmer next to the cup', {'what': 'plate warmer', 'link': 'next_to',
                                          'reference': {'what': 'cup'}}),
    ('the heaviest box and the mug warmer',
     {'what': 'box', 'unchecked': ['heaviest'], 'also': [{'what': 'mug warmer'}]}),
])
def test_a_comparative_naming_an_appliance_is_read_as_its_name(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    ('the warmer cup', {'what': 'cup', 'unchecked': ['warmer']}),
    ('the much older mug', {'what': 'mug', 'unchecked': ['older']}),
    ('a far heavier box', {'what': 'box', 'unchecked': ['heavier'], 'any_one': True}),
    ('the even newer red cup', {'what': 'red cup', 'unchecked': ['newer']}),
])
def test_a_comparative_before_its_noun_is_read_out_with_its_degree(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text', ['the warmer one', 'the older', 'far newer'])
def test_a_comparative_after_an_article_or_degree_alone_is_still_refused(text):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused and 'cannot be seen' in q.refused


@pytest.mark.parametrize('text, described', [
    ('the biggest box', {'what': 'box', 'size': 'largest'}),
    ('the lightest blue mug', {'what': 'lightest blue mug'}),
    ('the darkest mug', {'what': 'darkest mug'}),
])
def test_a_superlative_an_image_shows_reads_as_before(text, described):
    assert describe(parse_command(text)) == described


# Asking whether or where the object is, with a verb around it, as said to a robot or
# typed to a chat (helper-83). Before: 0 of 12 read as the object: "do we have green
# cube", "have red ball", "got red ball", "can i red ball", "did red ball go", "does red
# ball exist", "what happened red ball", "do red ball".
@pytest.mark.parametrize('text, described', [
    ('got a red ball?', {'what': 'red ball', 'any_one': True}),
    ('do we have a green cube', {'what': 'green cube', 'any_one': True}),
    ('do you have the blue mug', {'what': 'blue mug'}),
    ('have you got the red ball', {'what': 'red ball'}),
    ('have you seen my blue mug?', {'what': 'blue mug'}),
    ('where can I find the red ball', {'what': 'red ball'}),
    ('where did the red ball go', {'what': 'red ball'}),
    ('where has the green cube gone', {'what': 'green cube'}),
    ('what happened to the red ball', {'what': 'red ball'}),
    ('does the red ball exist', {'what': 'red ball'}),
    ('do you know where the red ball is', {'what': 'red ball'}),
    ('does anyone know if the blue mug is on the left', {'what': 'blue mug',
                                                         'relation': 'left'}),
])
def test_asking_whether_or_where_the_object_is_names_the_object(text, described):
    assert describe(parse_command(text)) == described


@pytest.mark.parametrize('text, described', [
    ('do you see the red ball on the left', {'what': 'red ball', 'relation': 'left'}),
    ('Is there a red ball?', {'what': 'red ball', 'any_one': True}),
    ('have a look at the red ball', {'what': 'red ball'}),
])
def test_asking_whether_an_object_is_there_reads_as_before(text, described):
    assert describe(parse_command(text)) == described


# A place said with two directions (helper-88, a reviewer's report): "the red ball top
# left" kept "left" and dropped "top" without a word.
@pytest.mark.parametrize('text, what, relation, second', [
    ('the red ball top left', 'red ball', 'left', 'top'),
    ('the mug in the top left corner', 'mug', 'left', 'top'),
    ('the cube in the bottom right corner', 'cube', 'right', 'bottom'),
    ('the cube bottom right', 'cube', 'right', 'bottom'),
    ('the upper left cup', 'cup', 'left', 'top'),
    ('the lower right ball', 'ball', 'right', 'bottom'),
    ('the ball at the top right of the table', 'ball', 'right', 'top'),
    ('the red ball on the top right', 'red ball', 'right', 'top'),
    ('the bottom-left cube', 'cube', 'left', 'bottom'),
    ('the top-right red ball', 'red ball', 'right', 'top'),
    ('the leftmost topmost ball', 'ball', 'left', 'top'),
    ('the ball on the left, at the top', 'ball', 'left', 'top'),
    ('the front left mug', 'mug', 'left', 'nearest'),
    ('the cup in the front left corner', 'cup', 'left', 'nearest'),
    ('the mug in the back right corner', 'mug', 'right', 'farthest'),
    ('the far right cup', 'cup', 'right', 'farthest'),
    ('the left ball at the back', 'ball', 'left', 'farthest'),
    ('the nearest ball on the left', 'ball', 'left', 'nearest'),
    ('pick up the top left one', 'object', 'left', 'top'),
    # How far the place goes, said before it (helper-h111's brief: "the very far left
    # ball" was the object "very ball"; "near the far right corner of the table" lost
    # "far", the back).
    ('the very far left ball', 'ball', 'left', 'farthest'),
    ('the really far right red ball', 'red ball', 'right', 'farthest'),
    ('the ball very far left', 'ball', 'left', 'farthest'),
    ('near the far right corner of the table', 'object', 'right', 'farthest'),
    ('the ball near the far left corner of the desk', 'ball', 'left', 'farthest'),
    ('the mug in the far right corner of the table', 'mug', 'right', 'farthest'),
    ('the ball in the very far left corner of the image', 'ball', 'left', 'farthest'),
    ('the ball on the far right-hand corner of the table', 'ball', 'right', 'farthest'),
])
def test_a_place_said_with_two_directions_keeps_both(text, what, relation, second):
    q = parse_command(text)
    assert (q.what, q.relation, q.second_relation) == (what, relation, second), describe(q)
    assert q.unchecked == () and q.refused is None


# A degree said before one place word goes with it; "far" before a side alone, said with
# "on the", is the extreme side, as before (helper-h111).
@pytest.mark.parametrize('text, what, relation', [
    ('the extreme right mug', 'mug', 'right'),
    ('the very left ball', 'ball', 'left'),
    ('the ball on the very far left', 'ball', 'left'),
    ('the ball in the very back', 'ball', 'farthest'),
    ('the ball on the far left side of the table', 'ball', 'left'),
])
def test_a_degree_before_a_place_word_goes_with_it(text, what, relation):
    q = parse_command(text)
    assert (q.what, q.relation, q.second_relation) == (what, relation, None), describe(q)
    assert q.refused is None



# How far, said before a relation to an object (session 35): "far" was read as the
# relation farthest beside the link, "way" and "well" as words of the object ("ball
# way" behind the mug). "the far ball left of the mug" (before the noun) keeps farthest.
@pytest.mark.parametrize('text, link, reference', [
    ('the ball far left of the mug', 'left_of', 'mug'),
    ('the ball far to the left of the mug', 'left_of', 'mug'),
    ('the ball to the far left of the mug', 'left_of', 'mug'),
    ('the ball way left of the mug', 'left_of', 'mug'),
    ('the ball well to the right of the cube', 'right_of', 'cube'),
    ('the ball way over to the right of the cube', 'right_of', 'cube'),
    ('the ball far behind the mug', 'behind', 'mug'),
    ('the ball very far behind the mug', 'behind', 'mug'),
    ('the red ball way in front of the cube', 'in_front_of', 'cube'),
])
def test_how_far_said_before_a_relation_is_no_word_of_the_object(text, link, reference):
    q = parse_command(text)
    assert q.what.split()[-1] == 'ball' and q.relation is None, describe(q)
    assert (q.link, q.reference.what) == (link, reference), describe(q)
    assert q.unchecked == () and q.refused is None, describe(q)


@pytest.mark.parametrize('text, parsed', [
    ('the top one', {'what': 'object', 'relation': 'top'}),
    ('the left mug', {'what': 'mug', 'relation': 'left'}),
    ('left', {'what': 'object', 'relation': 'left'}),
    ('the box on top of the cube', {'what': 'box', 'link': 'on', 'reference': {'what': 'cube'}}),
    # "far" after "on the" is how far to the side, as "very": the extreme side.
    ('the cup on the far right', {'what': 'cup', 'relation': 'right'}),
    ('the cup at the far left of the table', {'what': 'cup', 'relation': 'left'}),
    ('the mug on the far right side of the image', {'what': 'mug', 'relation': 'right'}),
    ('the ball top left of the mug', {'what': 'ball', 'relation': 'top', 'link': 'left_of',
                                      'reference': {'what': 'mug'}}),
])
def test_one_direction_and_relations_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


def test_two_directions_alone_are_read_as_one_alone_is_and_a_third_is_named():
    # "top left" alone: as "left" alone is (any object there), with both directions.
    assert describe(parse_command('top left')) == {'what': 'object', 'relation': 'left',
                                                   'second_relation': 'top'}
    # A direction that cannot be acted on stays in the answer, never dropped unsaid.
    q = parse_command('the top middle ball')
    assert (q.relation, q.second_relation, q.unchecked) == ('top', None, ('middle',))
    assert '"middle" is not checked' in unchecked_note('middle')
    q = parse_command('the far top left ball')
    assert (q.relation, q.second_relation, q.unchecked) == ('left', 'top', ('farthest',))
    # "not" of a corner has no one opposite: named as not checked, not half read.
    q = parse_command('the ball not in the top left')
    assert (q.relation, q.unchecked) == (None, ('not in the top left',)), describe(q)
    # Counted from the end of two directions: the first from the opposite corner.
    q = parse_command('the last two cubes from the top left')
    assert (q.relation, q.second_relation, q.count) == ('right', 'bottom', 2)
    # A correction and a list keep the place each says.
    q = parse_command('the ball top left, no, bottom right')
    assert (q.relation, q.second_relation) == ('right', 'bottom')
    q = parse_command('the top left and the bottom right ball')
    assert (q.relation, q.second_relation) == ('left', 'top')
    assert (q.also[0].relation, q.also[0].second_relation) == ('right', 'bottom')


# A place in the view said with a word of nearness (helper-91's open case: "the red ball
# near the left corner" was next_to an object "corner" on the left).
@pytest.mark.parametrize('text, what, relation, second', [
    ('the red ball near the left corner', 'red ball', 'left', None),
    ('the ball by the top right corner', 'ball', 'right', 'top'),
    ('the mug close to the left edge', 'mug', 'left', None),
    ('the cube towards the right side', 'cube', 'right', None),
    ('the ball near the left edge of the table', 'ball', 'left', None),
    ('the ball next to the left corner of the image', 'ball', 'left', None),
    ('the red ball near the left', 'red ball', 'left', None),
    ('the mug near the right end', 'mug', 'right', None),
    ('the ball near the bottom edge', 'ball', 'bottom', None),
    ('the ball close to the front edge of the table', 'ball', 'nearest', None),
    ('the mug at the back corner', 'mug', 'farthest', None),
    ('the red ball near the top left corner of the table', 'red ball', 'left', 'top'),
    ('the ball near the far left corner', 'ball', 'left', 'farthest'),
])
def test_a_place_in_the_view_said_with_near_is_that_place(text, what, relation, second):
    q = parse_command(text)
    assert (q.what, q.relation, q.second_relation) == (what, relation, second), describe(q)
    assert q.link is None and q.reference is None and q.unchecked == (), describe(q)


@pytest.mark.parametrize('text, what, said', [
    ('the ball in the corner', 'ball', 'in the corner'),
    ('the ball near the corner', 'ball', 'near the corner'),
    ('the mug near the edge of the table', 'mug', 'near the edge of the table'),
    ('the ball by the edge', 'ball', 'by the edge'),
])
def test_a_corner_or_edge_with_no_side_is_named_as_not_checked(text, what, said):
    q = parse_command(text)
    assert (q.what, q.relation, q.link, q.unchecked) == (what, None, None, (said,)), describe(q)
    assert 'say which' in unchecked_note(said) and 'corner or an edge' in unchecked_note(said)


@pytest.mark.parametrize('text, parsed', [
    # Of an object, or an object called "corner ...": a relation, as before.
    ('the ball near the left corner of the mug', {
        'what': 'ball', 'link': 'next_to', 'reference': {'what': 'corner mug',
                                                         'relation': 'left'}}),
    ('the ball near the corner shelf', {'what': 'ball', 'link': 'next_to',
                                        'reference': {'what': 'corner shelf'}}),
    ('the ball next to the left mug', {'what': 'ball', 'link': 'next_to',
                                       'reference': {'what': 'mug', 'relation': 'left'}}),
    ('the cube in front of the table', {'what': 'cube', 'link': 'in_front_of',
                                        'reference': {'what': 'table'}}),
    ('the ball in the far left corner', {'what': 'ball', 'relation': 'left',
                                         'second_relation': 'farthest'}),
])
def test_a_relation_to_an_object_near_a_corner_is_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# A place said away from a side or off the edges (this session's brief: "the ball away
# from the left edge" was far from an object "edge", "the ball not on the edge" excluded
# the ball itself, "the mug away from me" the object "mug away").
@pytest.mark.parametrize('text, what, relation, second, read', [
    ('the ball away from the left edge', 'ball', 'right', None, 'on the right'),
    ('the cube far from the right side of the table', 'cube', 'left', None, 'on the left'),
    ('the mug further away from the left', 'mug', 'right', None, 'on the right'),
    ('the ball away from the top left corner', 'ball', 'right', 'bottom',
     'in the bottom right corner'),
    ('the ball well away from the back edge', 'ball', 'nearest', None, 'at the front'),
    ('the ball not on the edge', 'ball', 'middle', None, 'in the middle'),
    ('the ball away from the edges of the table', 'ball', 'middle', None, 'in the middle'),
    ('the mug that is not near a corner', 'mug', 'middle', None, 'in the middle'),
    ('the cube not at the edge of the image', 'cube', 'middle', None, 'in the middle'),
    ('the ball not close to the edge', 'ball', 'middle', None, 'in the middle'),
    ('the ball far from the corners', 'ball', 'middle', None, 'in the middle'),
    # The front or the back said alone, as the left is (review of c0711f0: "away from
    # the left" was the right, "away from the back" far from an object at the back).
    ('the ball away from the back', 'ball', 'nearest', None, 'at the front'),
    ('the cup far from the front', 'cup', 'farthest', None, 'at the back'),
    ('the mug well away from the rear', 'mug', 'nearest', None, 'at the front'),
])
def test_a_place_away_from_an_edge_is_the_other_side_or_the_middle(text, what, relation,
                                                                   second, read):
    q = parse_command(text)
    assert (q.what, q.relation, q.second_relation) == (what, relation, second), describe(q)
    assert q.link is None and q.exclude == () and q.unchecked == (), describe(q)
    assert q.read_as[-1][1] == read, q.read_as


@pytest.mark.parametrize('text, parsed', [
    ('the mug away from me', {'what': 'mug', 'relation': 'farthest'}),
    ('the ball furthest from me', {'what': 'ball', 'relation': 'farthest'}),
    ('the ball closest to the centre', {'what': 'ball', 'relation': 'middle'}),
    ('the ball in the middle of the table', {'what': 'ball', 'relation': 'middle'}),
    ('the ball farthest from the left edge', {'what': 'ball', 'relation': 'right'}),
    ('the ball not on the left edge', {'what': 'ball', 'relation': 'right'}),
    # Of an object: a relation to it, as before.
    ('the ball away from the mug', {'what': 'ball', 'link': 'far_from',
                                    'reference': {'what': 'mug'}}),
    ('the ball away from the left edge of the mug', {
        'what': 'ball', 'link': 'far_from', 'reference': {'what': 'edge mug',
                                                          'relation': 'left'}}),
    ('the ball on the edge', {'what': 'ball', 'unchecked': ['on the edge']}),
    ('the ball away from the back of the mug', {
        'what': 'ball', 'link': 'far_from', 'reference': {'what': 'mug',
                                                          'relation': 'farthest'}}),
])
def test_places_from_the_viewer_and_of_objects_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# What no camera image shows, said with "than" or after the noun (helper-91's open case:
# "the box heavier than the ball" was the object "box than ball", "the ball that is
# warmer" a remark about the ball, answered as "the ball" with nothing said).
@pytest.mark.parametrize('text, what, unchecked', [
    ('the box heavier than the ball', 'box', 'heavier than the ball'),
    ('the ball that is warmer', 'ball', 'warmer'),
    ('the ball that is heavy', 'ball', 'heavy'),
    ('the mug which is hotter than the cup', 'mug', 'hotter than the cup'),
    ('the box that weighs more', 'box', 'weighs more'),
    ('the box that costs the most', 'box', 'costs the most'),
    ('the cup that feels warm', 'cup', 'feels warm'),
    ('the box that is more expensive than the mug', 'box', 'more expensive than the mug'),
    ('the box which is heavier than the red one', 'box', 'heavier than the red one'),
    ('the mug that is much older than the cup', 'mug', 'older than the cup'),
    ("the box that's the heaviest", 'box', 'heaviest'),
    ('the box heavier than the ball, please', 'box', 'heavier than the ball'),
])
def test_a_property_no_image_shows_said_after_the_noun_is_named(text, what, unchecked):
    q = parse_command(text)
    assert (q.what, q.unchecked, q.refused) == (what, (unchecked,), None), describe(q)
    assert q.reference is None and q.remarks == (), describe(q)
    note = unchecked_note(unchecked)
    assert f'"{unchecked}" is not checked' in note and 'no weight, price' in note
    assert ('compared with' in note) == (' than ' in unchecked)


def test_a_property_no_image_shows_keeps_the_place_and_refuses_no_object():
    q = parse_command('the box heavier than the ball on the left')
    assert (q.what, q.relation, q.unchecked) == ('box', 'left', ('heavier than the ball',))
    q = parse_command('the one that is heavier')
    assert q.refused is not None and '"heavier" cannot be seen' in q.refused, describe(q)


@pytest.mark.parametrize('text, described', [
    ('the ball that is red', {'what': 'red ball'}),
    ('the hot water bottle', {'what': 'hot water bottle'}),
    ('the soft drink can', {'what': 'soft drink can'}),
    ('the mug warmer', {'what': 'mug warmer'}),
    ('the ball that is small', {'what': 'ball', 'size': 'smallest'}),
])
def test_a_seen_property_or_a_name_after_the_noun_reads_as_before(text, described):
    assert describe(parse_command(text)) == described


# A yes-or-no question whether an object has a part (helper-91's open case: "does it have
# a handle", "is there a handle" were commands for an object "handle").
@pytest.mark.parametrize('text, asked', [
    ('does it have a handle', 'whether it has a handle'),
    ('Does it have a handle?', 'whether it has a handle'),
    ('is there a handle', 'whether there is a handle'),
    ('is there a handle?', 'whether there is a handle'),
    ('are there handles', 'whether there are handles'),
    ('has it got a lid', 'whether it has a lid'),
    ('is there a lid on it', 'whether it has a lid'),
    ('does this one have a lid?', 'whether this one has a lid'),
    ('so does it have a spout', 'whether it has a spout'),
    ('do you see a handle', 'whether there is a handle'),
    ('does that have any scratches', 'whether that has any scratches'),
])
def test_a_question_whether_it_has_a_part_is_refused_saying_why(text, asked):
    q = parse_command(text)
    assert q.refused is not None and f'asks {asked}' in q.refused, describe(q)
    assert 'answers no yes-or-no question' in q.refused and 'the blue mug' in q.refused


@pytest.mark.parametrize('text, what, asked', [
    ('does the mug have a handle', 'mug', 'has a handle'),
    ('does the blue mug have a handle?', 'blue mug', 'has a handle'),
    ('is there a lid on the mug', 'mug', 'has a lid'),
    ('does the mug have two handles', 'mug', 'has two handles'),
    ('is there a crack in the blue mug', 'blue mug', 'has a crack'),
    ('has the red ball got a label', 'red ball', 'has a label'),
])
def test_a_question_whether_a_named_object_has_a_part_is_that_object(text, what, asked):
    q = parse_command(text)
    assert (q.what, q.unchecked, q.refused) == (what, (asked,), None), describe(q)
    assert q.text == text and 'no yes-or-no question' in unchecked_note(asked)


@pytest.mark.parametrize('text, described', [
    ('Is there a red ball?', {'what': 'red ball', 'any_one': True}),
    ('do you see a red ball', {'what': 'red ball', 'any_one': True}),
    ('have you got the red ball', {'what': 'red ball'}),
    ('the mug with the handle on the left', {'what': 'mug with handle', 'relation': 'left'}),
    ('grab the mug by the handle', {'what': 'mug'}),
])
def test_a_question_of_an_object_not_a_part_reads_as_before(text, described):
    assert describe(parse_command(text)) == described


# A place word written as one hyphenated word, as referring-expression sets and people
# type it (this session: "right-most mug" lost its side -- "right-" was read as an opening
# followed by punctuation, as "Right, the cube" -- and so did "well-made mug", "no-spill
# cup"; "the front-most cup", "the uppermost ball", "the far-left mug", "the
# second-from-left ball" were objects of those words).
@pytest.mark.parametrize('text, parsed', [
    ('right-most mug', {'what': 'mug', 'relation': 'right'}),
    ('right-hand mug', {'what': 'mug', 'relation': 'right'}),
    ('the front-most cup', {'what': 'cup', 'relation': 'nearest'}),
    ('the frontmost cup', {'what': 'cup', 'relation': 'nearest'}),
    ('the uppermost ball', {'what': 'ball', 'relation': 'top'}),
    ('the lower-most cube', {'what': 'cube', 'relation': 'bottom'}),
    ('the rear-most mug', {'what': 'mug', 'relation': 'farthest'}),
    ('the far-left mug', {'what': 'mug', 'relation': 'left', 'second_relation': 'farthest'}),
    ('the second-from-left ball', {'what': 'ball', 'relation': 'left', 'ordinal': 2}),
    ('the second-from-the-right mug', {'what': 'mug', 'relation': 'right', 'ordinal': 2}),
    ('well-made mug', {'what': 'well made mug'}),
    ('no-spill cup', {'what': 'no spill cup'}),
    # Openings with a dash still go.
    ('Right - the cube', {'what': 'cube'}),
    ('No - the blue mug', {'what': 'blue mug'}),
    ('well- the red ball', {'what': 'red ball'}),
    ('No-the blue mug', {'what': 'blue mug'}),
])
def test_a_place_word_written_hyphenated_is_that_place(text, parsed):
    assert describe(parse_command(text)) == parsed


# "right-hand" before a noun anywhere but first (review of a3596c8: only "right-hand red
# ball" opening the command lost its "hand"; "the right-hand red ball" was the object
# "hand red ball" on the right, "the left hand cup" "hand cup", "the lefthand mug" the
# object "lefthand mug"). "hand" said as the object, or as a part of something, stays.
@pytest.mark.parametrize('text, parsed', [
    ('the right-hand red ball', {'what': 'red ball', 'relation': 'right'}),
    ('the left-hand mug', {'what': 'mug', 'relation': 'left'}),
    ('grab the left hand cup please', {'what': 'cup', 'relation': 'left'}),
    ('the righthand mug', {'what': 'mug', 'relation': 'right'}),
    ('the left-hand side mug', {'what': 'mug', 'relation': 'left'}),
    ('the right-hand cup on the table', describe(parse_command('the right cup on the table'))),
    ('the left-hand cup next to the mug', describe(parse_command('the left cup next to the mug'))),
    ('the left hand', {'what': 'hand', 'relation': 'left'}),
    ('the left hand of the robot', {'what': 'hand', 'relation': 'left'}),
    ('the mug on the right hand side', {'what': 'mug', 'relation': 'right'}),
])
def test_a_side_said_with_hand_before_a_noun_is_that_side(text, parsed):
    assert describe(parse_command(text)) == parsed


# One pattern for a hesitation (language._HESITATION) at every place that drops one
# (this session's brief: six lists named um, uh, er... each its own way, so "ummm the red
# ball" scored "ummm red ball", "erm like the blue mug" "like blue mug", "stop uhh" the
# object "stop", "Hmmm" the object "hmmm", "erm does the mug have a handle" an object
# "does mug have handle", and "um, no, the blue mug" was refused as naming only what not
# to pick).
@pytest.mark.parametrize('text, parsed', [
    ('ummm the red ball', {'what': 'red ball'}),
    ('the red ball umm', {'what': 'red ball'}),
    ('erm like the blue mug', {'what': 'blue mug'}),
    ('uhm, like, the red ball', {'what': 'red ball'}),
    ('umm, well, the red ball', {'what': 'red ball'}),
    ('um, no, the blue mug', {'what': 'blue mug'}),
    ('erm... the blue mug', {'what': 'blue mug'}),
    ('erm does the mug have a handle', {'what': 'mug', 'unchecked': ['has a handle']}),
    ('the ball near the camera umm', {'what': 'ball', 'relation': 'nearest'}),
    ('the red ball, erm, on the left', {'what': 'red ball', 'relation': 'left'}),
])
def test_a_hesitation_however_spelt_is_dropped_wherever_said(text, parsed):
    assert describe(parse_command(text)) == parsed


# A backchannel (uh-huh, mm-hmm, mhm, uh-oh, huh) is a hesitation, and an opening said
# with no punctuation after it, as a recogniser without punctuation writes it, is one
# before a determiner (helper-h111's brief: "uh-huh the red ball" scored "uh huh red
# ball", "okay so the red ball" "so red ball", "sure the red ball" "sure red ball").
@pytest.mark.parametrize('text, parsed', [
    ('uh-huh the red ball', {'what': 'red ball'}),
    ('uh huh, the red ball', {'what': 'red ball'}),
    ('mm-hmm the red ball', {'what': 'red ball'}),
    ('mhm the blue mug', {'what': 'blue mug'}),
    ('uh-oh the red ball', {'what': 'red ball'}),
    ('huh the red ball', {'what': 'red ball'}),
    ('the red ball uh huh', {'what': 'red ball'}),
    ('so the red ball', {'what': 'red ball'}),
    ('well the red ball', {'what': 'red ball'}),
    ('sure the red ball', {'what': 'red ball'}),
    ('okay so the red ball', {'what': 'red ball'}),
    ('alright so um the red ball', {'what': 'red ball'}),
    ('yeah so the blue mug on the left', {'what': 'blue mug', 'relation': 'left'}),
    ('sure thing the red ball', {'what': 'red ball'}),
    ('right so the blue mug', {'what': 'blue mug'}),
    # Controls: "right" alone before a determiner is the side; "well made" a word.
    ('right the blue mug', {'what': 'blue mug', 'relation': 'right'}),
    ('the well made mug', {'what': 'well made mug'}),
    ('the 10 mm bolts', {'what': '10 mm bolt', 'plural': True}),
])
def test_a_backchannel_or_an_opening_without_punctuation_is_dropped(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text', ['umm stop', 'erm, cancel', 'stop uhh', 'hmm never mind',
                                  'ahh stop', 'Uh. Stop.', 'mm-hmm, stop', 'uh-huh stop'])
def test_a_cancel_with_a_hesitation_however_spelt_cancels(text):
    assert is_cancel(text)


@pytest.mark.parametrize('text', ['Umm.', 'Erm...', 'Hmmm', 'uhh', 'Uh-huh.', 'mm-hmm', 'Mhm'])
def test_a_hesitation_alone_however_spelt_asks_for_nothing(text):
    assert 'acknowledgement or a hesitation' in not_a_command(text)


# A command in another language (helper-91's open case: "la pelota roja", "der rote
# Ball", "红色的球", "赤いボール" were scored as said).
@pytest.mark.parametrize('text, said', [
    ('la pelota roja', '"la", the word it opens with'),
    ('um, la pelota roja', 'Spanish, French or Italian'),
    ('Okay der rote Ball', 'a word of German'),
    ('der rote Ball', 'a word of German'),
    ('Der rote Ball, bitte.', 'a word of German'),
    ('le ballon rouge', 'a word of French'),
    ('la palla rossa', 'Spanish, French or Italian'),
    ('coge la pelota roja', 'a word of Spanish'),
    ('nimm den blauen Becher', 'a word of German'),
    ('prends la tasse bleue', 'a word of French'),
    ('el cubo verde', 'a word of Spanish'),
    ('het blauwe kopje', 'a word of Dutch'),
    ('de rode bal', 'Dutch, Spanish, French or Portuguese'),
    ('红色的球', 'Chinese or Japanese (Han) script'),
    ('赤いボール', 'Japanese (kana) script'),
    ('빨간 공', 'Korean (Hangul) script'),
    ('красный мяч', 'Cyrillic script'),
    # Words of another language for a colour or a side, with no opener of its own or
    # mixed with English (this session's brief: "a bola vermelha", "the rote ball" were
    # scored as said; a real checkpoint reads "rote ball" as any ball).
    ('a bola vermelha', '"vermelha" reads as a word of Portuguese for a colour'),
    ('pegue a bola vermelha', 'a word of Portuguese'),
    ('o cubo azul', 'a word of Spanish or Portuguese'),
    ('palla rossa', '"rossa" reads as a word of Italian'),
    ('Die blaue Tasse', '"blaue" reads as a word of German'),
    ('the rot ball', '"rot" reads as a word of German'),
    # A word English spells too, beside another sign of the language (helper-h111).
    ('die rote Tasse', '"rote" reads as a word of German for a colour'),
    ('rote Tasse', '"rote" reads as a word of German'),
    ('rote und blaue', 'a word of German'),
    ('the vert and jaune mug', '"jaune" reads as a word of French'),
    ('la pelota rouge', 'Spanish, French or Italian'),
    ('el cubo derecho', 'a word of Spanish'),
    ('grab the rojo ball', '"rojo" reads as a word of Spanish'),
    ('the red ball on the izquierda', '"izquierda" reads as a word of Spanish for a side'),
    ('pick up the zwarte mug', 'a word of Dutch'),
    ('the mug on the rechts', 'a word of German for a side'),
    ('um, the gelbe cylinder', 'a word of German'),
    # A word of another language for the object, with no English word around it (this
    # session's brief: "die Tasse" was scored "die tasse", "taza" as said).
    ('die Tasse', '"tasse" reads as a word of German or French for an object'),
    ('Tasse', '"tasse" reads as a word of German or French'),
    ('die Flasche', '"flasche" reads as a word of German'),
    ('taza', '"taza" reads as a word of Spanish'),
    ('caixa', '"caixa" reads as a word of Portuguese'),
    ('Tazza', '"tazza" reads as a word of Italian'),
    ('pelota', '"pelota" reads as a word of Spanish'),
    # A lower-case name after another language's article: refused, saying how it is read.
    ('le creuset pot', 'a name that begins with "le" is read written with capitals or after '
                       '"the" ("the le creuset pot")'),
])
def test_a_command_in_another_language_is_refused_naming_it(text, said):
    q = parse_command(text)
    assert q.refused is not None and 'reads as another language than English' in q.refused
    assert said in q.refused and 'say it in English' in q.refused, q.refused


@pytest.mark.parametrize('text, what', [
    ('the red ball', 'red ball'),
    ('the piñata', 'piñata'),
    ('grab the pelota', 'pelota'),
    ('the la croix can', 'la croix can'),
    ('the 5 µm filter', '5 μm filter'),  # NFKC reads the micro sign as Greek mu
    ('the café mug', 'café mug'),
    # A word of another language for the object said in English: a loanword, read.
    ('the tazza on the left', 'tazza'),
    ('the le creuset pot', 'le creuset pot'),
    ('La Croix can', 'can'),
    # "die" is English too: a die (a cube with pips).
    ('the die', 'die'), ('die', 'die'), ('the red die', 'red die'),
    # A word of another language's lists that English text uses too, said in English
    # (helper-h111's brief: each was refused as French, German, Dutch or Spanish).
    ('the rouge ball', 'rouge ball'), ('the ball rouge', 'ball rouge'),
    ('the rote mug', 'rote mug'), ('pick up the linker arm', 'linker arm'),
    ('the vert mug', 'vert mug'), ('the derecho ball', 'derecho ball'),
    ('the bruin mug', 'bruin mug'), ('rouge ball', 'rouge ball'),
    ('the brush with the rouge', 'brush with rouge'), ('the rood', 'rood'),
])
def test_english_with_words_or_letters_of_other_languages_is_read(text, what):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)


# A brand or a proper name before a known noun (this session's brief: "the IKEA mug" was
# scored "ikea mug", a word the bundled model does not know; "Le Creuset pot" refused as
# French, "the Rosso Corsa mug" as Italian): a modifier the camera cannot check.
@pytest.mark.parametrize('text, what, name', [
    ('the IKEA mug', 'mug', 'IKEA'),
    ('the Starbucks cup', 'cup', 'Starbucks'),
    ('grab the Nike ball on the left', 'ball', 'Nike'),
    ('Le Creuset pot', 'pot', 'Le Creuset'),
    ('the Le Creuset mug', 'mug', 'Le Creuset'),
    ('the Rosso Corsa mug', 'mug', 'Rosso Corsa'),
    ('grab the Coca-Cola can', 'can', 'Coca-Cola'),
    ('Can I have the Yeti mug', 'mug', 'Yeti'),
    ('Grab The LEGO cube.', 'cube', 'LEGO'),
    ('the McDonald cup', 'cup', 'McDonald'),
    ('the iPhone case', 'case', 'iPhone'),
    # A title's abbreviation with its period is a word of the name (helper-h111's brief:
    # "the Dr. Pepper can" scored "dr pepper can", "the Mt. Fuji mug" two objects).
    ('the Dr. Pepper can', 'can', 'Dr. Pepper'),
    ('pick up the Dr. Pepper can', 'can', 'Dr. Pepper'),
    ('Dr. Pepper can', 'can', 'Dr. Pepper'),
    ('grab the St. Louis mug', 'mug', 'St. Louis'),
    ('the Mt. Fuji mug', 'mug', 'Mt. Fuji'),
    ('the Mr. Clean sponge', 'sponge', 'Mr. Clean'),
])
def test_a_brand_before_a_noun_is_read_as_a_name_not_checked(text, what, name):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)
    assert q.unchecked == (f'named {name}',), describe(q)
    assert unchecked_note(q.unchecked[0]).startswith(f'"{name}" is not checked: it was read '
                                                     'as a brand or a name'), q.unchecked

# Two objects told apart only by their names (helper-h122's brief: "the IKEA mug and the
# Starbucks mug" was one mug named both, the names taken out before "the mug and the mug"
# was read as one mug said again): each object keeps its own name.
@pytest.mark.parametrize('text, parsed', [
    ('the IKEA mug and the Starbucks mug', {
        'what': 'mug', 'unchecked': ['named IKEA'],
        'also': [{'what': 'mug', 'unchecked': ['named Starbucks']}]}),
    ('pick the IKEA mug and the Starbucks mug', {
        'what': 'mug', 'unchecked': ['named IKEA'],
        'also': [{'what': 'mug', 'unchecked': ['named Starbucks']}]}),
    ('the Nike shoe or the Adidas shoe', {
        'what': 'shoe', 'unchecked': ['named Nike'],
        'alternatives': [{'what': 'shoe', 'unchecked': ['named Adidas']}]}),
    ('the Coca-Cola can and the Pepsi can', {
        'what': 'can', 'unchecked': ['named Coca-Cola'],
        'also': [{'what': 'can', 'unchecked': ['named Pepsi']}]}),
    ('the LEGO brick, the Duplo brick', {
        'what': 'brick', 'unchecked': ['named LEGO'],
        'also': [{'what': 'brick', 'unchecked': ['named Duplo']}]}),
    ('the IKEA mug and the mug', {'what': 'mug', 'unchecked': ['named IKEA'],
                                  'also': [{'what': 'mug'}]}),
    # As before: one name, or objects of other nouns.
    ('the IKEA mug', {'what': 'mug', 'unchecked': ['named IKEA']}),
    ('the Starbucks mug and the red ball', {'what': 'mug', 'unchecked': ['named Starbucks'],
                                            'also': [{'what': 'red ball'}]}),
])
def test_objects_told_apart_by_their_names_stay_apart(text, parsed):
    assert describe(parse_command(text)) == parsed


# An object excluded that differs from the one asked for only by its name (helper-h127's
# brief: "the Nike shoe, not the Adidas shoe" excluded "shoe", the object itself, so nothing
# could be found): the name cannot be read from an image, so nothing is excluded and the
# excluded name is named as not checked.
@pytest.mark.parametrize('text, parsed', [
    ('the Nike shoe, not the Adidas shoe', {'what': 'shoe',
                                            'unchecked': ['named Nike', 'not named Adidas']}),
    ('the IKEA mug but not the Starbucks mug', {
        'what': 'mug', 'unchecked': ['named IKEA', 'not named Starbucks']}),
    ('the Coke can, not the Pepsi can', {'what': 'can',
                                         'unchecked': ['named Coke', 'not named Pepsi']}),
    ('the Nike shoe except the Adidas shoe', {
        'what': 'shoe', 'unchecked': ['named Nike', 'not named Adidas']}),
    ('grab the LEGO brick, not the Duplo brick', {
        'what': 'brick', 'unchecked': ['named LEGO', 'not named Duplo']}),
    # Controls: an exclusion said with a word the image shows stays.
    ('the Nike shoe, not the red one', {'what': 'shoe', 'exclude': ['red shoe'],
                                        'unchecked': ['named Nike']}),
    ('the red ball, not the blue ball', {'what': 'red ball', 'exclude': ['blue ball']}),
    # The excluded name's noun left out (helper-h130's brief: "adida shoe", "canon camera"
    # excluded, an object nobody said): the name is named as not checked.
    ('the Nike shoe not the Adidas one', {'what': 'shoe',
                                          'unchecked': ['named Nike', 'not named Adidas']}),
    ('the Sony camera, not the Canon', {'what': 'camera',
                                        'unchecked': ['named Sony', 'not named Canon']}),
    ('the Sony camera but not the Canon one.', {
        'what': 'camera', 'unchecked': ['named Sony', 'not named Canon']}),
    ('the mug, not the IKEA one', {'what': 'mug', 'unchecked': ['not named IKEA']}),
    ('the shoe except the Adidas', {'what': 'shoe', 'unchecked': ['not named Adidas']}),
    ('the Lexus keys, not the Toyota ones', {
        'what': 'key', 'unchecked': ['named Lexus', 'not named Toyota'], 'plural': True}),
    ('the shoe, not the Nike Air ones', {'what': 'shoe', 'unchecked': ['not named Nike Air']}),
    # Controls: a colour or a noun in capitals is no name.
    ('the red ball, not the Blue', {'what': 'red ball', 'exclude': ['blue ball']}),
    ('the red ball, not the Blue Mug', {'what': 'red ball', 'exclude': ['blue mug']}),
])
def test_an_exclusion_told_apart_only_by_a_name_excludes_nothing(text, parsed):
    q = parse_command(text)
    assert describe(q) == parsed
    for said in q.unchecked:
        if said.startswith('not named '):
            assert unchecked_note(said).startswith(f'"{said}" is not checked: the object said '
                                                   'with "not" differs'), said


# A name said inside what a negation excludes is never a name of the object looked for
# (session 40: "Not the Canon camera, the Sony camera" named Sony as excluded; "not the IKEA
# mug, the red one" asked for a red mug "named IKEA"): a negation said first excludes only
# its own phrase, up to the punctuation or "but" that parts it from what is wanted.
@pytest.mark.parametrize('text, parsed', [
    ('Not the Canon camera, the Sony camera', {
        'what': 'camera', 'unchecked': ['named Sony', 'not named Canon']}),
    ('Not the Canon, the Sony camera', {
        'what': 'camera', 'unchecked': ['named Sony', 'not named Canon']}),
    ('not the Canon camera but the Sony camera', {
        'what': 'camera', 'unchecked': ['named Sony', 'not named Canon']}),
    ('No, not the Adidas shoe; the Nike shoe.', {
        'what': 'shoe', 'unchecked': ['named Nike', 'not named Adidas']}),
    ('not the IKEA mug, the red one', {'what': 'red mug', 'unchecked': ['not named IKEA']}),
    ('the red one, not the IKEA mug', {'what': 'red', 'exclude': ['mug'],
                                       'unchecked': ['not named IKEA']}),
    ('the blue bowl, not the IKEA mug', {'what': 'blue bowl', 'exclude': ['mug'],
                                         'unchecked': ['not named IKEA']}),
    # A name before "one", its noun left out, wherever it is said.
    ('Not the Adidas shoe. The Nike one.', {
        'what': 'shoe', 'unchecked': ['named Nike', 'not named Adidas']}),
    ('the Nike shoe or the Adidas one', {
        'what': 'shoe', 'unchecked': ['named Nike'],
        'alternatives': [{'what': 'shoe', 'unchecked': ['named Adidas']}]}),
    ('the IKEA mug and the Starbucks one', {
        'what': 'mug', 'unchecked': ['named IKEA'],
        'also': [{'what': 'mug', 'unchecked': ['named Starbucks']}]}),
    ('the Nike shoe or the Adidas one, not the Puma ones', {
        'what': 'shoe', 'unchecked': ['named Nike', 'not named Puma'],
        'alternatives': [{'what': 'shoe', 'unchecked': ['named Adidas']}]}),
    ('the Canon camera, not the Sony or the Nikon', {
        'what': 'camera', 'unchecked': ['named Canon', 'not named Sony', 'not named Nikon']}),
    ('the Canon camera but neither the Sony nor the Nikon', {
        'what': 'camera', 'unchecked': ['named Canon', 'not named Sony', 'not named Nikon']}),
    ('the red ball, not the Blue or the Green', {'what': 'red ball',
                                                 'exclude': ['blue ball', 'green ball']}),
    # Controls: no name, or a colour in capitals.
    ('Not the red ball, the blue cube', {'what': 'blue cube', 'exclude': ['red ball']}),
    ('the red ball or the Blue one', {'what': 'red ball',
                                      'alternatives': [{'what': 'blue ball'}]}),
])
def test_a_name_said_in_what_is_excluded_is_not_the_objects(text, parsed):
    assert describe(parse_command(text)) == parsed


# "X of Y" names one object (session 40: "the bag of chips" was the object "bag chip",
# plural, so every bag was posed): "of" stays in the name and the noun before it sets the
# number; a quantity before "of" is no object, and places keep their own reading.
@pytest.mark.parametrize('text, parsed', [
    ('the bag of chips', {'what': 'bag of chips'}),
    ('pick up the box of cereal please', {'what': 'box of cereal'}),
    ('a can of soup', {'what': 'can of soup', 'any_one': True}),
    ('the bottle of water on the left', {'what': 'bottle of water', 'relation': 'left'}),
    ('the lid of the jar', {'what': 'lid of jar'}),
    ('a bunch of grapes', {'what': 'bunch of grapes', 'any_one': True}),
    ('the red bag of chips', {'what': 'red bag of chips'}),
    ('the bags of chips', {'what': 'bag of chips', 'plural': True}),
    # A colour after "of" (session 40's left-alone list: "red bag of"), and the colour of
    # what the object holds.
    ('the bag of red', {'what': 'red bag'}),
    ('the bag of red apples', {'what': 'bag of red apples'}),
    ('two bags of chips', {'what': 'bag of chips', 'count': 2, 'plural': True}),
    ('the cup of tea left of the mug', {'what': 'cup of tea', 'link': 'left_of',
                                        'reference': {'what': 'mug'}}),
    # Quantities and places: read as before.
    ('the rest of the balls', {'what': 'ball', 'plural': True}),
    ('a lot of cubes', {'what': 'cube', 'plural': True}),
    ('all of the balls', {'what': 'ball', 'plural': True}),
    ('grab both of the cubes', {'what': 'cube', 'count': 2, 'plural': True}),
    ('the top of the box', {'what': 'box', 'relation': 'top'}),
    ('a pair of scissors', {'what': 'scissors', 'any_one': True}),
])
def test_a_noun_of_a_noun_is_one_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# "highest", "higher", "lowest" are places as "upper", "lower" were (session 40: "the
# lowest box" was the object "lowest box", and no box was picked by its place).
@pytest.mark.parametrize('text, parsed', [
    ('the lowest box', {'what': 'box', 'relation': 'bottom'}),
    ('the highest cup', {'what': 'cup', 'relation': 'top'}),
    ('the higher ball', {'what': 'ball', 'relation': 'top'}),
    ('the highest red ball', {'what': 'red ball', 'relation': 'top'}),
    ('the second highest ball', {'what': 'ball', 'relation': 'top', 'ordinal': 2}),
    ('the ball on the highest shelf', {'what': 'ball', 'link': 'on',
                                       'reference': {'what': 'shelf', 'relation': 'top'}}),
    # Controls: a comparison with another object stays a relation between the two.
    ('the ball higher than the cube', {'what': 'ball', 'link': 'above',
                                       'reference': {'what': 'cube'}}),
    ('the cube lower than the mug', {'what': 'cube', 'link': 'below',
                                     'reference': {'what': 'mug'}}),
])
def test_highest_and_lowest_are_places(text, parsed):
    assert describe(parse_command(text)) == parsed


# A new request after a cancelled one says "one" for the cancelled object's noun (session
# 40: "forget the red ball, get the green one" was the object "green", no noun).
@pytest.mark.parametrize('text, parsed', [
    ('forget the red ball, get the green one', {'what': 'green ball'}),
    ('cancel the red ball and find the blue one', {'what': 'blue ball'}),
    ('forget about the blue mug, grab the red one', {'what': 'red mug'}),
    ('forget the red balls, get the green ones', {'what': 'green ball', 'plural': True}),
    ('cancel the red ball and find the one on the left', {'what': 'ball',
                                                          'relation': 'left'}),
    # Controls: a noun of its own, and the form that was read before.
    ('stop tracking the red ball, find the blue mug', {'what': 'blue mug'}),
    ('never mind the red mug, the blue one', {'what': 'blue mug'}),
])
def test_one_after_a_cancelled_object_is_its_noun(text, parsed):
    assert describe(parse_command(text)) == parsed


# A new request said after a cancelled object with no verb of its own, "one" for its noun
# (session 40's left-alone list: "Never mind the IKEA mug, the Starbucks one" asked for
# every object but a mug: "the mug, the one" merged into the cancelled mug); and a name in
# what a cancel verb drops is not the new object's ("Forget the Nike shoe, get the Adidas
# one" was a shoe named both Nike and Adidas).
@pytest.mark.parametrize('text, parsed', [
    ('Never mind the IKEA mug, the Starbucks one', {
        'what': 'mug', 'unchecked': ['named Starbucks', 'not named IKEA']}),
    ('Never mind the IKEA mugs, the Starbucks ones', {
        'what': 'mug', 'unchecked': ['named Starbucks', 'not named IKEA'], 'plural': True}),
    ('never mind the mug, the one', {'what': 'mug'}),
    ('Never mind the IKEA mug. The Starbucks one.', {
        'what': 'mug', 'unchecked': ['named Starbucks', 'not named IKEA']}),
    ('forget the red ball, the green one', {'what': 'green ball'}),
    ('forget about the red ball, the green one', {'what': 'green ball'}),
    ('Forget the Nike shoe, the Adidas one', {
        'what': 'shoe', 'unchecked': ['named Adidas', 'not named Nike']}),
    ('Forget the Nike shoe, get the Adidas one', {
        'what': 'shoe', 'unchecked': ['named Adidas', 'not named Nike']}),
    ('cancel the Sony camera and find the Canon one', {
        'what': 'camera', 'unchecked': ['named Canon', 'not named Sony']}),
    ('Stop the IKEA mug, grab the Starbucks mug', {
        'what': 'mug', 'unchecked': ['named Starbucks', 'not named IKEA']}),
    # Controls: read as before.
    ('never mind the red mug, the blue one', {'what': 'blue mug'}),
    ('never mind the red ball, the blue mug', {'what': 'blue mug'}),
    ('the red ball, the blue one', {'what': 'red ball', 'also': [{'what': 'blue ball'}]}),
])
def test_a_request_after_a_cancelled_object_without_a_verb(text, parsed):
    assert describe(parse_command(text)) == parsed


# A correction that only leaves an object out ("the red ball. No, not the blue cube.":
# session 40's left-alone list, every object but the blue cube): the object said first,
# without the one after "not".
@pytest.mark.parametrize('text, parsed', [
    ('the red ball. No, not the blue cube.', {'what': 'red ball', 'exclude': ['blue cube']}),
    ('the red ball, no, not the blue one', {'what': 'red ball', 'exclude': ['blue ball']}),
    ('the red ball no not the blue ball', {'what': 'red ball', 'exclude': ['blue ball']}),
    ('the mug. Sorry, not the IKEA one.', {'what': 'mug', 'unchecked': ['not named IKEA']}),
    # Controls: a new object after the negation, or after the marker, is the correction.
    ('the red ball, no, not the red ball, the blue ball', {'what': 'blue ball',
                                                           'exclude': ['red ball']}),
    ('the red ball, no, the blue cube', {'what': 'blue cube'}),
])
def test_a_correction_that_only_excludes_keeps_the_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# How an object is placed, said before a place in one word ("the cube placed lowest",
# "the ball lying leftmost": the objects "cube placed", "ball lying"), or as a clause
# ("the mug that sits on the left": the plural object "mug sit", every mug posed).
@pytest.mark.parametrize('text, parsed', [
    ('the cube placed lowest', {'what': 'cube', 'relation': 'bottom'}),
    ('the mug sitting lowest', {'what': 'mug', 'relation': 'bottom'}),
    ('the box standing highest', {'what': 'box', 'relation': 'top'}),
    ('the ball lying leftmost', {'what': 'ball', 'relation': 'left'}),
    ('the ball sitting highest up', {'what': 'ball', 'relation': 'top'}),
    ('the ball lying second from the left', {'what': 'ball', 'relation': 'left',
                                             'ordinal': 2}),
    ('the mug that sits lowest', {'what': 'mug', 'relation': 'bottom'}),
    ('the cube that rests lowest', {'what': 'cube', 'relation': 'bottom'}),
    ('the mug that sits on the left', {'what': 'mug', 'relation': 'left'}),
    ('the mug which stands on the right', {'what': 'mug', 'relation': 'right'}),
    ('the mugs that sit on the left', {'what': 'mug', 'relation': 'left', 'plural': True}),
    # Controls: read as before.
    ('the cube placed on the left', {'what': 'cube', 'relation': 'left'}),
    ('the ball sitting in the middle', {'what': 'ball', 'relation': 'middle'}),
    ('the lying bottle', {'what': 'lying bottle'}),
])
def test_how_an_object_is_placed_before_its_place(text, parsed):
    assert describe(parse_command(text)) == parsed


# A word in -s said before "one" is no plural head ("the starbucks one": session 40's
# left-alone list, the plural object "starbuck", every one posed).
@pytest.mark.parametrize('text, parsed', [
    ('the starbucks one', {'what': 'starbucks'}),
    ('the mars one', {'what': 'mars'}),
    ('the glasses one', {'what': 'glasses'}),
    ('the red ball or the starbucks one', {'what': 'red ball',  # "one": the ball (session 42)
                                           'alternatives': [{'what': 'starbucks ball'}]}),
    # Controls: "ones" and a plural noun without "one" read as before.
    ('the red ones', {'what': 'red', 'plural': True}),
    ('the glasses', {'what': 'glass', 'plural': True}),
    ('the blue one', {'what': 'blue'}),
])
def test_a_word_before_one_is_no_plural(text, parsed):
    assert describe(parse_command(text)) == parsed



@pytest.mark.parametrize('text, parsed', [
    ('the Blue Mug on the left', {'what': 'blue mug', 'relation': 'left'}),
    ('the Red Ball', {'what': 'red ball'}),
    ('THE RED BALL', {'what': 'red ball'}),
    ('Pick Up The Red Ball', {'what': 'red ball'}),
    ('Hey Siri find the red ball', {'what': 'red ball'}),
    ('Pick up the red ball. Be careful!', {'what': 'red ball',
                                           'remarks': ['be careful']}),
    ('the starbucks cup', {'what': 'starbucks cup'}),  # no capital, no list of brands
    ('the IKEA', {'what': 'ikea'}),  # no noun after it: the object's name
])
def test_capitals_that_are_no_name_before_a_noun_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# A name whose first word is a colour or a size ("Red Bull", "Blue Moon", "Green Giant",
# "Big Ben"): the colour was taken off the name and checked on the object, so "the Red
# Bull can" (a blue and silver can) was scored "red can" with "Bull" named, "the Blue
# Moon bottle" "blue bottle" with "Moon" named. A capitalised colour or size before a
# Title-case word the parser does not read is the name's first word; before a name in
# capitals ("the red LEGO brick", "the Blue IKEA mug"), or with nothing after it, it
# describes the object.
@pytest.mark.parametrize('text, what, name', [
    ('the Red Bull can', 'can', 'Red Bull'),
    ('grab the Red Bull can on the left', 'can', 'Red Bull'),
    ('Red Bull can', 'can', 'Red Bull'),
    ('the Blue Moon bottle', 'bottle', 'Blue Moon'),
    ('the Green Giant can', 'can', 'Green Giant'),
    ('the White Claw can', 'can', 'White Claw'),
    ('the Orange Crush bottle', 'bottle', 'Orange Crush'),
    ('the Big Ben mug', 'mug', 'Big Ben'),
    ('Grab The Black Diamond bottle', 'bottle', 'Black Diamond'),
    ('the red LEGO brick', 'red brick', 'LEGO'),
    ('the Blue IKEA mug', 'blue mug', 'IKEA'),
    ('the Big Red Bull can', 'can', 'Big Red Bull'),
])
def test_a_colour_that_begins_a_name_stays_in_the_name(text, what, name):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)
    assert q.unchecked == (f'named {name}',), describe(q)


@pytest.mark.parametrize('text, what', [
    ('the rot on the shelf', 'rot'),  # English spells it: only a colour between words
    ('the blu mug', 'blu mug'),  # one typo from "blue": the typo reader's
    ('the bleu mug', 'bleu mug'),
    ('the ball on the links', 'ball'),
    ('sauvignon blanc bottle', 'sauvignon blanc bottle'),
    ('the noir', 'noir'),
])
def test_english_words_spelt_as_other_languages_colours_are_read(text, what):
    q = parse_command(text)
    assert (q.what, q.refused) == (what, None), describe(q)


# More of the same kind, as transcripts and referring-expression sets say a place: a word
# of posture or of degree before it, a row, a count "from right to left" (RefSpatial-
# Expand-Bench's prompts: "the third car in the row closest to the viewer, from right to
# left").
@pytest.mark.parametrize('text, parsed', [
    ('the cube sitting on the left', {'what': 'cube', 'relation': 'left'}),
    ('the cube placed in the top left corner', {'what': 'cube', 'relation': 'left',
                                                'second_relation': 'top'}),
    ('the ball lying near the right edge', {'what': 'ball', 'relation': 'right'}),
    ('the ball way over on the left', {'what': 'ball', 'relation': 'left'}),
    ('the ball all the way to the left', {'what': 'ball', 'relation': 'left'}),
    ('the ball over on the left', {'what': 'ball', 'relation': 'left'}),
    ('the ball nearest the left edge', {'what': 'ball', 'relation': 'left'}),
    ('the ball closest to the top right corner', {'what': 'ball', 'relation': 'right',
                                                  'second_relation': 'top'}),
    ('the ball towards the back', {'what': 'ball', 'relation': 'farthest'}),
    ('the ball near the front', {'what': 'ball', 'relation': 'nearest'}),
    ('the red ball in the front row', {'what': 'red ball', 'relation': 'nearest'}),
    ('the cube in the top row', {'what': 'cube', 'relation': 'top'}),
    ('the mug in the left column', {'what': 'mug', 'relation': 'left'}),
    ('the red ball in the row closest to the viewer', {'what': 'red ball',
                                                       'relation': 'nearest'}),
    ('the mug in the row farthest from the camera', {'what': 'mug', 'relation': 'farthest'}),
    ('the second ball from right to left', {'what': 'ball', 'relation': 'right',
                                            'ordinal': 2}),
    ('the third ball in the row closest to the viewer, from right to left', {
        'what': 'ball', 'relation': 'right', 'second_relation': 'nearest', 'ordinal': 3}),
    # Read as before: a relation to an object's side, a word of a name, a plural.
    ('the ball near the front of the mug', {'what': 'ball', 'link': 'next_to', 'reference': {
        'what': 'mug', 'relation': 'nearest'}}),
    ('the lamp over the table', {'what': 'lamp', 'link': 'on', 'reference': {'what': 'table'}}),
    ('the sitting duck toy', {'what': 'sitting duck toy'}),
    ('all the balls on the left', {'what': 'ball', 'relation': 'left', 'plural': True}),
])
def test_a_place_said_with_posture_degree_row_or_direction_is_that_place(text, parsed):
    assert describe(parse_command(text)) == parsed


# A hesitation between words, as a verbatim transcript keeps it (SYSTRAN/faster-whisper
# #319, OpenWhispr/openwhispr#2081): it broke the place and relation words around it.
@pytest.mark.parametrize('text, parsed', [
    ('uh the red ball near the uh left corner', {'what': 'red ball', 'relation': 'left'}),
    ('the ball on the uh left', {'what': 'ball', 'relation': 'left'}),
    ('the ball in the um top left corner', {'what': 'ball', 'relation': 'left',
                                            'second_relation': 'top'}),
    ('the red ball uh next to the uh blue mug', {'what': 'red ball', 'link': 'next_to',
                                                 'reference': {'what': 'blue mug'}}),
    ('the ball to the umm right of the erm cube', {'what': 'ball', 'link': 'right_of',
                                                   'reference': {'what': 'cube'}}),
    ('the uh red ball uh uh on the right', {'what': 'red ball', 'relation': 'right'}),
    ('the ball hmm closest to the camera', {'what': 'ball', 'relation': 'nearest'}),
    # Read as before: millimetres, a hesitation between commas or first.
    ('the 10 mm bolt', {'what': '10 mm bolt'}),
    ('the red ball, um, the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('Um, the red ball.', {'what': 'red ball'}),
])
def test_a_hesitation_between_words_is_dropped_before_places_are_read(text, parsed):
    assert describe(parse_command(text)) == parsed
    if 'uh' in text.split():
        assert 'uh' not in parse_command(text).what.split()


# A self-repair said without punctuation, as a recogniser writes it (this session's
# brief; Shriberg 1994: reparandum, editing term, repair): "the left er right mug" was
# the left mug with "right" unchecked, "the red no blue ball" the object "red" with the
# blue ball excluded, "the red sorry blue ball" the object "red blue ball".
@pytest.mark.parametrize('text, parsed', [
    ('the left er right mug', {'what': 'mug', 'relation': 'right',
                               'read_as': [['left er right', 'right']]}),
    ('the left um right mug', {'what': 'mug', 'relation': 'right',
                               'read_as': [['left um right', 'right']]}),
    ('the left no right mug', {'what': 'mug', 'relation': 'right',
                               'read_as': [['left no right', 'right']]}),
    ('the red no blue ball', {'what': 'blue ball', 'read_as': [['red no blue', 'blue']]}),
    ('the red sorry blue ball', {'what': 'blue ball',
                                 'read_as': [['red sorry blue', 'blue']]}),
    ('the red uh blue ball', {'what': 'blue ball', 'read_as': [['red uh blue', 'blue']]}),
    ('the red uh, I mean blue ball', {'what': 'blue ball',
                                      'read_as': [['red uh, i mean blue', 'blue']]}),
    ('the big no small cube', {'what': 'cube', 'size': 'smallest',
                               'read_as': [['big no small', 'small']]}),
    ('the first uh second red ball', {'what': 'red ball', 'relation': 'left', 'ordinal': 2,
                                      'read_as': [['first uh second', 'second']]}),
    ('the two no three red balls', {'what': 'red ball', 'plural': True, 'count': 3,
                                    'read_as': [['two no three', 'three']]}),
    ('the red ball on the left oops right', {'what': 'red ball', 'relation': 'right',
                                             'read_as': [['left oops right', 'right']]}),
    ('the light no dark blue mug', {'what': 'dark blue mug',
                                    'read_as': [['light no dark', 'dark']]}),
    # A whole phrase repaired: what follows is asked for ("the red ball er blue mug" was
    # the object "red ball blue mug"), the old noun kept where the repair has none.
    ('the red ball er blue mug', {'what': 'blue mug'}),
    ('the red ball uh the blue mug', {'what': 'blue mug'}),
    ('the red ball oops the blue mug', {'what': 'blue mug'}),
    ('the red ball sorry the blue mug', {'what': 'blue mug'}),
    ('the red ball actually the blue mug', {'what': 'blue mug'}),
    ('the ball uh the red one', {'what': 'red ball'}),
    # No repair: an alternative, a list, a hesitation after a preposition or a verb, and
    # "right" as an intensifier.
    ('the red or blue ball', {'what': 'red ball', 'alternatives': [{'what': 'blue ball'}]}),
    ('the ball next to uh the mug', {'what': 'ball', 'link': 'next_to',
                                     'reference': {'what': 'mug'}}),
    ('pick up uh the red ball', {'what': 'red ball'}),
    ('the ball on the left um right next to the mug', {
        'what': 'ball', 'relation': 'left', 'link': 'next_to', 'reference': {'what': 'mug'}}),
    ("the ball that's actually red", {'what': 'red ball'}),
])
def test_a_self_repair_said_without_punctuation_asks_for_the_repair(text, parsed):
    assert describe(parse_command(text)) == parsed


# A self-repair that retraces (restates the determiner before the repair, "the left um the
# right mug") or is repaired again ("the red uh green uh blue ball"): speakers do both
# (Shriberg 1994's "retracing"; Levelt 1983, "Monitoring and self-repair in speech": most
# repairs restart at a phrase boundary). They were read as "the left mug" with "right"
# unchecked, and the object "green blue ball" (review of 65a65d9).
@pytest.mark.parametrize('text, parsed', [
    ('the left um the right mug', {'what': 'mug', 'relation': 'right',
                                   'read_as': [['left um the right', 'right']]}),
    ('the first uh the second cup', describe(parse_command('the second cup')) | {
        'read_as': [['first uh the second', 'second']]}),
    ('grab the red no the blue ball', {'what': 'blue ball',
                                       'read_as': [['red no the blue', 'blue']]}),
    ('the red uh green uh blue ball', {'what': 'blue ball', 'read_as': [
        ['red uh green uh blue', 'blue']]}),
    ('the left er right no left mug', {'what': 'mug', 'relation': 'left', 'read_as': [
        ['left er right no left', 'left']]}),
    # Not repairs: another kind after the determiner, a phrase repaired.
    ('the ball on the left uh the red one', describe(parse_command(
        'the ball on the left uh the red one'.replace(' uh', ',')))),
    ('the red ball uh the blue mug', {'what': 'blue mug'}),
])
def test_a_self_repair_that_retraces_or_is_repaired_again_asks_for_the_last(text, parsed):
    assert describe(parse_command(text)) == parsed


# A property under a key of its own, as an LLM planner fills a schema: it was dropped
# without a word ('{"object": "box", "property": "heaviest"}' was any box).
@pytest.mark.parametrize('text, parsed', [
    ('{"object": "box", "property": "heaviest"}', {'what': 'box', 'unchecked': ['heaviest']}),
    ('{"object": "mug", "property": "hot"}', {'what': 'mug', 'unchecked': ['hot']}),
    ('object: box, property: heaviest', {'what': 'box', 'unchecked': ['heaviest']}),
    ('{"object": "box", "properties": ["heavy", "red"]}', {'what': 'red box',
                                                          'unchecked': ['heavy']}),
    ('{"object": "ball", "attributes": ["small", "red"]}', {'what': 'red ball',
                                                           'size': 'smallest'}),
    ('{"object": "ball", "position": "left", "attribute": "red"}', {'what': 'red ball',
                                                                    'relation': 'left'}),
    ("{'target': 'box', 'property': 'heaviest', 'position': 'left'}", {
        'what': 'box', 'relation': 'left', 'unchecked': ['heaviest']}),
])
def test_a_property_under_its_own_key_is_read_not_dropped(text, parsed):
    assert describe(parse_command(text)) == parsed


# More ways to ask whether an object has a part (a question with a tail, an indirect
# question, the object said first).
@pytest.mark.parametrize('text, what, asked', [
    ('does the cup have a handle or not', 'cup', 'has a handle'),
    ('the blue mug, does it have a handle?', 'blue mug', 'has a handle'),
    ('can you tell me if the mug has a handle', 'mug', 'has a handle'),
    ('check whether the red ball has a label', 'red ball', 'has a label'),
    ('does the mug have a lid on it', 'mug', 'has a lid'),
    ('DOES THE MUG HAVE A HANDLE', 'mug', 'has a handle'),
    ('does it have a handle yes or no', None, 'whether it has a handle'),
    ('check if it has a lid', None, 'whether it has a lid'),
])
def test_a_part_question_with_a_tail_or_asked_indirectly_is_read(text, what, asked):
    q = parse_command(text)
    if what is None:
        assert q.refused is not None and f'asks {asked}' in q.refused, describe(q)
    else:
        assert (q.what, q.unchecked, q.refused) == (what, (asked,), None), describe(q)


# Counted from a corner (it was the object "ball corner").
@pytest.mark.parametrize('text, parsed', [
    ('the second ball from the left corner', {'what': 'ball', 'relation': 'left',
                                              'ordinal': 2}),
    ('the third mug from the top right corner', {'what': 'mug', 'relation': 'right',
                                                 'second_relation': 'top', 'ordinal': 3}),
    ('the first cube from the bottom left corner of the table', {
        'what': 'cube', 'relation': 'left', 'second_relation': 'bottom', 'ordinal': 1}),
    ('the second ball from the left', {'what': 'ball', 'relation': 'left', 'ordinal': 2}),
])
def test_a_count_from_a_corner_counts_from_that_corner(text, parsed):
    assert describe(parse_command(text)) == parsed


# A singular noun that ends in a lone "s" is one object (helper-h112: "the thermos" was
# the plural "thermo", every thermos posed; "the lens" "len", "the atlas" "atla"); its
# plural in "-es" is a plural of it.
@pytest.mark.parametrize('text, parsed', [
    ('the thermos', {'what': 'thermos'}), ('the lens', {'what': 'lens'}),
    ('the atlas', {'what': 'atlas'}), ('the steel thermos on the left', {
        'what': 'steel thermos', 'relation': 'left'}),
    ('the rhinoceros', {'what': 'rhinoceros'}), ('the canvas', {'what': 'canvas'}),
    ('the thermoses', {'what': 'thermos', 'plural': True}),
    ('the lenses', {'what': 'lens', 'plural': True}),
    ('the balls', {'what': 'ball', 'plural': True}),
])
def test_a_singular_noun_ending_in_s_is_one_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# A place word that opens a compound adjective written open is one word with it, as
# written with its hyphen (helper-h111's brief: "the left handed scissors" was the left
# "handed scissors"; so too "right angle", "top loading", "left over", "bottom heavy").
@pytest.mark.parametrize('text, parsed', [
    ('the left handed scissors', {'what': 'left handed scissors'}),
    ('the left-handed scissors', {'what': 'left handed scissors'}),
    ('the right handed mug', {'what': 'right handed mug'}),
    ('the right angle ruler', {'what': 'right angle ruler'}),
    ('the right angled bracket', {'what': 'right angled bracket'}),
    ('the left over pizza', {'what': 'left over pizza'}),
    ('the top loading tray', {'what': 'top loading tray'}),
    ('the bottom heavy vase', {'what': 'bottom heavy vase'}),
    ('the left handed mouse on the right', {'what': 'left handed mouse', 'relation': 'right'}),
    # Controls: the side, then "over" with what follows it.
    ('the ball to the left over there', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the left over the mug', {'what': 'ball', 'relation': 'left', 'link': 'on',
                                          'reference': {'what': 'mug'}}),
    ('the left hand ball', {'what': 'ball', 'relation': 'left'}),
])
def test_a_place_word_opening_a_compound_adjective_is_no_place(text, parsed):
    assert describe(parse_command(text)) == parsed


# What an object lacks, said after its noun, and which way its part is turned: the object,
# the rest named as not checked (helper-h111's brief: "the blue mug with no red" was the
# object "blue mug with" excluding "red with"; "the mug with the handle away from me"
# chose the farthest mug; "the mug that has no handle" the plural "mug ha").
@pytest.mark.parametrize('text, what, relation, unchecked', [
    ('the blue mug with no red', 'blue mug', None, 'has no red'),
    ('the mug with no handle', 'mug', None, 'has no handle'),
    ('the mug without a handle', 'mug', None, 'has no handle'),
    ('the mug that has no handle', 'mug', None, 'has no handle'),
    ("the mug that doesn't have a handle", 'mug', None, 'has no handle'),
    ('the box with no lid on the left', 'box', 'left', 'has no lid'),
    ('the mug with no red on it', 'mug', None, 'has no red'),
    ('the blue mug without any red', 'blue mug', None, 'has no red'),
    ('the cup with no red stripes', 'cup', None, 'has no red stripes'),
    ('the mug with the handle away from me', 'mug', None, 'has the handle away from me'),
    ('the mug with its handle facing left', 'mug', None, 'has its handle facing left'),
    ('the mug with the handle facing me on the left', 'mug', 'left',
     'has the handle facing me'),
    ('the jug with the spout pointing towards the camera', 'jug', None,
     'has the spout pointing towards the camera'),
])
def test_what_an_object_lacks_or_how_its_part_is_turned_is_named_not_checked(
        text, what, relation, unchecked):
    q = parse_command(text)
    assert (q.what, q.relation, q.exclude, q.refused) == (what, relation, (), None), describe(q)
    assert q.unchecked == (unchecked,), describe(q)
    assert unchecked_note(unchecked).startswith(f'"{unchecked}" is not checked'), q.unchecked


@pytest.mark.parametrize('text, parsed', [
    ('the mug with a handle', {'what': 'mug with handle'}),
    ('the mug with the handle on the left', {'what': 'mug with handle', 'relation': 'left'}),
    ('the mug with nothing in it', {'what': 'mug', 'link': 'holds',
                                    'reference': {'what': 'nothing'}}),
    ('the red ball, not the blue one', {'what': 'red ball', 'exclude': ['blue ball']}),
])
def test_a_part_said_with_no_lack_or_turn_reads_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# A destination said of each of several objects stays that object's (helper-h111's
# brief: "... and the green cube in the yellow bowl" was the green cube that is in the
# yellow bowl, a relation that selects; steps of a planner's shorthand gave the first
# object both destinations).
@pytest.mark.parametrize('text, first, second', [
    ('put the red ball in the blue mug and the green cube in the yellow bowl',
     'in the blue mug', 'in the yellow bowl'),
    ('put the red ball in the blue mug, the green cube in the yellow bowl',
     'in the blue mug', 'in the yellow bowl'),
    ('put the red ball in the blue mug and put the green cube on the tray',
     'in the blue mug', 'on the tray'),
    ('pick red ball -> place blue mug -> pick green cube -> place yellow bowl',
     'to blue mug', 'to yellow bowl'),
    ('pick(red ball) -> place(blue mug) -> pick(green cube) -> place(yellow bowl)',
     'to blue mug', 'to yellow bowl'),
    ('pick up the red ball and put it in the blue mug, then pick up the green cube and put '
     'it on the tray', 'in the blue mug', 'on the tray'),
])
def test_each_object_of_several_keeps_its_own_destination(text, first, second):
    q = parse_command(text)
    assert (q.what, q.destination, q.link) == ('red ball', (first,), None), describe(q)
    assert [(a.what, a.destination, a.link) for a in q.also] == [
        ('green cube', (second,), None)], describe(q)
    assert describe(q)['also'][0]['destination'] == [second]


@pytest.mark.parametrize('text, what, destination, also', [
    # One destination for both: both moved there, as before.
    ('put the red ball and the green cube in the blue mug', 'red ball', ('in the blue mug',),
     ('green cube',)),
    ('put the red ball in the blue mug and the green cube', 'red ball', ('in the blue mug',),
     ('green cube',)),
    # "to" after a noun that belongs to another (helper-h111's brief: "the key to the car"
    # was moved to the car): read as "of" is, no destination; said with a verb, moved.
    ('the key to the car', 'key car', (), ()),
    ('the lid to the jar', 'lid jar', (), ()),
    ('the charger to the laptop', 'charger laptop', (), ()),
    ('bring the key to the car', 'key', ('to the car',), ()),
    ('the red ball to the blue mug', 'red ball', ('to the blue mug',), ()),
    ('the lid onto the jar', 'lid', ('onto the jar',), ()),
])
def test_a_destination_said_once_or_after_a_noun_of_a_part(text, what, destination, also):
    q = parse_command(text)
    assert (q.what, q.destination, tuple(a.what for a in q.also)) == (
        what, destination, also), describe(q)
    assert all(a.destination == () for a in q.also), describe(q)


# A correction opened after punctuation with two edit words ("... no wait the blue mug"):
# what follows is asked for (helper-h111: the repair reader marked "no" itself as a phrase
# repaired, "no, no, the blue mug", and the blue mug was excluded, the command refused).
@pytest.mark.parametrize('text', [
    'the red ball... no wait the blue mug',
    'the red ball - no wait the blue mug',
    'the red ball, no wait the blue mug',
    'the red ball\u2026 no wait the blue mug',
    'the red ball, sorry I mean the blue mug',
    'the red ball no wait the blue mug',
    'the red ball uh the blue mug',
])
def test_a_correction_after_punctuation_asks_for_what_follows(text):
    q = parse_command(text)
    assert (q.what, q.exclude, q.refused, q.also) == ('blue mug', (), None, ()), describe(q)


# A word for any object said with the name it goes by: the name is the object
# (helper-h111: "the object labeled red ball" scored "object labeled red ball").
@pytest.mark.parametrize('text, parsed', [
    ('the object labeled red ball', {'what': 'red ball'}),
    ('the item called blue mug', {'what': 'blue mug'}),
    ('the thing named green cube', {'what': 'green cube'}),
    ('the one known as the red ball', {'what': 'red ball'}),
    ('pick up the object labelled "red ball"', {'what': 'red ball'}),
    ('the object that is labeled red ball on the left', {'what': 'red ball',
                                                         'relation': 'left'}),
    # A noun of a kind keeps what it is labelled with.
    ('the mug labeled coffee', {'what': 'mug labeled coffee'}),
])
def test_a_word_for_any_object_with_its_name_is_the_name(text, parsed):
    assert describe(parse_command(text)) == parsed


# Where the object is taken from, said after it with a verb of taking: where it is now
# (helper-h111: "take the red ball out of the blue mug" scored "red ball out blue mug",
# "get the red ball from the table" "red ball table").
@pytest.mark.parametrize('text, parsed', [
    ('take the red ball from the blue mug', {'what': 'red ball', 'link': 'in',
                                             'reference': {'what': 'blue mug'}}),
    ('take the red ball out of the blue mug', {'what': 'red ball', 'link': 'in',
                                               'reference': {'what': 'blue mug'}}),
    ('lift the red ball out of the blue mug', {'what': 'red ball', 'link': 'in',
                                               'reference': {'what': 'blue mug'}}),
    ('take the red ball off the blue mug', {'what': 'red ball', 'link': 'on',
                                            'reference': {'what': 'blue mug'}}),
    ('get the red ball from the table', {'what': 'red ball'}),
    ('pick up the red ball off the floor', {'what': 'red ball'}),
    ('get me the red ball off the table', {'what': 'red ball'}),
    ('take the red ball from the blue mug and put it on the tray', {
        'what': 'red ball', 'link': 'in', 'reference': {'what': 'blue mug'},
        'destination': ['on the tray']}),
    # Controls: "from" of a distance, a relation or a count, as before.
    ('take the ball farthest from the mug', {'what': 'ball', 'link': 'far_from',
                                             'reference': {'what': 'mug'}}),
    ('take the second ball from the left', {'what': 'ball', 'relation': 'left',
                                            'ordinal': 2}),
    ('grab the ball away from the mug', {'what': 'ball', 'link': 'far_from',
                                         'reference': {'what': 'mug'}}),
])
def test_where_an_object_is_taken_from_is_where_it_is(text, parsed):
    assert describe(parse_command(text)) == parsed


# A planner's steps as a mapping of verbs or a list of steps: the steps said in words
# (helper-h111: '{"pick": "red ball", "place": "blue mug"}' was the object "red ball place
# blue mug", '{"steps": [...]}' "steps red ball place blue mug", a list of action
# mappings a second object "blue mug").
@pytest.mark.parametrize('text, parsed', [
    ('{"pick": "red ball", "place": "blue mug"}', {'what': 'red ball',
                                                  'destination': ['to blue mug']}),
    ('{"pick": "red ball", "place": "in the blue mug"}', {
        'what': 'red ball', 'destination': ['in the blue mug']}),
    ('{"steps": ["pick red ball", "place in blue mug"]}', {
        'what': 'red ball', 'destination': ['in blue mug']}),
    ('[{"action": "pick", "object": "red ball"}, {"action": "place", "target": "blue mug"}]',
     {'what': 'red ball', 'destination': ['to blue mug']}),
    ('{"plan": [{"action": "pick", "object": "red ball"}, {"action": "place", "target": '
     '"blue mug"}]}', {'what': 'red ball', 'destination': ['to blue mug']}),
    ('{"tasks": ["the red ball", "the blue mug"]}', {'what': 'red ball',
                                                    'also': [{'what': 'blue mug'}]}),
    # Read as before: one verb, one action, objects listed.
    ('{"pick": "red ball"}', {'what': 'red ball'}),
    ('{"action": "place", "target": "blue mug"}', {'what': 'blue mug'}),
    ('[{"object": "red ball"}, {"object": "blue mug"}]', {'what': 'red ball',
                                                          'also': [{'what': 'blue mug'}]}),
    ('{"command": "pick", "object": "green cube"}', {'what': 'green cube'}),
])
def test_a_planners_steps_as_verbs_or_a_list_are_the_steps(text, parsed):
    assert describe(parse_command(text)) == parsed


# A relation to a reference object given as fields (helper-h114's brief: '{"object": "red
# ball", "relation": "left of", "reference": "blue mug"}' kept only "left", the mug lost):
# read as said in words, the relation tested against the reference.
@pytest.mark.parametrize('text, link, reference', [
    ('{"object": "red ball", "relation": "left of", "reference": "blue mug"}',
     'left_of', 'blue mug'),
    ('{"object": "red ball", "spatial_relation": "right of", "relative_to": "green cube"}',
     'right_of', 'green cube'),
    ('{"object": "red ball", "relation": "near", "anchor": "blue mug"}', 'next_to', 'blue mug'),
    ('{"object": "red ball", "relation": "behind", "landmark": "blue mug"}', 'behind',
     'blue mug'),
    ('{"object": "red ball", "relation": "on", "reference_object": "blue mug"}', 'on',
     'blue mug'),
    ('{"object": "red ball", "relation": "left_of", "reference": "blue_mug"}', 'left_of',
     'blue mug'),
    ('{"object": "red ball", "relation": "in_front_of", "anchor": "blue mug"}', 'in_front_of',
     'blue mug'),
    ('{"object": "red ball", "relation": "right", "landmark": "green cube"}', 'right_of',
     'green cube'),
    ('{"action": {"name": "pick", "parameters": {"object": "red ball", "relation": "left of", '
     '"reference": "blue mug"}}}', 'left_of', 'blue mug'),
    ('{"tool": "find_object", "tool_input": {"object": "red ball", "relation": "left of", '
     '"reference": "blue mug"}}', 'left_of', 'blue mug'),
    ('find_object(object_name="red_ball", relation="left_of", reference="blue_mug")',
     'left_of', 'blue mug'),
])
def test_a_relation_and_its_reference_given_as_fields_are_read(text, link, reference):
    assert describe(parse_command(text)) == {'what': 'red ball', 'link': link,
                                             'reference': {'what': reference}}


# Where a placing step moves its object, given beside the object (helper-h114's brief:
# '{"task": "pick_and_place", "object": "red ball", "target": "blue mug"}' dropped the
# target without a word): a destination, in ROSA / LangChain, OpenAI and code call shapes.
@pytest.mark.parametrize('text, destination', [
    ('{"task": "pick_and_place", "object": "red ball", "target": "blue mug"}',
     'to the blue mug'),
    ('{"action": "place", "object": "red ball", "destination": "blue mug"}', 'to the blue mug'),
    ('{"action": "put", "object": "red ball", "place_on": "blue mug"}', 'onto the blue mug'),
    ('{"action": "place", "object": "red ball", "into": "blue mug"}', 'into the blue mug'),
    ('{"skill": "PickAndPlace", "object": "red ball", "goal": "blue mug"}', 'to the blue mug'),
    ('{"command": "put", "object": "red ball", "destination": "blue mug"}', 'to the blue mug'),
    ('{"command": "place", "object": "red ball", "location": "table"}', 'to the table'),
    ('{"type": "function", "function": {"name": "place_object", "arguments": "{\\"object\\": '
     '\\"red ball\\", \\"destination\\": \\"blue mug\\"}"}}', 'to the blue mug'),
    ('{"tool_calls": [{"name": "place_object", "args": {"object_name": "red_ball", "target": '
     '"blue_mug"}, "id": "call_1", "type": "tool_call"}]}', 'to the blue mug'),
    ('{"tool": "place_object", "tool_input": {"object_name": "red_ball", "destination": '
     '"blue_mug"}, "log": "placing"}', 'to the blue mug'),
    ('{"action": {"name": "place", "parameters": {"object": "red ball", "destination": '
     '"blue mug"}}}', 'to the blue mug'),
    ('place_object(object_name="red_ball", destination="blue_mug")', 'to the blue mug'),
    ('pick_and_place(object="red_ball", target="blue_mug")', 'to the blue mug'),
])
def test_a_destination_beside_a_placing_verb_is_where_it_goes(text, destination):
    assert describe(parse_command(text)) == {'what': 'red ball', 'destination': [destination]}


# Keyword arguments of a call and fields with no placing verb: the object's snake_case
# value as words, its location as where it is now (helper-h114's brief:
# 'pick_object(object_name="red_ball", location="table")' was the object "red ball table").
@pytest.mark.parametrize('text, parsed', [
    ('pick_object(object_name="red_ball", location="table")', {'what': 'red ball'}),
    ('{"action": {"name": "pick", "parameters": {"object_name": "red_ball", "location": '
     '"table"}}}', {'what': 'red ball'}),
    ('{"tool": "pick_object", "tool_input": {"object_name": "red_ball", "location": '
     '"table"}}', {'what': 'red ball'}),
    ('{"name": "pick_object", "args": {"object_name": "red_ball", "location": "table"}}',
     {'what': 'red ball'}),
    ('{"object": "red ball", "location": "table"}', {'what': 'red ball'}),
    ('pick_object(object_name="green_cube", location="shelf")', {
        'what': 'green cube', 'link': 'on', 'reference': {'what': 'shelf'}}),
    ('{"action": "pick", "object": "red ball", "location": "drawer"}', {
        'what': 'red ball', 'link': 'in', 'reference': {'what': 'drawer'}}),
    ('pick_object(object_name="red_ball", location="left")', {'what': 'red ball',
                                                              'relation': 'left'}),
    ('pick(object="red_ball", location="on_the_table")', {'what': 'red ball'}),
])
def test_a_location_field_is_where_the_object_is_now(text, parsed):
    assert describe(parse_command(text)) == parsed


# A reference with no relation, given as a field or said: it names no direction, so it is
# named as not checked, never dropped without a word nor scored as the object's words
# (helper-h114: '{"object": "red ball", "reference": "blue mug"}' lost the mug silently,
# "red ball relative to the blue mug" was the object "red ball relative blue mug").
@pytest.mark.parametrize('text, unchecked', [
    ('{"object": "red ball", "reference": "blue mug"}', 'relative to the blue mug'),
    ('{"object": "red ball", "anchor": "blue mug"}', 'relative to the blue mug'),
    ('find_object(object_name="red_ball", reference_object="blue_mug")',
     'relative to the blue mug'),
    ('{"tool": "find_object", "tool_input": {"object": "red ball", "landmark": "blue mug"}}',
     'relative to the blue mug'),
    ('red ball relative to the blue mug', 'relative to the blue mug'),
    ('red ball in relation to the blue mug', 'in relation to the blue mug'),
    ('red ball with respect to the blue mug', 'with respect to the blue mug'),
])
def test_a_reference_with_no_relation_is_named_not_checked(text, unchecked):
    query = parse_command(text)
    assert describe(query) == {'what': 'red ball', 'unchecked': [unchecked]}
    assert f'"{unchecked}" is not checked' in unchecked_note(unchecked)


# A planner's field that opens with its own determiner or possessive is said as given
# after its preposition: "to the these bins" and "to the our tray" came of _with_the's own
# list beside _DETERMINERS (it lacked these, those, our, their).
@pytest.mark.parametrize('field, destination', [
    ('these bins', 'to these bins'),
    ('those bins', 'to those bins'),
    ('our tray', 'to our tray'),
    ('their tray', 'to their tray'),
    ('my tray', 'to my tray'),
    ('The tray', 'to the tray'),  # not "the The tray"
    ('tray', 'to the tray'),
    ('thermos', 'to the thermos'),  # a noun that opens with "the" has none
    ('anvil', 'to the anvil'),
])
def test_a_destination_field_keeps_its_own_determiner(field, destination):
    text = f'{{"action": "place", "object": "red ball", "destination": "{field}"}}'
    assert describe(parse_command(text)) == {'what': 'red ball', 'destination': [destination]}


# A planner's placing step that names only where the object goes, under a destination key
# ('{"action": "place", "location": "trash_bin"}' after a pick: the LLM planning example
# of jahansher333/ai_native_book_for_hacthon, frontend/docs/04-vla/llm-planning.md, "place:
# Place object (params: location)"): the destination was dropped without a word, only
# "target" (an object key) was read. Now it is where the object picked before goes.
@pytest.mark.parametrize('step, destination', [
    ('{"action": "place", "location": "blue mug"}', 'to the blue mug'),
    ('{"action": "place", "destination": "blue_mug"}', 'to the blue mug'),
    ('{"action": "put", "goal": "blue mug"}', 'to the blue mug'),
    ('{"action": "place", "into": "blue mug"}', 'into the blue mug'),
    ('{"action": "put_in", "receptacle": "blue mug"}', 'into the blue mug'),
    ('{"action": "place", "place_on": "blue mug"}', 'onto the blue mug'),
    ('{"action": "drop", "location": "on the blue mug"}', 'on the blue mug'),
    ('{"action": "place", "target": "blue mug"}', 'to blue mug'),  # as before
])
def test_a_placing_step_that_names_only_its_destination_places_what_was_picked(step,
                                                                               destination):
    for text in (f'[{{"action": "pick", "object": "red ball"}}, {step}]',
                 f'{{"plan": [{{"action": "pick", "object": "red ball"}}, {step}]}}'):
        assert describe(parse_command(text)) == {'what': 'red ball',
                                                 'destination': [destination]}, text


# A planner's placing step that names its object again beside where it goes (a public LLM
# planner example's prompt: 'place: {action: "place", object: "cup", location: "table"}'
# after '{"action": "pick", "object": "cup"}') was said "place put cup to the table": a
# second object "put cup" was looked for. The step is already said with its verb.
@pytest.mark.parametrize('steps, parsed', [
    ('[{"action": "pick", "object": "red ball"}, {"action": "place", "object": "red ball", '
     '"destination": "blue mug"}]', {'what': 'red ball', 'destination': ['to the blue mug']}),
    ('[{"action": "pick", "object": "red ball"}, {"action": "place", "object": "red ball", '
     '"target": "blue mug"}]', {'what': 'red ball', 'destination': ['to the blue mug']}),
    ('{"plan": [{"action": "pick", "object": "cup"}, {"action": "place", "object": "cup", '
     '"location": "table"}]}', {'what': 'cup', 'destination': ['to the table']}),
    ('[{"action": "pick", "object": "red ball"}, {"action": "put", "object": "red ball", '
     '"into": "blue mug"}]', {'what': 'red ball', 'destination': ['into the blue mug']}),
    ('[{"action": "pick", "object": "cup", "color": "red"}, {"action": "place", "object": '
     '"cup", "color": "red", "location": "table"}]',
     {'what': 'red cup', 'destination': ['to the table']}),
    ('[{"action": "pick", "object": "the cup"}, {"action": "place", "object": "the cup", '
     '"location": "table"}]', {'what': 'cup', 'destination': ['to the table']}),
])
def test_a_placing_step_that_names_its_object_again_is_no_second_object(steps, parsed):
    assert describe(parse_command(steps)) == parsed


# A planner's one step that names a place and no object (a public LLM planner example's
# prompt: 'navigate: {action: "navigate", location: "kitchen"}', 'place: {action: "place",
# ...}'): its keys and values were the object ("action navigate location kitchen",
# not_found). Said as words, it is refused as what it is: a step that moves the robot, or
# a placing step that names nothing to look for.
@pytest.mark.parametrize('text, refused, motions', [
    ('{"action": "navigate", "location": "kitchen"}', 'only asks the robot to move',
     ['navigate to the kitchen']),
    ('{"action": "move_to", "destination": "kitchen"}', 'only asks the robot to move',
     ['move to the kitchen']),
    ('{"action": "GoTo", "location": "kitchen"}', 'only asks the robot to move',
     ['go to the kitchen']),
    ('{action: navigate, location: kitchen}', 'only asks the robot to move',
     ['navigate to the kitchen']),
    ('{"action": "place", "location": "table"}', 'names no object to look for', None),
    ('{"action": "put_in", "receptacle": "bin"}', 'names no object to look for', None),
    # helper-h122's brief: a motion step's target is where the robot goes (before: the
    # object "kitchen"); a step that takes what it does not name (before: the object
    # "action location table").
    ('{"action": "navigate", "target": "kitchen"}', 'only asks the robot to move',
     ['navigate to the kitchen']),
    ('{"action": "NavigateToPose", "goal": "kitchen"}', 'only asks the robot to move',
     ['navigate to the kitchen']),
    ('{"action": "navigate", "target": "room", "speed": "slow"}',
     'only asks the robot to move', ['navigate to the room']),
    ('{"action": "pick", "location": "table"}', 'names no object to look for', None),
    ('{"action": "grasp", "location": "shelf"}', 'names no object to look for', None),
    # A tool call that moves the robot, its place in its arguments (before: "kitchen").
    ('{"name": "navigate_to", "arguments": {"location": "kitchen"}}',
     'only asks the robot to move', ['navigate to the kitchen']),
    ('{"tool": "navigate", "tool_input": {"target": "kitchen"}}',
     'only asks the robot to move', ['navigate to the kitchen']),
    ('{"type": "function", "function": {"name": "go_to", "arguments": "{\\"location\\": '
     '\\"hallway\\"}"}}', 'only asks the robot to move', ['go to the hallway']),
])
def test_a_lone_step_with_a_place_and_no_object_is_refused_as_what_it_is(text, refused,
                                                                        motions):
    q = parse_command(text)
    assert q.refused is not None and refused in q.refused, describe(q)
    assert describe(q).get('motions') == motions, describe(q)
    assert 'action' not in q.what and 'location' not in q.what, describe(q)


@pytest.mark.parametrize('text, what', [
    ('{"action": "move", "object": "red ball", "target": "bin"}', 'red ball'),
    ('{"action": "place", "object": "red ball", "location": "table"}', 'red ball'),  # same
    # Going to an object is the object, as "go to the red ball" is (before: the object
    # "action go location red ball").
    ('{"action": "go_to", "location": "the red ball"}', 'red ball'),
])
def test_a_lone_step_to_an_object_or_with_one_names_it(text, what):
    assert parse_command(text).what == what


# A planner's JSON read as words of an object (helper-h122's brief): the object under an
# id key ('{"action": "pick", "object_id": "trash_1"}': "action object id trash"). An id
# is a name with an instance number: the name is the object.
@pytest.mark.parametrize('text, parsed', [
    ('{"action": "pick", "object_id": "trash_1"}', {'what': 'trash'}),
    ('{"action": "pick", "object_id": "cup_02"}', {'what': 'cup'}),
    ('{"action": "grasp", "target_id": "red_cup_1"}', {'what': 'red cup'}),
    ('{"action": "place", "object_id": "cup_1", "target": "tray"}',
     {'what': 'cup', 'destination': ['to the tray']}),
])
def test_a_planners_object_id_is_the_object_named(text, parsed):
    assert describe(parse_command(text)) == parsed


# A step's verb under a wrapping key beside the object's key (helper-h122's brief:
# '{"command": "place", "target": "blue mug"}' was the object "place"): a verb names no
# object, the object key does.
@pytest.mark.parametrize('text, parsed', [
    ('{"command": "place", "target": "blue mug"}', {'what': 'blue mug'}),
    ('{"command": "put_in", "item": "red ball"}', {'what': 'red ball'}),
    ('{"text": "drop", "object": "green cube"}', {'what': 'green cube'}),
    ('{"text": "pick up", "object": "green cube"}', {'what': 'green cube'}),  # as before
])
def test_a_step_verb_under_a_wrapping_key_names_no_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# The steps of a plan that move the robot (helper-h122's brief: '{"action": "navigate",
# "target": "kitchen"}' in a list was the object "kitchen", a plan's the objects "room" and
# "trash bin"): a motion step's target is where the robot goes, a step in `motions`.
@pytest.mark.parametrize('text, parsed', [
    ('[{"action": "navigate", "target": "kitchen"}, {"action": "pick", "object": "red cup"}]',
     {'what': 'red cup', 'motions': ['navigate to the kitchen']}),
    ('{"plan": [{"action": "navigate", "target": "room"}, {"action": "pick", "object": '
     '"trash"}, {"action": "navigate", "target": "trash bin"}, {"action": "place", '
     '"target": "trash bin"}]}',
     {'what': 'trash', 'destination': ['to trash bin'],
      'motions': ['navigate to the room', 'navigate to the trash bin']}),
    ('[{"action": "go_to", "location": "kitchen"}, {"action": "pick", "object_id": '
     '"cup_02"}, {"action": "navigate", "target": "sink"}, {"action": "place", "target": '
     '"sink"}]', {'what': 'cup', 'destination': ['to sink'],
                  'motions': ['go to the kitchen', 'navigate to the sink']}),
    ('{"steps": [{"action": "navigate", "target": "living room"}, {"action": "pick", '
     '"object": "red ball"}]}',
     {'what': 'red ball', 'motions': ['navigate to the living room']}),
])
def test_a_plans_motion_steps_are_steps_not_objects(text, parsed):
    assert describe(parse_command(text)) == parsed


# A field that says where the object goes, beside the object with no placing verb, or
# beside the command's own words (helper-h117's brief: '{"action": "pick", "object": "red
# ball", "target": "blue tray"}' and '{"command": "place the red ball", "destination": "the
# bin"}' dropped the tray and the bin without a word).
@pytest.mark.parametrize('text, destination', [
    ('{"action": "pick", "object": "red ball", "target": "blue tray"}', 'to the blue tray'),
    ('{"object": "red ball", "target": "blue tray"}', 'to the blue tray'),
    ('{"object": "red ball", "goal": "blue tray"}', 'to the blue tray'),
    ('{"action": "grasp", "object_name": "red_ball", "destination": "blue_tray"}',
     'to the blue tray'),
    ('find_object(object="red ball", target="blue tray")', 'to the blue tray'),
    ('{"command": "place the red ball", "destination": "the bin"}', 'to the bin'),
    ('{"command": "place the red ball", "target": "the bin"}', 'to the bin'),
    ('{"text": "pick up the red ball", "destination": "blue tray"}', 'to the blue tray'),
    ('{"data": "the red ball", "into": "the bin"}', 'into the bin'),
])
def test_a_where_to_field_is_where_the_object_goes_whatever_the_verb(text, destination):
    assert describe(parse_command(text)) == {'what': 'red ball', 'destination': [destination]}


# The object's place, relation or colour beside the command's words, as beside an object
# key; a target alone is still the object.
@pytest.mark.parametrize('text, parsed', [
    ('{"data": "the red ball", "side": "left"}', {'what': 'red ball', 'relation': 'left'}),
    ('{"text": "pick up the red ball", "location": "left"}',
     {'what': 'red ball', 'relation': 'left'}),
    ('{"command": "the red ball", "relation": "left of", "reference": "blue mug"}',
     {'what': 'red ball', 'link': 'left_of', 'reference': {'what': 'blue mug'}}),
    ('{"prompt": "the ball", "color": "red"}', {'what': 'red ball'}),
    ('{"data": "the red ball", "location": "drawer"}',
     {'what': 'red ball', 'link': 'in', 'reference': {'what': 'drawer'}}),
    ('{"action": "pick", "target": "red ball"}', {'what': 'red ball'}),
    ('{"object": "red ball", "location": "table"}', {'what': 'red ball'}),
])
def test_fields_beside_the_commands_words_are_read(text, parsed):
    assert describe(parse_command(text)) == parsed


# A field the node does not read is named, with the key one typo from it (helper-h117's
# brief: unknown fields were ignored without a word, so a planner's typo went unnoticed);
# the command is read from the others as before.
@pytest.mark.parametrize('text, what, unread', [
    ('{"object": "red ball", "colr": "blue"}', 'red ball', (('colr', 'color'),)),
    ('{"objct": "red ball"}', 'red ball', (('objct', 'object'),)),
    ('{"data": "the red ball", "confidence": 0.9}', 'red ball', (('confidence', None),)),
    ('{"object": "red ball", "destinaton": "blue mug"}', 'red ball',
     (('destinaton', 'destination'),)),
    ('{"object": "red ball", "Speed": "slow", "grip_force": 5}', 'red ball',
     (('speed', None), ('grip_force', None))),
    ('pick(object="red ball", colr="blue")', 'red ball', (('colr', 'color'),)),
    ('action: pick, object: green cube, speed: slow', 'green cube', (('speed', None),)),
    ('[{"id": "call_1", "type": "function", "function": {"name": "detect", "arguments": '
     '"{\\"object\\": \\"blue mug\\", \\"urgency\\": \\"high\\"}"}}]', 'blue mug',
     (('urgency', None),)),
])
def test_a_field_the_node_does_not_read_is_named(text, what, unread):
    assert parse_command(text).what == what
    assert unread_fields(text) == unread
    note = unread_note(unread)
    for key, known in unread:
        assert f'"{key}"' in note and (known is None or f'did you mean "{known}"' in note)


# A planner's placing step that names no object, only where it goes: its fields are named
# as every other step's (helper-h127's brief: unread fields were checked only in the
# mapping the object came from; "spd", "force", "grip" of the place step went unsaid).
@pytest.mark.parametrize('text, parsed, unread', [
    ('[{"action": "pick", "object": "red ball", "colr": "blue"}, '
     '{"action": "place", "location": "bin", "spd": 1}]',
     {'what': 'red ball', 'destination': ['to the bin']}, (('colr', 'color'), ('spd', None))),
    ('{"plan": [{"action": "pick", "object": "red ball"}, '
     '{"action": "place", "location": "bin", "force": 2}]}',
     {'what': 'red ball', 'destination': ['to the bin']}, (('force', None),)),
    ('[{"action": "pick", "object": "red ball"}, '
     '{"action": "put_in", "container": "bin", "grip": "soft"}]',
     {'what': 'red ball', 'destination': ['into the bin']}, (('grip', None),)),
    ('[{"action": "pick", "object": "red ball"}, {"action": "place", "location": "bin"}]',
     {'what': 'red ball', 'destination': ['to the bin']}, ()),
])
def test_a_placing_steps_unread_field_is_named(text, parsed, unread):
    assert describe(parse_command(text)) == parsed
    assert unread_fields(text) == unread


# The keys of the envelopes a command arrives in, and plain words, name no field.
@pytest.mark.parametrize('text', [
    '{"role": "assistant", "content": "the red ball"}',
    '{"op": "publish", "topic": "/clip_perception/command", "msg": {"data": "the cube"}}',
    '[{"id": "call_1", "type": "function", "function": {"name": "detect", "arguments": '
    '"{\\"object\\": \\"blue mug\\"}"}}]',
    '{"task": "pick_and_place", "object": "red ball", "target": "blue mug", "color": "red"}',
    '{"object": "red ball", "relation": "left of", "reference": "blue mug"}',
    '{"pick": "red ball", "place": "blue mug"}',
    'the red ball: on the left', 'the red ball (the left one)', 'data: the red ball',
])
def test_envelope_keys_and_plain_words_name_no_field(text):
    assert unread_fields(text) == ()
    assert unread_note(()) == ''


# A verb of taking out or away before the object (helper-h117's brief: "remove the red ball
# from the tray" was the object "remove red ball"): dropped where a determiner follows, as
# "grab" is; where it was taken from is where it is now; alone it is refused, saying what
# to add. "the vanilla extract", "the pull cord" stay objects.
@pytest.mark.parametrize('text, parsed', [
    ('remove the red ball from the tray', {'what': 'red ball', 'link': 'on',
                                           'reference': {'what': 'tray'}}),
    ('extract the red ball from the bin', {'what': 'red ball', 'link': 'in',
                                           'reference': {'what': 'bin'}}),
    ('can you remove the red ball from the blue mug', {'what': 'red ball', 'link': 'in',
                                                       'reference': {'what': 'blue mug'}}),
    ('take out the red ball from the drawer', {'what': 'red ball', 'link': 'in',
                                               'reference': {'what': 'drawer'}}),
    ('pull the red ball out of the box', {'what': 'red ball', 'link': 'in',
                                          'reference': {'what': 'box'}}),
    ('take out the red ball', {'what': 'red ball'}),
    ('pull out the red ball', {'what': 'red ball'}),
    ('pick out the red ball', {'what': 'red ball'}),
    ('collect the red ball', {'what': 'red ball'}),
    ('unload the red ball', {'what': 'red ball'}),
    ('clear the red ball off the table', {'what': 'red ball'}),
    ('please remove all the red balls', {'what': 'red ball', 'plural': True}),
    ('remove the lid', {'what': 'lid'}),
    ('the vanilla extract', {'what': 'vanilla extract'}),
    ('the pull cord', {'what': 'pull cord'}),
])
def test_a_verb_of_taking_out_is_no_word_of_the_object(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text, verb', [
    ('remove', 'remove'), ('please remove', 'remove'), ('extract', 'extract'),
    ('take out', 'take'),
])
def test_a_verb_of_taking_out_alone_is_refused(text, verb):
    query = parse_command(text)
    assert query.refused is not None and f'says what to do ({verb})' in query.refused


# A place word before a noun says which of several things the object is on or in ("the
# ball on the very top shelf": helper-h117's brief, read as the object "ball shelf" at the
# top): the thing is the reference, its place word its own; place words alone, or before a
# region ("side", "corner", "row"), "of" or "one", stay a place in the view.
@pytest.mark.parametrize('text, link, reference', [
    ('the ball on the very top shelf', 'on', {'what': 'shelf', 'relation': 'top'}),
    ('the mug on the top shelf', 'on', {'what': 'shelf', 'relation': 'top'}),
    ('the cube on the left tray', 'on', {'what': 'tray', 'relation': 'left'}),
    ('the mug on the right plate', 'on', {'what': 'plate', 'relation': 'right'}),
    ('the mug on the top left shelf', 'on',
     {'what': 'shelf', 'relation': 'left', 'second_relation': 'top'}),
    ('the ball over the left mug', 'on', {'what': 'mug', 'relation': 'left'}),
    ('the ball in the top drawer', 'in', {'what': 'drawer', 'relation': 'top'}),
    ('the ball in the lower drawer', 'in', {'what': 'drawer', 'relation': 'bottom'}),
    ('the mug in the left bin', 'in', {'what': 'bin', 'relation': 'left'}),
])
def test_a_place_word_before_a_noun_is_the_references_own(text, link, reference):
    assert describe(parse_command(text)) == {'what': text.split()[1], 'link': link,
                                             'reference': reference}


@pytest.mark.parametrize('text, parsed', [
    ('the ball on the top', {'what': 'ball', 'relation': 'top'}),
    ('the ball on the top left', {'what': 'ball', 'relation': 'left', 'second_relation': 'top'}),
    ('the ball on the left side', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the left hand side', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the very left', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the left please', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the left one', {'what': 'ball', 'relation': 'left'}),
    ('the ball on the bottom row', {'what': 'ball', 'relation': 'bottom'}),
    ('the ball on the left of the mug', {'what': 'ball', 'link': 'left_of',
                                         'reference': {'what': 'mug'}}),
    ('the ball on the left and the blue mug', {'what': 'ball', 'relation': 'left',
                                               'also': [{'what': 'blue mug'}]}),
    ('the ball in the top left corner', {'what': 'ball', 'relation': 'left',
                                         'second_relation': 'top'}),
    ('the ball in the middle of the table', {'what': 'ball', 'relation': 'middle'}),
    ('the ball in the front row', {'what': 'ball', 'relation': 'nearest'}),
    ('the ball in the upper left', {'what': 'ball', 'relation': 'left',
                                    'second_relation': 'top'}),
    ('put the ball on the top shelf', {'what': 'ball', 'destination': ['on the top shelf']}),
])
def test_place_words_naming_no_thing_stay_a_place_in_the_view(text, parsed):
    assert describe(parse_command(text)) == parsed


# A brand or a name said before the noun of a second object, or of a reference, is named
# on that object, not the first ("the red ball. the IKEA mug": helper-h117's brief named
# "IKEA" on the red ball), and the answer's reason names it with the object it is of.
@pytest.mark.parametrize('text, parsed', [
    ('the red ball. the IKEA mug', {'what': 'red ball', 'also': [
        {'what': 'mug', 'unchecked': ['named IKEA']}]}),
    ('the red ball and the IKEA mug', {'what': 'red ball', 'also': [
        {'what': 'mug', 'unchecked': ['named IKEA']}]}),
    ('the red ball; the Starbucks cup', {'what': 'red ball', 'also': [
        {'what': 'cup', 'unchecked': ['named Starbucks']}]}),
    ('the red mug and the IKEA mug', {'what': 'red mug', 'also': [
        {'what': 'mug', 'unchecked': ['named IKEA']}]}),
    ('the red ball or the IKEA mug', {'what': 'red ball', 'alternatives': [
        {'what': 'mug', 'unchecked': ['named IKEA']}]}),
    ('the ball next to the IKEA mug', {'what': 'ball', 'link': 'next_to', 'reference': {
        'what': 'mug', 'unchecked': ['named IKEA']}}),
    ('the ball between the IKEA mug and the Starbucks cup', {
        'what': 'ball', 'link': 'between',
        'reference': {'what': 'mug', 'unchecked': ['named IKEA']},
        'second_reference': {'what': 'cup', 'unchecked': ['named Starbucks']}}),
    ('the IKEA mug and the red ball', {'what': 'mug', 'unchecked': ['named IKEA'],
                                       'also': [{'what': 'red ball'}]}),
    ('grab the Sharpie pens and the IKEA mugs', {
        'what': 'pen', 'unchecked': ['named Sharpie'], 'plural': True,
        'also': [{'what': 'mug', 'unchecked': ['named IKEA'], 'plural': True}]}),
])
def test_a_name_is_named_on_the_object_it_is_said_of(text, parsed):
    query = parse_command(text)
    assert describe(query) == parsed
    notes = unchecked_notes(query)  # every name noted; a second object's said with it
    assert len(notes) == text.count('IKEA') + text.count('Starbucks') + text.count('Sharpie')
    assert sum('(of "' not in n for n in notes) == len(parsed.get('unchecked', []))
    assert all(n.endswith('(of "mug")') for n in notes if n.startswith('"IKEA"') and
               parsed['what'] != 'mug')


# Edit words in a row before a correction ("actually wait, the blue one": helper-h117's
# brief, the objects "wait" and "blue wait"): "actually", "sorry", "oops" open it as
# "wait" and "no" do, with punctuation or without, first or after the object corrected.
@pytest.mark.parametrize('text, what', [
    ('actually wait, the blue one', 'blue'),
    ('actually, wait, the blue mug', 'blue mug'),
    ('actually wait the blue mug', 'blue mug'),
    ('sorry, wait, the blue mug', 'blue mug'),
    ('oops, no, the blue mug', 'blue mug'),
    ('wait the blue mug', 'blue mug'),
    ('the red ball, actually wait, the blue mug', 'blue mug'),
    ('the red ball, sorry, no, the blue mug', 'blue mug'),
    ('the red ball - oops wait - the blue mug', 'blue mug'),
    ('the red ball, sorry', 'red ball'),
])
def test_edit_words_in_a_row_open_a_correction(text, what):
    assert describe(parse_command(text)) == {'what': what}


# A gloss in another language beside the English command (helper-h117's brief: "the red
# ball (红色的球)" was the object "red ball 红色的球"; "(la pelota roja)" refused the whole
# command as Spanish): in brackets or quotes, or at the start or the end, dropped and
# named; a command wholly in another language is still refused.
@pytest.mark.parametrize('text, parsed, gloss', [
    ('the red ball (红色的球)', {'what': 'red ball'}, '红色的球'),
    ('the blue mug（蓝色杯子）', {'what': 'blue mug'}, '蓝色杯子'),
    ('the red ball [红球]', {'what': 'red ball'}, '红球'),
    ('the red ball - 红色的球', {'what': 'red ball'}, '红色的球'),
    ('the red ball / 红色的球', {'what': 'red ball'}, '红色的球'),
    ('the red ball 红色的球', {'what': 'red ball'}, '红色的球'),
    ('红色的球 (the red ball)', {'what': 'red ball'}, '红色的球'),
    ('红色的球 - the red ball', {'what': 'red ball'}, '红色的球'),
    ('the red ball «красный мяч»', {'what': 'red ball'}, 'красный мяч'),
    ('the red ball (la pelota roja)', {'what': 'red ball'}, 'la pelota roja'),
    ('the cup (茶杯) on the left', {'what': 'cup', 'relation': 'left'}, '茶杯'),
])
def test_a_gloss_in_another_language_is_dropped_and_named(text, parsed, gloss):
    assert describe(parse_command(text)) == dict(parsed, glosses=[gloss])


# A gloss in brackets whose words of another language English also spells (helper-h127's
# brief: "the red ball (rote Kugel)" was the object "red ball rote kugel"; "rote",
# "rouge", "vert" count as German or French only beside another sign of it, and the
# brackets beside an English command are one).
@pytest.mark.parametrize('text, parsed, gloss', [
    ('the red ball (rote Kugel)', {'what': 'red ball'}, 'rote Kugel'),
    ('the red ball [rote Kugel]', {'what': 'red ball'}, 'rote Kugel'),
    ('the red ball (rouge)', {'what': 'red ball'}, 'rouge'),
    ('the green cube (vert)', {'what': 'green cube'}, 'vert'),
    ('the blue mug (tazza blu)', {'what': 'blue mug'}, 'tazza blu'),
    ('pick up the red ball (rote Kugel) and put it in the blue mug',
     {'what': 'red ball', 'destination': ['in the blue mug']}, 'rote Kugel'),
])
def test_a_gloss_of_words_english_also_spells_is_dropped_in_brackets(text, parsed, gloss):
    assert describe(parse_command(text)) == dict(parsed, glosses=[gloss])


@pytest.mark.parametrize('text, parsed', [
    ('the red ball (the big one)', {'what': 'red ball', 'size': 'largest'}),
    ('the red ball (left)', {'what': 'red ball', 'relation': 'left'}),
    ('the red ball 👍', {'what': 'red ball', 'symbols': ['👍']}),
    ('the rouge brush', {'what': 'rouge brush'}),
    ('the ball (left one)', {'what': 'ball', 'relation': 'left'}),
])
def test_english_in_brackets_is_no_gloss(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text', ['红色的球', '(红色的球)', 'la pelota roja'])
def test_a_command_wholly_in_another_language_is_still_refused(text):
    assert 'another language than English' in parse_command(text).refused


# A pick step, then a placing step naming where with a determiner and no preposition
# (helper-h117's brief: "pick the red ball -> place the blue mug" was two objects): the
# object picked, going where the placing step says; a placing step with its own where, a
# second pick and a first step that finds are read as before.
@pytest.mark.parametrize('text, parsed', [
    ('pick the red ball -> place the blue mug', {'what': 'red ball',
                                                 'destination': ['to the blue mug']}),
    ('pick the red ball then place the blue mug', {'what': 'red ball',
                                                   'destination': ['to the blue mug']}),
    ('pick the red ball, place the blue mug', {'what': 'red ball',
                                               'destination': ['to the blue mug']}),
    ('grab the red ball and place the blue mug', {'what': 'red ball',
                                                  'destination': ['to the blue mug']}),
    ('grab the red ball, then put the blue bowl', {'what': 'red ball',
                                                   'destination': ['to the blue bowl']}),
    ('pick up the red ball and then drop the yellow bin', {
        'what': 'red ball', 'destination': ['to the yellow bin']}),
    ('please pick the red ball -> place the blue mug.', {
        'what': 'red ball', 'destination': ['to the blue mug']}),
    ('pick the red ball -> place the blue mug -> pick the green cube', {
        'what': 'red ball', 'also': [{'what': 'green cube'}],
        'destination': ['to the blue mug']}),
    # The tray is where the blue mug goes, the step's own object (helper-h127: it was the
    # red ball's destination).
    ('pick the red ball, then place the blue mug on the tray', {
        'what': 'red ball', 'also': [{'what': 'blue mug', 'destination': ['on the tray']}]}),
    ('pick the red ball and place it in the blue mug', {'what': 'red ball',
                                                        'destination': ['in the blue mug']}),
    ('pick the red ball then pick the blue mug', {'what': 'red ball',
                                                  'also': [{'what': 'blue mug'}]}),
    ('find the red ball then place the blue mug', {'what': 'red ball',
                                                   'also': [{'what': 'blue mug'}]}),
])
def test_a_placing_step_after_a_pick_says_where_the_object_goes(text, parsed):
    assert describe(parse_command(text)) == parsed


# "above" and "below" are relations of their own, higher or lower as the camera sees it
# (helper-h117's brief: "above" was read as "on", which needs the object over the other
# in 3D); "over", "on top of", "under" read as before; "not above" is "below".
@pytest.mark.parametrize('text, link, reference', [
    ('the ball above the mug', 'above', 'mug'),
    ('the lamp directly above the table', 'above', 'table'),
    ('the ball higher than the mug', 'above', 'mug'),
    ('the mug below the ball', 'below', 'ball'),
    ('the cube lower than the blue mug', 'below', 'blue mug'),
    ('the ball not above the mug', 'below', 'mug'),
    ('the ball over the mug', 'on', 'mug'),
    ('the ball on top of the mug', 'on', 'mug'),
    ('the ball under the mug', 'under', 'mug'),
])
def test_above_and_below_are_relations_of_their_own(text, link, reference):
    query = parse_command(text)
    assert (query.link, query.reference.what) == (link, reference)


# One picked from a group, said after a verb of asking or with the group first or after
# "among", "out of", "from", "between" (helper-h117's brief: "the closest of the two red
# balls" read as a plural): "pick up the biggest of the two cubes" was every cube, two of
# them; "of the two red balls, the closest" every red ball and an object "object".
@pytest.mark.parametrize('text, parsed', [
    ('pick up the closest of the two red balls', {'what': 'red ball', 'relation': 'nearest'}),
    ('grab the closest of the red balls', {'what': 'red ball', 'relation': 'nearest'}),
    ('can you find the leftmost of the three mugs', {'what': 'mug', 'relation': 'left'}),
    ('pick up the biggest of the two cubes', {'what': 'cube', 'size': 'largest'}),
    ('of the two red balls, the closest', {'what': 'red ball', 'relation': 'nearest'}),
    ('of the two red balls, the closest one', {'what': 'red ball', 'relation': 'nearest'}),
    ('out of the two red balls the closest one', {'what': 'red ball', 'relation': 'nearest'}),
    ('out of the two red balls, which is the closest',
     {'what': 'red ball', 'relation': 'nearest'}),
    ('of the red balls, the leftmost', {'what': 'red ball', 'relation': 'left'}),
    ('the closest among the two red balls', {'what': 'red ball', 'relation': 'nearest'}),
    ('the closest one out of the three mugs', {'what': 'mug', 'relation': 'nearest'}),
    ('the biggest from the two cubes', {'what': 'cube', 'size': 'largest'}),
    ('the closest between the two red balls', {'what': 'red ball', 'relation': 'nearest'}),
    ('pick up the biggest among the cubes', {'what': 'cube', 'size': 'largest'}),
    ('the closest of the two red balls', {'what': 'red ball', 'relation': 'nearest'}),
    ('pick up all of the red balls', {'what': 'red ball', 'plural': True}),
    ('grab both of the cubes', {'what': 'cube', 'count': 2, 'plural': True}),
    ('pick up one of the red balls', {'what': 'red ball', 'any_one': True}),
])
def test_one_picked_from_a_group_is_one_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# One of a group, any will do, said without a verb before it or with the group's count
# (helper-h127's brief: "one of the red balls" was "the one red ball", any_one only after a
# verb; "either of the two mugs" was both mugs, a count of two; "one out of the three
# mugs" the object "mug out"; "one of the 3 cubes" one cube with no any_one). The count
# says how many there are, not how many are wanted.
@pytest.mark.parametrize('text, parsed', [
    ('one of the red balls', {'what': 'red ball', 'any_one': True}),
    ('One of the blue mugs, please.', {'what': 'blue mug', 'any_one': True}),
    ('one of the two red balls', {'what': 'red ball', 'any_one': True}),
    ('one of those red balls', {'what': 'red ball', 'any_one': True}),
    ('one of the 3 cubes', {'what': 'cube', 'any_one': True}),
    ('either of the two mugs', {'what': 'mug', 'any_one': True}),
    ('give me either of the blue mugs', {'what': 'blue mug', 'any_one': True}),
    ('one out of the three mugs', {'what': 'mug', 'any_one': True}),
    ('any one of the red balls', {'what': 'red ball', 'any_one': True}),
    ('I need one of the red balls', {'what': 'red ball', 'any_one': True}),
    ('one of the red balls on the left', {'what': 'red ball', 'relation': 'left',
                                          'any_one': True}),
    ('{"object": "one of the red balls"}', {'what': 'red ball', 'any_one': True}),
    # Controls: one picked by a word, the definite "the one", a plural.
    ('the left one of the red balls', {'what': 'red ball', 'relation': 'left'}),
    ('the one on the left of the three balls', {'what': 'ball', 'relation': 'left'}),
    ('pick up all of the red balls', {'what': 'red ball', 'plural': True}),
    ('the two red balls', {'what': 'red ball', 'plural': True, 'count': 2}),
])
def test_one_of_a_group_is_any_one_however_said(text, parsed):
    assert describe(parse_command(text)) == parsed


# A side said before a relation ("on the right behind the mug"): "right", "far", "way",
# "straight" after "the" are the side's noun, not the intensifier of "right behind",
# "right in front of you" (helper-h127's brief: "the ball on the right behind the mug"
# lost "right"; "the mug on the right in front of the box" was the mug on the nearest box).
@pytest.mark.parametrize('text, parsed', [
    ('the ball on the right behind the mug', {'what': 'ball', 'relation': 'right',
                                              'link': 'behind', 'reference': {'what': 'mug'}}),
    ('the ball on the right next to the mug', {'what': 'ball', 'relation': 'right',
                                               'link': 'next_to',
                                               'reference': {'what': 'mug'}}),
    ('the mug on the right in front of the box', {'what': 'mug', 'relation': 'right',
                                                  'link': 'in_front_of',
                                                  'reference': {'what': 'box'}}),
    ('the red ball on the right, behind the mug', {'what': 'red ball', 'relation': 'right',
                                                   'link': 'behind',
                                                   'reference': {'what': 'mug'}}),
    ('the ball on the left right in front of the mug', {'what': 'ball', 'relation': 'left',
                                                        'link': 'in_front_of',
                                                        'reference': {'what': 'mug'}}),
    ('the ball on the right in front of you', {'what': 'ball', 'relation': 'right',
                                               'second_relation': 'nearest'}),
    ('the cube to the right near the bowl', {'what': 'cube', 'relation': 'right',
                                             'link': 'next_to', 'reference': {'what': 'bowl'}}),
    # Controls: the intensifier, said with no "the" before it.
    ('the ball right behind the mug', {'what': 'ball', 'link': 'behind',
                                       'reference': {'what': 'mug'}}),
    ('the mug right in front of the box', {'what': 'mug', 'link': 'in_front_of',
                                           'reference': {'what': 'box'}}),
    ('the ball right in front of you', {'what': 'ball', 'relation': 'nearest'}),
    ('the ball straight ahead', {'what': 'ball', 'relation': 'middle'}),
    ('the ball way behind the mug', {'what': 'ball', 'link': 'behind',
                                     'reference': {'what': 'mug'}}),
])
def test_a_side_said_before_a_relation_is_kept(text, parsed):
    assert describe(parse_command(text)) == parsed


# A placing step after another step names its own object: where it goes is that object's
# (helper-h127's brief: in "[pick red ball, place green cube -> blue mug]" the blue mug was
# a second object and the green cube where the red ball goes; "pick red ball, place green
# cube on blue mug" gave the red ball the cube's destination). An arrow inside a placing
# step, after its object, is "to"; between steps it is "then", as before.
@pytest.mark.parametrize('text, parsed', [
    ('[pick red ball, place green cube -> blue mug]',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
    ('pick red ball, place green cube -> blue mug',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
    ('pick red ball, place green cube on blue mug',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['on blue mug']}]}),
    ('pick(red ball), place(green cube, blue mug)',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
    ('pick up the red ball, then put the green cube in the blue mug',
     {'what': 'red ball', 'also': [{'what': 'green cube',
                                    'destination': ['in the blue mug']}]}),
    ('find the red ball and put the green cube on the tray',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['on the tray']}]}),
    ('["pick red ball", "place green cube on blue mug"]',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['on blue mug']}]}),
    ('place the green cube \u2192 the blue mug',
     {'what': 'green cube', 'destination': ['to the blue mug']}),
    ('move red ball -> blue mug', {'what': 'red ball', 'destination': ['to blue mug']}),
    ('put red ball -> in blue mug', {'what': 'red ball', 'destination': ['in blue mug']}),
    # Controls: the step's object is the first; an arrow between steps or objects.
    ('pick up the red ball and place it in the blue mug',
     {'what': 'red ball', 'destination': ['in the blue mug']}),
    ('put the red ball in the blue mug and the green cube in the yellow bowl',
     {'what': 'red ball', 'destination': ['in the blue mug'],
      'also': [{'what': 'green cube', 'destination': ['in the yellow bowl']}]}),
    ('pick red ball -> place blue mug', {'what': 'red ball', 'destination': ['to blue mug']}),
    ('pick(red ball) -> place(blue mug)', {'what': 'red ball',
                                           'destination': ['to blue mug']}),
    ('the red ball -> the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
])
def test_where_a_later_step_places_is_its_own_objects(text, parsed):
    assert describe(parse_command(text)) == parsed


# Steps numbered "1.", "2." on one line, as an LLM planner or a chat writes a plan
# (helper-h127: "1. pick red ball 2. place green cube -> blue mug" was the object "red ball
# 2 place green cube blue mug"); "1)" and "Step 1:" were read already.
@pytest.mark.parametrize('text, parsed', [
    ('1. pick red ball 2. place green cube -> blue mug',
     {'what': 'red ball', 'also': [{'what': 'green cube', 'destination': ['to blue mug']}]}),
    ('1. find the red ball 2. find the blue mug',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('1. pick up the red ball 2. put it in the blue mug',
     {'what': 'red ball', 'destination': ['in the blue mug']}),
    ('1. grab the green cube 2. go to the table',
     {'what': 'green cube', 'motions': ['go to the table']}),
    # Controls: a number said of the object, a decimal, one step.
    ('the red ball number 2. then the blue mug',
     {'what': 'red ball', 'relation': 'left', 'ordinal': 2, 'also': [{'what': 'blue mug'}]}),
    ('the ball 0.5 m left of the mug', {'what': 'ball', 'link': 'left_of',
                                        'reference': {'what': 'mug'}, 'distance_m': 0.5}),
    ('1. the red ball', {'what': 'red ball'}),
])
def test_steps_numbered_on_one_line_are_steps(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text, parsed', [
    ('the second from the left', {'what': 'object', 'relation': 'left', 'ordinal': 2}),
    ('the ball between the two mugs', {'what': 'ball', 'link': 'between', 'reference': {
        'what': 'mug'}, 'second_reference': {'what': 'mug'}}),
])
def test_from_and_between_without_a_group_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# Ordinals past "twelfth" said in words, as a recogniser writes them (helper-h117: "the
# twenty first ball from the left" was the first "twenty ball"; speech-to-text numbers,
# allo-media/text2num#47): read as their digits.
@pytest.mark.parametrize('text, parsed', [
    ('the twenty first ball from the left', {'what': 'ball', 'relation': 'left',
                                             'ordinal': 21}),
    ('the twenty-second mug from the right', {'what': 'mug', 'relation': 'right',
                                              'ordinal': 22}),
    ('the thirteenth cube', {'what': 'cube', 'relation': 'left', 'ordinal': 13}),
    ('pick up the fifteenth ball from the left', {'what': 'ball', 'relation': 'left',
                                                  'ordinal': 15}),
    ('the twentieth ball', {'what': 'ball', 'relation': 'left', 'ordinal': 20}),
    ('the twelfth cube', {'what': 'cube', 'relation': 'left', 'ordinal': 12}),
    ('the 21st ball', {'what': 'ball', 'relation': 'left', 'ordinal': 21}),
])
def test_an_ordinal_past_twelfth_said_in_words_is_read(text, parsed):
    assert describe(parse_command(text)) == parsed


# A placing step run on after its object with no "and" or punctuation, as a recogniser
# without punctuation writes it (helper-h117: "pick up red ball place in blue mug" was the
# object "red ball place blue mug"); "please put in the red ball", "the place in the
# corner" are no such step.
@pytest.mark.parametrize('text, parsed', [
    ('pick up red ball place in blue mug', {'what': 'red ball',
                                            'destination': ['in blue mug']}),
    ('pick up the red ball place it in the blue mug', {'what': 'red ball',
                                                       'destination': ['in the blue mug']}),
    ('grab the green cube put on the tray', {'what': 'green cube',
                                             'destination': ['on the tray']}),
    ('pick red ball drop into bin', {'what': 'red ball', 'destination': ['into bin']}),
    ('the red ball put it on the table', {'what': 'red ball',
                                          'destination': ['on the table']}),
    ('pick up the red ball and place in the blue mug', {'what': 'red ball',
                                                        'destination': ['in the blue mug']}),
    ('the place in the corner', {'what': 'place', 'unchecked': ['in the corner']}),
])
def test_a_placing_step_run_on_after_its_object_is_a_step(text, parsed):
    assert describe(parse_command(text)) == parsed


# Politeness and how soon said after where the object goes are no part of the
# destination (helper-h117: "... in the blue mug please thank you" was the destination
# "in the blue mug please thank you").
@pytest.mark.parametrize('text, destination', [
    ('pick up the red ball and put it in the blue mug please thank you', 'in the blue mug'),
    ('put the red ball in the blue mug please', 'in the blue mug'),
    ('put the red ball in the blue mug now', 'in the blue mug'),
    ('put the red ball on the tray for me thanks', 'on the tray'),
    ('put the red ball in the bin okay', 'in the bin'),
    ('put the red ball in the blue mug', 'in the blue mug'),
])
def test_politeness_after_the_destination_is_no_part_of_it(text, destination):
    assert describe(parse_command(text)) == {'what': 'red ball', 'destination': [destination]}


# Counts past "ten" said in words before a plural noun (helper-h117: "the twenty balls",
# "the twelve mugs" were plurals of the objects "twenty ball", "twelve mug"): read as their
# digits, as "13 mugs" is; "the twelve volt battery", a distance in words as before.
@pytest.mark.parametrize('text, parsed', [
    ('the twenty balls', {'what': 'ball', 'count': 20, 'plural': True}),
    ('the thirteen mugs', {'what': 'mug', 'count': 13, 'plural': True}),
    ('the twelve mugs', {'what': 'mug', 'count': 12, 'plural': True}),
    ('twenty one red balls', {'what': 'red ball', 'count': 21, 'plural': True}),
    ('pick up the eleven cubes', {'what': 'cube', 'count': 11, 'plural': True}),
    ('the ten mugs', {'what': 'mug', 'count': 10, 'plural': True}),
    ('13 mugs', {'what': 'mug', 'count': 13, 'plural': True}),
    ('the twelve volt battery', {'what': 'twelve volt battery'}),
])
def test_a_count_past_ten_said_in_words_is_read(text, parsed):
    assert describe(parse_command(text)) == parsed


# A placing verb with its particle before the object (helper-h130's brief: "please put in
# the red ball" was the object "put" in the red ball; LLM-written instructions: "throw
# away the chips", Voltron's data collection page): the object follows the particle.
@pytest.mark.parametrize('text, parsed', [
    ('please put in the red ball', {'what': 'red ball'}),
    ('put in the red ball', {'what': 'red ball'}),
    ('toss in the blue mug', {'what': 'blue mug'}),
    ('throw in the green cube', {'what': 'green cube'}),
    ('stick in the red ball', {'what': 'red ball'}),
    ('drop off the red ball', {'what': 'red ball'}),
    ('throw out the chip bag', {'what': 'chip bag'}),
    ('take out the yellow cylinder', {'what': 'yellow cylinder'}),
    ('put on the red ball on the table', {'what': 'red ball', 'destination': ['on the table']}),
    ('put in the green cube into the blue mug', {'what': 'green cube',
                                                  'destination': ['into the blue mug']}),
    ('put in the red ball and the blue mug', {'what': 'red ball',
                                              'also': [{'what': 'blue mug'}]}),
    # Controls: a particle after the verb that says how, as before.
    ('put down the red ball', {'what': 'red ball'}),
    ('put back the blue mug', {'what': 'blue mug'}),
])
def test_a_placing_verb_said_before_its_particle_moves_the_object_after_it(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text', [
    # "in"/"on" before a surface or a container: where it goes, the object left out, as
    # "put it in the bin" (before: the object "put", in the bin).
    'put in the bowl', 'put on the table', 'please put in the big blue box',
    'place on the shelf', 'drop in the bin'])
def test_a_placing_verb_before_where_it_goes_names_no_object(text):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused, describe(q)
    assert q.what == 'object'


# A pronoun said only with where it is (helper-h130's brief: "pick it on the table" was
# scored "object" on the table; "pick it on the tray", "pick it up from the table" posed
# the tray, the table): refused as "pick it" is, where no other phrase names the object.
@pytest.mark.parametrize('text', [
    'pick it on the table', 'pick it up from the table', 'pick it on the tray',
    'grab that on the table', 'grab them on the table', 'pick it on the left',
    'take it off the shelf', 'take it out of the box'])
def test_a_pronoun_said_only_with_where_it_is_names_no_object(text):
    q = parse_command(text)
    assert q.refused and 'names no object' in q.refused, describe(q)
    assert q.what == 'object'


@pytest.mark.parametrize('text, parsed', [
    # Controls: an object named by its place, or a pronoun for an object named before.
    ('the one on the table', {'what': 'object'}),
    ('that one on the left', {'what': 'object', 'relation': 'left'}),
    ('There is a red ball. Is it on the left?', {'what': 'red ball', 'relation': 'left',
                                                 'any_one': True}),
    ('pick up the red ball and put it on the table', {'what': 'red ball',
                                                      'destination': ['on the table']}),
    ('grab that mug on the table', {'what': 'mug'}),
])
def test_a_pronoun_with_a_place_beside_an_object_or_one_still_names_it(text, parsed):
    q = parse_command(text)
    assert describe(q) == parsed and q.refused is None


# A refusal quotes the command as it was sent (helper-h130's brief: '{"action":"pick",
# "location":"table"}' was refused as 'the command "pick it" ...', words nobody sent),
# and what the node read it as.
@pytest.mark.parametrize('text, read', [
    ('{"action":"pick","location":"table"}', 'pick it'),
    ('{"action": "pick"}', 'pick'),
    ('<speak>it</speak>', 'it'),
    ('```\nthem\n```', 'them'),
])
def test_a_refusal_quotes_the_command_as_sent_and_how_it_was_read(text, read):
    q = parse_command(text)
    sent = ' '.join(text.split())
    assert q.refused.startswith(f'the command {sent!r} (read as "{read}")'), q.refused


def test_a_refusal_of_a_command_read_as_sent_quotes_it_once():
    q = parse_command('  pick   it ')
    assert q.refused.startswith('the command "pick it" names no object'), q.refused
    long = '<speak>it</speak>' + '<break time="1s"/>' * 20  # cut where it is long
    refused = parse_command(long).refused
    assert f"{long[:117]}...' (read as \"it\")" in refused and long not in refused, refused


# A place on a part of the reference (helper-h130's brief: "the mug on the bottom shelf of
# the rack" had the reference "shelf rack", nouns run together that no crop shows; "the
# ball at the bottom of the box" was the object "ball box"): the reference is the whole,
# a side said of the part picks the target among those that fit, the part is named.
@pytest.mark.parametrize('text, parsed', [
    ('the mug on the bottom shelf of the rack', {
        'what': 'mug', 'relation': 'bottom', 'link': 'on', 'reference': {'what': 'rack'},
        'unchecked': ['a part: on the bottom shelf of the rack']}),
    ('the mug in the top drawer of the cabinet', {
        'what': 'mug', 'relation': 'top', 'link': 'in', 'reference': {'what': 'cabinet'},
        'unchecked': ['a part: in the top drawer of the cabinet']}),
    ('the book on the second shelf of the bookcase', {
        'what': 'book', 'link': 'on', 'reference': {'what': 'bookcase'},
        'unchecked': ['a part: on the second shelf of the bookcase']}),
    ('the mug on the shelf of the old wooden rack', {
        'what': 'mug', 'link': 'on', 'reference': {'what': 'old wooden rack'},
        'unchecked': ['a part: on the shelf of the old wooden rack']}),
    ('the ball at the bottom of the box', {
        'what': 'ball', 'relation': 'bottom', 'link': 'in', 'reference': {'what': 'box'},
        'unchecked': ['a part: at the bottom of the box']}),
    ('the ball in the left corner of the box', {
        'what': 'ball', 'relation': 'left', 'link': 'in', 'reference': {'what': 'box'},
        'unchecked': ['a part: in the left corner of the box']}),
    ('the ball at the front of the shelf', {
        'what': 'ball', 'relation': 'nearest', 'link': 'on', 'reference': {'what': 'shelf'},
        'unchecked': ['a part: at the front of the shelf']}),
    ('the cup on the lid of the box', {
        'what': 'cup', 'link': 'on', 'reference': {'what': 'box'},
        'unchecked': ['a part: on the lid of the box']}),
    ('bring me the mug on the bottom shelf of the rack', {
        'what': 'mug', 'relation': 'bottom', 'link': 'on', 'reference': {'what': 'rack'},
        'unchecked': ['a part: on the bottom shelf of the rack']}),
    ('pick up the mug on the bottom shelf of the rack and put it in the top drawer of the '
     'cabinet', {'what': 'mug', 'relation': 'bottom', 'link': 'on', 'reference': {'what': 'rack'},
                 'unchecked': ['a part: on the bottom shelf of the rack'],
                 'destination': ['in the top drawer of the cabinet']}),
    # Controls: where it goes, a place of the table or the image, a relation, as before.
    ('put the red ball on the top shelf of the rack', {
        'what': 'red ball', 'destination': ['on the top shelf of the rack']}),
    ('bring the mug to the top shelf of the rack', {
        'what': 'mug', 'destination': ['to the top shelf of the rack']}),
    ('the mug on the top shelf', {'what': 'mug', 'link': 'on',
                                  'reference': {'what': 'shelf', 'relation': 'top'}}),
    ('the cube on top of the mug', {'what': 'cube', 'link': 'on', 'reference': {'what': 'mug'}}),
    ('the mug in the middle of the table', {'what': 'mug', 'relation': 'middle'}),
    ('the ball in the top left corner of the image', {
        'what': 'ball', 'relation': 'left', 'second_relation': 'top'}),
    ('the mug on the left side of the tray', {'what': 'mug', 'link': 'left_of',
                                              'reference': {'what': 'tray'}}),
])
def test_a_place_on_a_part_of_the_reference_is_on_the_whole(text, parsed):
    q = parse_command(text)
    assert describe(q) == parsed
    for said in q.unchecked:
        assert unchecked_note(said).startswith(f'"{said[len("a part: "):]}" is not checked: '
                                               'the node finds objects, not their parts'), said


# One word excluded that names its own object (helper-h130's brief: "the ball except the
# mug" excluded "mug ball", "the camera, not the lens" "lens camera"): that object; a
# colour, an adjective or "one" says the object's noun left out, as before.
@pytest.mark.parametrize('text, exclude', [
    ('the ball except the mug', ['mug']), ('the red ball, not the cube', ['cube']),
    ('the camera, not the lens', ['lens']), ('the mug, not the cup', ['cup']),
    ('the shoe but not the sock', ['sock']),
    # Controls: the noun left out.
    ('the ball, not the red', ['red ball']), ('the ball, not the blue one', ['blue ball']),
    ('the ball not the wooden', ['wooden ball']), ('the cup, not the plastic', ['plastic cup']),
    ('the mug but not the cube one', ['cube mug']),
])
def test_one_word_excluded_that_is_a_noun_is_its_own_object(text, exclude):
    assert list(parse_command(text).exclude) == exclude


# A speech recogniser's interim results (helper-h152's brief): Vosk's PartialResult()
# (alphacep/vosk-android-demo#81: "ignore the result object if it has partial field"),
# Google's streaming result without isFinal, with "stability" (googleapis/nodejs-speech
# #65), Deepgram's is_final false, AssemblyAI's PartialTranscript and end_of_turn false,
# Speechmatics' AddPartialTranscript; a streaming response with no result yet. Before,
# 12 of these 12 failed: 10 were read as commands ("pick up the red": the object "red"),
# the empty response as the object "results result index 0", '{"partial": "pick up
# the"}' was refused only as naming no object, and '{"partial": "stop"}' cancelled.
@pytest.mark.parametrize('text, kind', [
    ('{"partial" : "pick up the red"}', 'interim'),
    ('{\n  "partial" : "pick up the red",\n  "partial_result" : [{"conf": 1.0, "word": '
     '"pick"}]\n}', 'interim'),
    ('{"partial" : "pick up the"}', 'interim'),
    ('{"transcript": "pick up the red ball", "is_final": false}', 'interim'),
    ('{"transcript": "pick up the red ball", "isFinal": "false"}', 'interim'),
    ('{"results":[{"alternatives":[{"transcript":"pick up the red"}],"stability":0.01}]}',
     'interim'),
    ('{"type":"Results","is_final":false,"speech_final":false,"channel":{"alternatives":'
     '[{"transcript":"pick up the red","confidence":0.9}]}}', 'interim'),
    ('{"message_type": "PartialTranscript", "text": "pick up the red"}', 'interim'),
    ('{"type": "Turn", "end_of_turn": false, "transcript": "pick up the red"}', 'interim'),
    ('{"message": "AddPartialTranscript", "metadata": {"transcript": "pick up the red"}, '
     '"results": []}', 'interim'),
    ('{"op": "publish", "topic": "/command", "msg": {"data": "{\\"partial\\": \\"pick up '
     'the red\\"}"}}', 'interim'),
    ('{"results": [], "result_index": 0}', 'holds no result'),
    # Amazon Transcribe streaming, OpenAI Realtime's transcription pieces, Azure Speech
    # without a result: before, the objects "red", "item", "initial silence timeout".
    ('{"Transcript": {"Results": [{"Alternatives": [{"Transcript": "pick up the red"}], '
     '"IsPartial": true}]}}', 'interim'),
    ('{"type": "conversation.item.input_audio_transcription.delta", "item_id": "item_1", '
     '"content_index": 0, "delta": "pick up the"}', 'interim'),
    ('{"RecognitionStatus": "InitialSilenceTimeout", "Offset": 0, "Duration": 0}',
     'holds no result'),
])
def test_a_recognisers_interim_result_is_no_command(text, kind):
    why = not_a_command(text)
    assert why is not None and kind in why, why
    assert parse_command(text).refused is not None
    assert not is_cancel(text)
    assert not is_cancel('{"partial": "stop"}') and is_cancel('{"text": "stop"}')


# The final results beside them are read, in each recogniser's form: Deepgram's n-best
# list under "channel" (before: the plural object "result", its "type" read as a noun) and
# Speechmatics' words under "metadata" (before: the object "add transcript"; 2 of these
# 10 failed, the controls passed).
@pytest.mark.parametrize('text', [
    '{"text" : "pick up the red ball"}',
    '{"transcript": "pick up the red ball", "is_final": true}',
    '{"results":[{"alternatives":[{"transcript":"pick up the red ball","confidence":0.9}],'
    '"isFinal":true}]}',
    '{"type":"Results","is_final":true,"speech_final":true,"channel":{"alternatives":['
    '{"transcript":"pick up the red ball","confidence":0.9}]}}',
    '{"message_type": "FinalTranscript", "text": "pick up the red ball"}',
    '{"type": "Turn", "end_of_turn": true, "transcript": "pick up the red ball"}',
    '{"message": "AddTranscript", "metadata": {"transcript": "pick up the red ball"}, '
    '"results": [{"alternatives": [{"content": "pick"}]}]}',
    # Azure Speech, Amazon Transcribe (batch and streaming), OpenAI Realtime, the
    # "utterance" of an n-best list: before, 3 of these 5 were the objects
    # "recognitionstatus success displaytext red ball offset 100 duration 2000", "results
    # transcripts transcript red ball item", "hypotheses utterance red ball confidence 0.9".
    '{"RecognitionStatus": "Success", "DisplayText": "Pick up the red ball.", "Offset": 100, '
    '"Duration": 2000}',
    '{"results": {"transcripts": [{"transcript": "pick up the red ball"}], "items": []}}',
    '{"Transcript": {"Results": [{"Alternatives": [{"Transcript": "pick up the red ball"}], '
    '"IsPartial": false}]}}',
    '{"type": "conversation.item.input_audio_transcription.completed", "item_id": "item_1", '
    '"content_index": 0, "transcript": "pick up the red ball"}',
    '{"hypotheses": [{"utterance": "pick up the red ball", "confidence": 0.9}]}',
    # Controls: a planner's fields that only look like a recogniser's.
    '{"object": "red ball", "is_final": false}', '{"results": [], "object": "red ball"}',
    '{"text": "the red ball", "partial": "the red ball and"}',
])
def test_a_recognisers_final_result_is_the_command(text):
    assert not_a_command(text) is None
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == ('red ball', (), None), describe(q)


# A chat transcript's turn labels at line starts (helper-h152's brief): a model that runs
# on into the next turn (ggml-org/llama.cpp#841, "### Human:" printed after the answer;
# lm-sys/FastChat#1279) or a prompt template passed on with the reply (nomic-ai/gpt4all
# #1593, "### Instruction:"/"### Response:"). Before, 10 of these 10 named a second object
# ("user", "human", "response") or a word of one ("response red ball", "instruction red
# ball"); the model's first answer, else the first request, is the command.
@pytest.mark.parametrize('text', [
    'USER: the red ball\nASSISTANT:', 'Human: the red ball\n\nAssistant:',
    'the red ball\nUser:', 'the red ball\n### Human:', 'the red ball\n### Human: and now the '
    'blue one?', '### Response:\nthe red ball', '### Instruction:\nfind the red ball\n### '
    'Response:\n', '### System: You are a robot.\n### User: find the red ball\n### Assistant:',
    '### Human: find the red ball\n### Assistant: the red ball\n### Human: thanks\n### '
    'Assistant: you are welcome',
    '### Instruction:\nfind the object the user asked for\n### Input:\nthe blue mug\n### '
    'Response:\nthe red ball',
])
def test_a_chat_transcripts_turn_labels_name_no_object(text):
    q = parse_command(text)
    assert (q.what, q.also, q.refused) == ('red ball', (), None), describe(q)


@pytest.mark.parametrize('text, parsed', [
    # Controls, read as before: a label opening the text, lines listing objects, a colon
    # inside a line.
    ('User: the red ball', {'what': 'red ball'}),
    ('the red ball\nthe blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('Objects:\n- red ball\n- blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('the red ball: on the left', {'what': 'red ball', 'relation': 'left'}),
    ('the model: red ball', {'what': 'model red ball'}),
])
def test_labels_that_are_no_turns_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# A word cut off and said again, as Whisper and transcribers write it ("I- I", "the- the";
# helper-h152's brief): the fragment was a word of the object ("gr green ball", "r red
# ball", "re red ball"; 8 of these 8 before). Suspended hyphens and compounds stay.
@pytest.mark.parametrize('text, parsed', [
    ('pick up the gr- green ball', {'what': 'green ball'}),
    ('pick up the re- the red ball', {'what': 'red ball'}),
    ('pick up the red b- ball', {'what': 'red ball'}),
    ('pick up the red ball, uh, the bl- blue one', {'what': 'red ball',
                                                    'also': [{'what': 'blue ball'}]}),
    ('pick up the- the red ball', {'what': 'red ball'}),
    ('I- I want the red ball', {'what': 'red ball'}),
    ('the r\u2010 red ball', {'what': 'red ball'}),
    ('the red- the blue ball', {'what': 'blue ball'}),
    # Controls, read as before.
    ('the blue-green ball', {'what': 'blue green ball'}),
    # A spaced dash lists objects ("the red ball - the blue one" is a self-repair since
    # helper-h156: test_a_dash_before_the_same_noun_said_again_is_a_self_repair).
    ('the red ball - the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('the x- ray machine', {'what': 'x ray machine'}),
    ('the red ball on the left-', {'what': 'red ball', 'relation': 'left'}),
])
def test_a_word_cut_off_and_said_again_is_said_once(text, parsed):
    assert describe(parse_command(text)) == parsed


# Whom the object is for, as a chat model replies (helper-h152's brief: "I'll pick up the
# red ball for you!" was the object "red ball for you"; 5 of 5 before); "for me" was
# dropped already, and what it is for ("for the kids") stays, as before.
@pytest.mark.parametrize('text, parsed', [
    ("I'll pick up the red ball for you!", {'what': 'red ball'}),
    ("Sure! I'll grab the red ball for you.", {'what': 'red ball'}),
    ('fetch the red ball for him', {'what': 'red ball'}),
    ('the red ball for us', {'what': 'red ball'}),
    ('the bowl for you and the cup for me', {'what': 'bowl', 'also': [{'what': 'cup'}]}),
    # Controls, read as before.
    ('pick up the red ball for me', {'what': 'red ball'}),
    ('Get the red ball for the kids', {'what': 'red ball for kids'}),
])
def test_whom_an_object_is_for_is_no_word_of_it(text, parsed):
    assert describe(parse_command(text)) == parsed


# A robot addressed by a name of its own before the command (helper-h156's brief: "ok
# jarvis grab the blue mug" was the object "jarvis blue mug", "hey jarvis, the blue mug"
# two objects; only "google", "siri", "alexa", "robot" were dropped). After a greeting,
# one word the node reads as none of its own before a verb or a determiner; with no
# greeting, before a comma, a verb and a determiner.
@pytest.mark.parametrize('text, parsed', [
    ('ok jarvis grab the blue mug', {'what': 'blue mug'}),
    ('okay jarvis, grab the blue mug', {'what': 'blue mug'}),
    ('hey jarvis, the blue mug', {'what': 'blue mug'}),
    ('hey jarvis the blue mug', {'what': 'blue mug'}),
    ('Jarvis, grab the blue mug.', {'what': 'blue mug'}),
    ('jarvis: grab the blue mug', {'what': 'blue mug'}),
    ('yo robot grab the red ball', {'what': 'red ball'}),
    ('yo, grab the red ball', {'what': 'red ball'}),
    ('Hey Tiago, could you pick up the red ball?', {'what': 'red ball'}),
    ('hey spot, the red ball', {'what': 'red ball'}),
    ('hi baxter please pick up the red ball', {'what': 'red ball'}),
    ('Hello Pepper, find the cube on the left', {'what': 'cube', 'relation': 'left'}),
    ('hey buddy, grab the two red balls', {'what': 'red ball', 'count': 2, 'plural': True}),
    # Controls, read as before: a list, an object said first, words of the command.
    ('the computer, the red ball', {'what': 'computer', 'also': [{'what': 'red ball'}]}),
    ('mug, pick it up', {'what': 'mug'}),
    ('red, grab the ball', {'what': 'red ball'}),
    ('hey, grab the red ball', {'what': 'red ball'}),
    ('hey robot, pick up the red ball', {'what': 'red ball'}),
    ('the hi-res camera', {'what': 'hi res camera'}),
    ('now grab the red ball', {'what': 'red ball'}),
    ('put the red ball in the bowl', {'what': 'red ball', 'destination': ['in the bowl']}),
])
def test_a_robot_addressed_by_its_own_name_is_not_the_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# A dash typed as two hyphens or an em dash unspaced reads as a spaced dash (helper-h156's
# brief: "the red ball -- the blue one" was the object "blue red ball", "the red ball --
# the blue mug" "red ball blue mug"); a dash, then the noun said again as "the ... one"
# with another colour, place or size, is a self-repair (two balls were asked for, "the big
# red ball - the small one" the big one). "the red ball, the blue one" still lists two.
@pytest.mark.parametrize('text, parsed', [
    ('the red ball -- the blue one', {'what': 'blue ball'}),
    ('the red ball--the blue one', {'what': 'blue ball'}),
    ('the red ball\u2014the blue one', {'what': 'blue ball'}),
    ('the red ball \u2014 the blue one', {'what': 'blue ball'}),
    ('the red ball \u2013 the blue one', {'what': 'blue ball'}),
    ('the red ball - the blue one', {'what': 'blue ball'}),
    ('the big red ball - the small one', {'what': 'red ball', 'size': 'smallest'}),
    ('the big red ball -- the blue one', {'what': 'blue ball', 'size': 'largest'}),
    ('the left ball -- the right one', {'what': 'ball', 'relation': 'right'}),
    ('the red ball -- the dark blue one', {'what': 'dark blue ball'}),
    ('the red ball on the left - the blue one', {'what': 'blue ball', 'relation': 'left'}),
    ('the red ball -- the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('the red ball -- the blue mug -- the green cube',
     {'what': 'red ball', 'also': [{'what': 'blue mug'}, {'what': 'green cube'}]}),
    ('the red ball--please', {'what': 'red ball'}),
    # Controls, read as before: words that add to the object, a comma, an arrow.
    ('the mug - the blue one', {'what': 'blue mug'}),
    ('the red ball -- the left one', {'what': 'red ball', 'relation': 'left'}),
    ('the red ball - the big one', {'what': 'red ball', 'size': 'largest'}),
    ('the red ball, the blue one', {'what': 'red ball', 'also': [{'what': 'blue ball'}]}),
    ('the red ball - the blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('pick red ball --> blue mug', {'what': 'red ball', 'also': [{'what': 'blue mug'}]}),
    ('the red ball - oops wait - the blue mug', {'what': 'blue mug'}),
])
def test_a_dash_before_the_same_noun_said_again_is_a_self_repair(text, parsed):
    assert describe(parse_command(text)) == parsed


# "in place of", "in lieu of", "as opposed to", "in preference to" exclude as "instead of"
# does (helper-h156's brief: a relation "in" to an object "place of blue mug"; the object
# "red ball as opposed" put "to the blue mug"). After a verb that puts, "in place of"
# says where, as before.
@pytest.mark.parametrize('text, parsed', [
    ('the red ball in place of the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('the red ball as opposed to the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('the red ball in lieu of the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('the red ball in preference to the blue mug',
     {'what': 'red ball', 'exclude': ['blue mug']}),
    ('the red ball in place of the blue one', {'what': 'red ball', 'exclude': ['blue ball']}),
    ('in place of the blue mug, the red ball', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('the ball, as opposed to the mug', {'what': 'ball', 'exclude': ['mug']}),
    ('grab the mug as opposed to the cube', {'what': 'mug', 'exclude': ['cube']}),
    # Controls, read as before.
    ('put the red ball in place of the blue mug',
     {'what': 'red ball', 'destination': ['in place of the blue mug']}),
    ('the red ball instead of the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
])
def test_in_place_of_and_as_opposed_to_exclude_as_instead_of_does(text, parsed):
    assert describe(parse_command(text)) == parsed


# Answer pairs an LLM writes as sentences, or with a key of two words (helper-h156's brief:
# "Action: pick up. Object: red ball" was the object "object red ball", "OK. Target
# object: red ball" "target object red ball", "Object: red ball. Action: pick up." two
# objects, "red ball" and "action").
@pytest.mark.parametrize('text, parsed', [
    ('Action: pick up. Object: red ball', {'what': 'red ball'}),
    ('OK. Target object: red ball', {'what': 'red ball'}),
    ('Object name: red ball', {'what': 'red ball'}),
    ('Object class: ball', {'what': 'ball'}),
    ('Object: red ball. Action: pick up.', {'what': 'red ball'}),
    ('Task: pick up. Target: red ball', {'what': 'red ball'}),
    ('Object: ball. Colour: red.', {'what': 'red ball'}),
    # Controls, read as before.
    ('Target: red ball. Reason: closest to the mug', {'what': 'red ball'}),
    ('Step 1: find the red ball', {'what': 'red ball'}),
    ('the red ball: on the left', {'what': 'red ball', 'relation': 'left'}),
    ('red ball: 0.92', {'what': 'red ball'}),
    ('class=ball, color=red', {'what': 'red ball'}),
])
def test_answer_pairs_said_as_sentences_name_the_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# An opening a recogniser writes with no punctuation after it, before a verb that asks
# for the object (helper-h156: "so grab the red ball" was the object "so red ball", "right
# so grab the red ball" the right "so red ball"; before a determiner they were dropped
# already, helper-h111).
@pytest.mark.parametrize('text, parsed', [
    ('so grab the red ball', {'what': 'red ball'}),
    ('okay so grab the red ball', {'what': 'red ball'}),
    ('well grab the red ball', {'what': 'red ball'}),
    ('so pick up the red ball please', {'what': 'red ball'}),
    ('right so grab the red ball', {'what': 'red ball'}),
    ('um so grab the blue mug', {'what': 'blue mug'}),
    # Controls, read as before.
    ('so the red ball', {'what': 'red ball'}),
    ('the well made mug', {'what': 'well made mug'}),
    ('right grab the red ball', {'what': 'red ball', 'relation': 'right'}),
])
def test_an_opening_before_a_verb_is_dropped(text, parsed):
    assert describe(parse_command(text)) == parsed


# A greeting and a name alone, as a voice front end publishes a wake phrase with nothing
# after it (helper-h156: "hey jarvis" was the object "jarvis" and replaced the active
# command): no command, the active one stays. "ok" may open a terse command, so "ok
# jarvis" stays an object; "yo yo" is a toy.
@pytest.mark.parametrize('text', ['hey jarvis', 'Hey Jarvis!', 'hi baxter', 'yo robot',
                                  'hey there'])
def test_a_name_called_alone_is_not_a_command(text):
    assert 'is a greeting' in not_a_command(text)
    assert parse_command(text).refused


@pytest.mark.parametrize('text, what', [('ok jarvis', 'jarvis'), ('yo yo', 'yo'),
                                        ('hey red', 'red')])
def test_a_greeting_before_a_word_of_the_command_is_read_as_before(text, what):
    assert not_a_command(text) is None
    assert parse_command(text).what == what


# What a chat model or an agent writes around its answer (helper-h156): a sign-off after
# it ("Let me know if you need anything else!" listed an object "if you need else",
# "Hope this helps!" a plural "hope help"), a role ending in "is:" ("The object to pick
# is: red ball" was "object red ball") and a label of what it runs ("Executing:
# pick_up(red_ball)" was "executing red ball").
@pytest.mark.parametrize('text, parsed', [
    ("I'll pick up the red ball now. Let me know if you need anything else!",
     {'what': 'red ball'}),
    ('Picking up the red ball. Is there anything else I can help with?', {'what': 'red ball'}),
    ('the red ball. Hope this helps!', {'what': 'red ball'}),
    ('Sure! The red ball. Happy to help!', {'what': 'red ball'}),
    ('The object to pick is: red ball', {'what': 'red ball'}),
    ('The target is: the blue mug', {'what': 'blue mug'}),
    ('Executing: pick_up(red_ball)', {'what': 'red ball'}),
    ('Running: find the red ball', {'what': 'red ball'}),
    # Controls, read as before.
    ('the object to pick is the red ball', {'what': 'red ball'}),
    ('the red ball. Thank you for watching!', {'what': 'red ball'}),
    ('the red ball: on the left', {'what': 'red ball', 'relation': 'left'}),
])
def test_what_a_chat_model_writes_around_its_answer_is_no_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# A colour, size or shape said with what it is (helper-h156: "the ball which is red in
# colour" was the red ball in an object "colour", "the cube that is small in size" in a
# "size"): the word alone.
@pytest.mark.parametrize('text, parsed', [
    ('the ball which is red in color', {'what': 'red ball'}),
    ('the ball, blue in colour', {'what': 'blue ball'}),
    ('the cube that is small in size', {'what': 'cube', 'size': 'smallest'}),
    ('the ball which is round in shape', {'what': 'round ball'}),
    # Controls, read as before: no colour word before "in colour", a box named so.
    ('the photo in colour', {'what': 'photo', 'link': 'in', 'reference': {'what': 'colour'}}),
    ('the red ball in the colour box',
     {'what': 'red ball', 'link': 'in', 'reference': {'what': 'colour box'}}),
])
def test_a_property_said_with_what_it_is_is_the_property(text, parsed):
    assert describe(parse_command(text)) == parsed


# The script a refusal names is the same in every run (helper-h156 noticed "\u8d64\u3044",
# one Han letter and one kana, named Japanese (kana) under PYTHONHASHSEED=1 and Han under
# 2: a tie broken by set order). Of scripts as frequent, the first said.
def test_the_script_a_refusal_names_does_not_depend_on_the_hash_seed():
    code = ('from clip_perception.language import parse_command; '
            "print(parse_command('\\u8d64\\u3044').refused)")
    said = {subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                           check=True, env={**os.environ, 'PYTHONHASHSEED': seed}).stdout
            for seed in ('1', '2')}
    assert len(said) == 1 and 'Han' in said.pop()


# Verbs of looking at, marking or going to an object, said before it with a determiner
# (session 45: "inspect the red ball" was the object "inspect red ball", "check the red
# ball" "check red ball", "detect and track the red ball" the object "detect"): dropped as
# "detect" and "track" are. Said as nouns (no determiner after them) they stay objects.
@pytest.mark.parametrize('text, parsed', [
    ('inspect the red ball', {'what': 'red ball'}),
    ('check the red ball', {'what': 'red ball'}),
    ('please examine the blue mug', {'what': 'blue mug'}),
    ('scan for a red ball', {'what': 'red ball', 'any_one': True}),
    ('target the green cube', {'what': 'green cube'}),
    ('segment the red ball', {'what': 'red ball'}),
    ('mark the blue mug', {'what': 'blue mug'}),
    ('recognize the red ball', {'what': 'red ball'}),
    ('aim at the red ball', {'what': 'red ball'}),
    ('approach the blue mug', {'what': 'blue mug'}),
    ('choose the red ball on the left', {'what': 'red ball', 'relation': 'left'}),
    ('check out the red ball', {'what': 'red ball'}),
    ('look closely at the red ball', {'what': 'red ball'}),
    ('center on the red ball', {'what': 'red ball'}),
    ('circle the red ball', {'what': 'red ball'}),
    ('label the red ball', {'what': 'red ball'}),
    ('annotate the red ball', {'what': 'red ball'}),
    ('outline the blue mug', {'what': 'blue mug'}),
    ('lock onto the red ball', {'what': 'red ball'}),
    ('detect and track the red ball', {'what': 'red ball'}),
    ('grab and inspect the red ball', {'what': 'red ball'}),
    ('pick up and inspect the red ball', {'what': 'red ball'}),
    # Controls: the same words as nouns.
    ('the price tag', {'what': 'price tag'}),
    ('grab the label', {'what': 'label'}),
    ('the picture frame', {'what': 'picture frame'}),
    ('the check', {'what': 'check'}),
    ('the red ball with a label', {'what': 'red ball with label'}),
])
def test_verbs_of_looking_at_or_marking_an_object_are_not_its_name(text, parsed):
    assert describe(parse_command(text)) == parsed


# Asked to report whether it is in view (session 45: "let me know if you see the red
# ball" was the object "if you red ball", "check if the red ball is there" "check if red
# ball"): the object asked about, with the place said for it.
@pytest.mark.parametrize('text, parsed', [
    ('let me know if you see the red ball', {'what': 'red ball'}),
    ('tell me if you see the red ball', {'what': 'red ball'}),
    ('let me know when you see the blue mug', {'what': 'blue mug'}),
    ('tell me once you find the green cube', {'what': 'green cube'}),
    ("tell me whether there's a blue mug", {'what': 'blue mug', 'any_one': True}),
    ('check if you can see the green cube', {'what': 'green cube'}),
    ('check if the red ball is there', {'what': 'red ball'}),
    ('check whether a blue mug is in view', {'what': 'blue mug', 'any_one': True}),
    ('tell me if the green cube is still there', {'what': 'green cube'}),
    ('see if the red ball is on the left', {'what': 'red ball', 'relation': 'left'}),
    # Controls, read as before.
    ('do you see a red ball', {'what': 'red ball', 'any_one': True}),
    ('where did the red ball go', {'what': 'red ball'}),
])
def test_asked_to_say_whether_it_is_in_view_reads_the_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# A chat model's sign-off or offer of help said alone (helper-h160's brief: "let me know
# if you need anything" was the object "if you need", "let me know if you have any
# questions" the plural object "question"): no command, the active one stays.
@pytest.mark.parametrize('text', [
    'let me know if you need anything', 'Let me know if you need anything else!',
    "let me know if there's anything else", 'let me know if you have any questions',
    'tell me if you need anything', 'feel free to let me know if you need anything',
    'Hope this helps!', 'Hope this helps! Let me know if you need anything else.',
    'Is there anything else I can help you with?', 'just let me know if you need help',
])
def test_a_sign_off_or_an_offer_of_help_alone_is_no_command(text):
    why = not_a_command(text)
    assert why is not None and 'sign-off' in why
    assert parse_command(text).refused and 'sign-off' in parse_command(text).refused


@pytest.mark.parametrize('text, parsed', [
    # Controls: an object named, or asked whether it is in view, is read.
    ('let me know if you see the red ball', {'what': 'red ball'}),
    ('find the red ball and let me know if you need anything', {'what': 'red ball'}),
    ('the red ball, let me know if you need anything', {'what': 'red ball'}),
])
def test_an_object_said_with_a_sign_off_is_read(text, parsed):
    assert not_a_command(text) is None and describe(parse_command(text)) == parsed


# Two objects set against each other with no word of which to look for (helper-h160's
# brief: "the red ball vs the blue mug" was the object "red ball vs blue mug"): refused,
# the reason naming both.
@pytest.mark.parametrize('text, a, b', [
    ('the red ball vs the blue mug', 'red ball', 'blue mug'),
    ('red ball versus blue mug', 'red ball', 'blue mug'),
    ('the red ball vs. the blue mug', 'red ball', 'blue mug'),
    ('red vs blue ball', 'red', 'blue ball'),
    ('compare the red ball and the blue mug', 'red ball', 'blue mug'),
    ('compare the red ball with the blue mug', 'red ball', 'blue mug'),
    ('please compare the mug to the cup', 'mug', 'cup'),
    ('the red ball compared to the blue mug', 'red ball', 'blue mug'),
    ('the red ball as compared with the blue mug', 'red ball', 'blue mug'),
    ('pick up the red ball vs the blue one', 'red ball', 'blue ball'),
])
def test_two_objects_set_against_each_other_are_refused_naming_both(text, a, b):
    q = parse_command(text)
    assert q.refused and f'compares "{a}" and "{b}"' in q.refused


@pytest.mark.parametrize('text, parsed', [
    ('the red ball, not the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('red ball or blue mug', {'what': 'red ball', 'alternatives': [{'what': 'blue mug'}]}),
])
def test_a_contrast_that_says_which_is_read_as_before(text, parsed):
    assert describe(parse_command(text)) == parsed


# Words a robot is called by that are no name of its own, and lists of them (helper-h160's
# brief: "computer, the red ball" was the objects "computer" and "red ball").
@pytest.mark.parametrize('text, parsed', [
    ('computer, the red ball', {'what': 'red ball'}),
    ('siri, the blue mug', {'what': 'blue mug'}),
    ('assistant, the green cube', {'what': 'green cube'}),
    ('buddy, the red ball', {'what': 'red ball'}),
    ('guys, the red ball', {'what': 'red ball'}),
    ('team, the red ball please', {'what': 'red ball'}),
    ('robot, computer, the red ball', {'what': 'red ball'}),
    ('hey robot, hey computer, the red ball', {'what': 'red ball'}),
    ('robot and computer, find the red ball', {'what': 'red ball'}),
    # Controls: objects listed, a word said with the object.
    ('the computer, the red ball', {'what': 'computer', 'also': [{'what': 'red ball'}]}),
    ('computer and the red ball', {'what': 'computer', 'also': [{'what': 'red ball'}]}),
    ('find the computer', {'what': 'computer'}),
])
def test_words_a_robot_is_called_by_are_not_objects(text, parsed):
    assert describe(parse_command(text)) == parsed


# An object said only as an emoji (helper-h160's brief: "\U0001f534\u26bd", "\U0001f34e"
# were refused naming the pictograph): its Unicode CLDR short name, in read_as.
@pytest.mark.parametrize('text, parsed', [
    ('\U0001f534\u26bd', {'what': 'red soccer ball',
                          'read_as': [['\U0001f534', 'red'], ['\u26bd', 'soccer ball']]}),
    ('\U0001f34e', {'what': 'red apple', 'read_as': [['\U0001f34e', 'red apple']]}),
    ('find the \U0001f34e', {'what': 'red apple', 'read_as': [['\U0001f34e', 'red apple']]}),
    ('pick up the \u270f\ufe0f', {'what': 'pencil', 'read_as': [['\u270f', 'pencil']]}),
    ('\U0001f34e and \U0001f34c', {'what': 'red apple', 'also': [{'what': 'banana'}],
                                  'read_as': [['\U0001f34e', 'red apple'],
                                              ['\U0001f34c', 'banana']]}),
    # Controls: a pictograph beside a named object is dropped, as before.
    ('the red ball \U0001f44d', {'what': 'red ball', 'symbols': ['\U0001f44d']}),
    ('the \u2b50 ball', {'what': 'ball', 'symbols': ['\u2b50']}),
])
def test_an_object_said_only_as_an_emoji_is_read_as_its_name(text, parsed):
    assert describe(parse_command(text)) == parsed


# A question whether one object is bigger or smaller than another (helper-h160's brief:
# "tell me if the red ball is bigger than the mug" was the object "if red ball than
# mug"): the object asked about, the size read, the comparison named unchecked.
@pytest.mark.parametrize('text, parsed', [
    ('tell me if the red ball is bigger than the mug',
     {'what': 'red ball', 'size': 'largest', 'unchecked': ['bigger than the mug']}),
    ('is the red ball bigger than the mug',
     {'what': 'red ball', 'size': 'largest', 'unchecked': ['bigger than the mug']}),
    ('tell me whether the mug is taller than the bottle',
     {'what': 'mug', 'size': 'largest', 'unchecked': ['taller than the bottle']}),
    ('check if the red ball is smaller than the blue one',
     {'what': 'red ball', 'size': 'smallest', 'unchecked': ['smaller than the blue one']}),
    ('the ball that is bigger than the mug',
     {'what': 'ball', 'size': 'largest', 'unchecked': ['bigger than the mug']}),
    ('find a cube smaller than the red ball', {'what': 'cube', 'size': 'smallest', 'unchecked':
                                               ['smaller than the red ball'], 'any_one': True}),
    ('is the red ball the same size as the mug',
     {'what': 'red ball', 'unchecked': ['the same size as the mug']}),
    ('a cube as big as the ball', {'what': 'cube', 'unchecked': ['as big as the ball'],
                                   'any_one': True}),
    ('the mug that is about the same height as the bottle',
     {'what': 'mug', 'unchecked': ['about the same height as the bottle']}),
    # Controls.
    ('the bigger ball', {'what': 'ball', 'size': 'largest'}),
    ('tell me if the red ball is next to the mug',
     {'what': 'red ball', 'link': 'next_to', 'reference': {'what': 'mug'}}),
])
def test_a_size_compared_with_another_object_is_named_unchecked(text, parsed):
    q = parse_command(text)
    assert describe(q) == parsed
    assert all('measures no object against another' in n for n in unchecked_notes(q))


# Speech and politeness around the command (helper-h160): "like" as a pause, a polite
# condition or time after it, "would you mind" with an -ing verb.
@pytest.mark.parametrize('text, parsed', [
    ('like find the uh red ball', {'what': 'red ball'}),
    ('so like grab the red ball', {'what': 'red ball'}),
    ('find the like red ball', {'what': 'red ball'}),
    ("could you maybe possibly find the red ball if that's ok", {'what': 'red ball'}),
    ('find the red ball when you get a chance', {'what': 'red ball'}),
    ("find the red ball whenever you're ready", {'what': 'red ball'}),
    ("find the red ball if you don't mind", {'what': 'red ball'}),
    ('find the red ball at your convenience', {'what': 'red ball'}),
    ('would you mind finding the red ball', {'what': 'red ball'}),
    ('um so yeah can you like pick up the blue mug', {'what': 'blue mug'}),
    ('okay so basically find the red ball', {'what': 'red ball'}),
    ('okay so basically i want you to find the red ball', {'what': 'red ball'}),
    # A chat model's acknowledgement before its answer.
    ('Based on your request, I will locate the red ball.', {'what': 'red ball'}),
    ("I'd be happy to help! Let me find the red ball for you.", {'what': 'red ball'}),
    ('I can help with that. Grabbing the red ball.', {'what': 'red ball'}),
    ("Here's what I'll do: pick up the red ball.", {'what': 'red ball'}),
    ('Here is my plan: find the blue mug', {'what': 'blue mug'}),
    # "who's" for "which is" before a comparative.
    ("who's bigger, the ball or the cube", {'what': 'ball', 'size': 'largest', 'alternatives': [
        {'what': 'ball'}, {'what': 'cube'}]}),
    # A homophone of a colour before another colour.
    ('find the read and blue balls', {'what': 'red ball', 'plural': True, 'also': [
        {'what': 'blue ball', 'plural': True}], 'read_as': [['read', 'red']]}),
    # Controls.
    ('find the like button', {'what': 'like button'}),
    ('something like a red ball', {'what': 'red ball', 'any_one': True}),
    ('the same mug as before', {'what': 'same mug as before'}),
])
def test_speech_and_politeness_around_the_command_are_no_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# A condition or a time said with the command (helper-h166's brief: "find the ball when
# the light is on" was the object "light ball when", "when the light turns green, pick up
# the red ball" "when light turns green red ball", "... before the timer ends" the red
# ball in front of "timer end"): the main clause's object, the clause named unchecked.
@pytest.mark.parametrize('text, what, unchecked', [
    ('find the ball when the light is on', 'ball', 'when the light is on'),
    ('find the red ball if it is there', 'red ball', 'if it is there'),
    ('pick up the red ball once the arm is free', 'red ball', 'once the arm is free'),
    ('pick up the red ball after the mug is moved', 'red ball', 'after the mug is moved'),
    ('find the red ball while the belt is running', 'red ball', 'while the belt is running'),
    ('find the red ball as soon as the door opens', 'red ball', 'as soon as the door opens'),
    ('find the red ball before the timer ends', 'red ball', 'before the timer ends'),
    ('find the ball when it stops moving', 'ball', 'when it stops moving'),
    ('track the red ball while it moves', 'red ball', 'while it moves'),
    ('find the red ball but only if it is dry', 'red ball',
     'but only if it is dry'),
    ('when the light turns green, pick up the red ball', 'red ball',
     'when the light turns green'),
    ('after you find the red ball, grab the blue mug', 'blue mug',
     'after you find the red ball'),
    ('wait for the light then find the red ball', 'red ball', 'wait for the light'),
    ('find the red ball in five seconds', 'red ball', 'in five seconds'),
    ('find the red ball later', 'red ball', 'later'),
    ('find the red ball tomorrow', 'red ball', 'tomorrow'),
    ('find the red ball every time', 'red ball', 'every time'),
    ('find the ball while moving', 'ball', 'while moving'),
])
def test_a_condition_or_a_time_is_named_unchecked_and_the_main_object_read(
        text, what, unchecked):
    q = parse_command(text)
    assert describe(q) == {'what': what, 'unchecked': [unchecked]}
    assert 'waits for no condition or time' in unchecked_note(unchecked)


@pytest.mark.parametrize('text, parsed', [
    # The main clause names only a pronoun: the condition's object is meant.
    ('if you see the red ball, pick it up', {'what': 'red ball'}),
    ('once you see the blue mug, grab it', {'what': 'blue mug'}),
    ('when you see the blue mug grab it', {'what': 'blue mug'}),
    ('if the red ball is there pick it up', {'what': 'red ball'}),
    ('if there is a red ball, pick it up', {'what': 'red ball', 'any_one': True}),
    ('if the red ball is on the left pick it up', {'what': 'red ball', 'relation': 'left'}),
    ('if the blue mug is next to the box, grab it',
     {'what': 'blue mug', 'link': 'next_to', 'reference': {'what': 'box'}}),
    ('wait for the red ball', {'what': 'red ball'}),
    # Controls: read as before (a polite tail, a place, a step that waits).
    ('find the red ball if you can see it', {'what': 'red ball'}),
    ('find the red ball when you get a chance', {'what': 'red ball'}),
    ("if you don't mind, the red ball", {'what': 'red ball'}),
    ('wait until the light is on then find the red ball',
     {'what': 'red ball', 'motions': ['wait until the light is on']}),
    ('the ball before the box', {'what': 'ball', 'link': 'in_front_of',
                                 'reference': {'what': 'box'}}),
    ('find the red ball in a minute', {'what': 'red ball'}),
])
def test_a_condition_names_its_object_where_the_main_clause_does_not(text, parsed):
    assert describe(parse_command(text)) == parsed


# An LLM's or an assistant's words around the command, hedges and a microphone check
# (helper-h166's brief: "'find the red ball' - this will locate the red ball" was the
# object "red ball will red ball", "I can't see, but I'll try to find the red ball."
# "i cant red ball", "let me know if you need the red ball" "if you need red ball", "I was
# wondering if you could find the red ball" the object "i was wondering if you could red
# ball", "find the one two three red ball" "two three red ball").
@pytest.mark.parametrize('text, what', [
    ("'find the red ball' - this will locate the red ball", 'red ball'),
    ('"find the blue mug" will locate the blue mug', 'blue mug'),
    ("I can't see, but I'll try to find the red ball.", 'red ball'),
    ("I can't see it yet, but I'll look for the red ball.", 'red ball'),
    ("I don't know where it is, but I'll search for the blue mug.", 'blue mug'),
    ('Got it - picking up the red ball.', 'red ball'),
    ('I think you want the red ball.', 'red ball'),
    ('let me know if you need the red ball', 'red ball'),
    ('let me know if you want the blue mug', 'blue mug'),
    ('I was wondering if you could find the red ball', 'red ball'),
    ('would it be possible to pick up the red ball', 'red ball'),
    ('do you think you could find the red ball', 'red ball'),
    ("I'd appreciate it if you found the red ball", 'red ball'),
    ('would you be so kind as to find the red ball', 'red ball'),
    ('any chance you could grab the blue mug', 'blue mug'),
    ('it would be great if you could find the red ball', 'red ball'),
    ('if you could find the red ball that would be great', 'red ball'),
    ('perhaps you could find the red ball', 'red ball'),
    ('find the red ball thanks in advance', 'red ball'),
    ('find the red ball when ready', 'red ball'),
    ('find the red ball <3', 'red ball'),
    ('find the one two three red ball', 'red ball'),
    ('find the red ball one two three', 'red ball'),
    ("I can't find the red ball, can you?", 'red ball'),
    ('find the red ball if any', 'red ball'),
    ('pick up the mug once', 'mug'),
    ('one two three find the red ball', 'red ball'),
    ('testing testing find the red ball', 'red ball'),
    ('scratch that find the blue mug', 'blue mug'),
    ('change of plan: find the blue mug', 'blue mug'),
    ('new task: find the blue mug', 'blue mug'),
    ('where did i put the red ball', 'red ball'),
    ('fine the red ball', 'red ball'),
    ('pass me the red ball', 'red ball'),
    ('computer the red ball', 'red ball'),
    ('computer find the red ball', 'red ball'),
])
def test_words_around_the_command_from_assistants_and_speech_are_no_object(text, what):
    assert describe(parse_command(text)) == {'what': what}


@pytest.mark.parametrize('text, parsed', [
    # Controls: a sign-off stays one, a wish said with "not" still excludes, an address
    # word said as an object stays one.
    ('let me know if you need anything', None),
    ('let me know if you need help', None),
    ('I do not need the blue mug, give me the red ball',
     {'what': 'red ball', 'exclude': ['blue mug']}),
    ('computer and the red ball', {'what': 'computer', 'also': [{'what': 'red ball'}]}),
    ('the computer the red ball', {'what': 'computer red ball'}),
    ('computer mouse', {'what': 'computer mouse'}),
    ('the red ball, let me know if you need anything', {'what': 'red ball'}),
    # ... a number after a colon is no emoticon; a condition with no object names none
    ('the screen 4:3', {'what': 'screen 4 3'}),
    ("if you don't mind, ...", None),
])
def test_words_like_an_assistants_read_as_before(text, parsed):
    q = parse_command(text)
    assert (q.refused is not None if parsed is None else describe(q) == parsed)


# Self-corrections as said aloud or typed in a hurry (helper-h166's brief: the object
# corrected to, never the first one): "the red ball I meant to say the blue mug" was "say
# blue mug", "pick up the blue mug never mind pick up the red ball" the blue mug (the red
# ball excluded), "... hold on the blue mug" the red ball on the blue mug, "... wait a
# second the blue mug" the second blue mug, "the ball on the left no on the right" the
# left one.
@pytest.mark.parametrize('text, parsed', [
    ('the red ball I meant to say the blue mug', {'what': 'blue mug'}),
    ('the red ball what I meant was the blue mug', {'what': 'blue mug'}),
    ('the red ball let me rephrase the blue mug', {'what': 'blue mug'}),
    ('the blue mug wait I said that wrong the red ball', {'what': 'red ball'}),
    ('the red ball, my mistake, the blue mug', {'what': 'blue mug'}),
    ('the red ball correction the blue mug', {'what': 'blue mug'}),
    ('pick up the blue mug never mind pick up the red ball', {'what': 'red ball'}),
    ('pick up the red ball hold on the blue mug', {'what': 'blue mug'}),
    ('pick up the red ball hang on the blue mug', {'what': 'blue mug'}),
    ('pick up the red ball wait a second the blue mug', {'what': 'blue mug'}),
    ('the red ball on second thought the blue mug', {'what': 'blue mug'}),
    ('the red ball, on second thought, the blue mug', {'what': 'blue mug'}),
    ('the red ball, or actually, the blue mug', {'what': 'blue mug'}),
    ('the red ball change that to the blue mug', {'what': 'blue mug'}),
    ('the red ball change of plans the blue mug', {'what': 'blue mug'}),
    ('no not the red ball the blue ball', {'what': 'blue ball', 'exclude': ['red ball']}),
    ('the red ball sorry not the red ball the blue mug',
     {'what': 'blue mug', 'exclude': ['red ball']}),
    ('find the red ball, not the red one, the blue one',
     {'what': 'blue ball', 'exclude': ['red ball']}),
    ('the ball on the left no on the right', {'what': 'ball', 'relation': 'right'}),
])
def test_a_self_correction_reads_the_object_corrected_to(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text, parsed', [
    # Controls: read as before.
    ('the second ball', {'what': 'ball', 'relation': 'left', 'ordinal': 2}),
    ('the correction tape', {'what': 'correction tape'}),
    ('the cube, not the green one, the red one',
     {'what': 'red cube', 'exclude': ['green cube']}),
    ('the red ball, not the blue mug', {'what': 'red ball', 'exclude': ['blue mug']}),
    ('not the red ball', None),
    # a reading rewritten as a correction is not rewritten again (it recursed without end)
    ('the red ball, not the red ball', {'what': 'red ball', 'exclude': ['red ball']}),
    ('find the blue mug, never mind the red ball',
     {'what': 'blue mug', 'exclude': ['red ball']}),
])
def test_words_like_a_self_correction_read_as_before(text, parsed):
    q = parse_command(text)
    assert (q.refused is not None if parsed is None else describe(q) == parsed)


@pytest.mark.parametrize('text, parsed', [
    # A telegraphic pick-and-place (helper-h166's brief: "red ball place blue tray"): the
    # first object is the target, the second where it goes.
    ('pick red ball place blue tray', {'what': 'red ball', 'destination': ['on blue tray']}),
    ('pick red ball put blue tray', {'what': 'red ball', 'destination': ['on blue tray']}),
    ('grab blue mug put in box', {'what': 'blue mug', 'destination': ['in box']}),
    # "bigger than the red ball or the cube": both are compared with, no alternative.
    ('tell me if the mug is bigger than the red ball or the cube',
     {'what': 'mug', 'size': 'largest', 'unchecked': ['bigger than the red ball or the cube']}),
    ('which is bigger, the red ball or the blue mug',
     {'what': 'mug', 'size': 'largest',
      'alternatives': [{'what': 'red ball'}, {'what': 'blue mug'}]}),
])
def test_telegraphic_placing_and_a_comparison_with_two(text, parsed):
    assert describe(parse_command(text)) == parsed


@pytest.mark.parametrize('text, pronoun', [
    ('the red ball vs it', 'it'), ('the red ball vs that one', 'that one'),
])
def test_an_object_set_against_a_pronoun_is_refused(text, pronoun):
    q = parse_command(text)
    assert q.refused and f'compares "red ball" and "{pronoun}"' in q.refused
    assert f'"{pronoun}" names no object' in q.refused


# Said alone by a voice front end that publishes each utterance: a microphone check or
# a preface asks for nothing (the objects "testing", "hear", "new task" before), and
# "scratch that" cancels as "forget that" does (the object "scratch" before). Followed
# by a command, the command is read (session 47).
@pytest.mark.parametrize('text', [
    'testing', 'Testing, testing.', 'testing one two three', 'test 1 2 3', 'mic check',
    'check check', 'can you hear me?', 'Is this thing on?', 'new task', 'New plan.',
    'change of plan', 'okay, change of plans'])
def test_a_microphone_check_or_a_preface_alone_asks_for_nothing(text):
    why = not_a_command(text)
    assert why is not None and 'asks for nothing' in why, (text, why)
    assert not is_cancel(text)


@pytest.mark.parametrize('text', ['scratch that', 'Scratch that.', 'okay, scratch that'])
def test_scratch_that_cancels(text):
    assert is_cancel(text)


@pytest.mark.parametrize('text, what', [
    ('scratch that, pick up the red ball', 'red ball'), ('new task: the red ball', 'red ball'),
    ('testing testing, find the red ball', 'red ball'), ('the test tube', 'test tube'),
    ('find the new task card', 'new task card'), ('scratch the red ball', None)])
def test_a_preface_before_a_command_or_inside_a_name_is_read_as_before(text, what):
    if what is None:  # not a cancel: an object is named
        assert not is_cancel(text) and not_a_command(text) is None
    else:
        assert not_a_command(text) is None and parse_command(text).what == what



# A property of the object said as a condition (helper-h169's brief: "pick up the cube if
# it's red" was the object "red cube if", "take the ball if it is the small one" any ball,
# the condition unchecked): a colour, size or place says which object; if none is red,
# nothing matches. One the camera cannot see stays a condition, named unchecked.
@pytest.mark.parametrize('text, parsed', [
    ("pick up the cube if it's red", {'what': 'red cube'}),
    ('take the ball if it is the small one', {'what': 'ball', 'size': 'smallest'}),
    ('pick the cube only if it is blue', {'what': 'blue cube'}),
    ("grab the cup, but only if it's blue", {'what': 'blue cup'}),
    ('pick up the cube as long as it is red', {'what': 'red cube'}),
    ("if it's red, pick up the cube", {'what': 'red cube'}),
    ('only if it is blue pick up the cube', {'what': 'blue cube'}),
    ('pick up the cubes if they are red', {'what': 'red cube', 'plural': True}),
    ("pick up the cube if it's small and red", {'what': 'red cube', 'size': 'smallest'}),
    ('pick up the cube if it is red or blue', {'what': 'red cube', 'alternatives': [
        {'what': 'blue cube'}]}),
    ("pick up the cube if it's on the left", {'what': 'cube', 'relation': 'left'}),
    ("pick up the ball if it's the one on the right", {'what': 'ball', 'relation': 'right'}),
    ("grab the box if it's near the mug", {'what': 'box', 'link': 'next_to',
                                           'reference': {'what': 'mug'}}),
    ('fetch the ball if it is in the box', {'what': 'ball', 'link': 'in',
                                            'reference': {'what': 'box'}}),
    ("pick up the cube unless it's red", {'what': 'cube', 'exclude': ['red cube']}),
    ("pick up the cube if it isn't blue", {'what': 'cube', 'exclude': ['blue cube']}),
    ('pick up the cube unless it is on the left', {'what': 'cube', 'relation': 'right'}),
    ("find the red ball if it's visible", {'what': 'red ball'}),
    ('pick up the cube if the cube is red', {'what': 'red cube'}),
    ("pick up the cube if it's the red cube", {'what': 'red cube'}),
    ('pick up the cube if its colour is red', {'what': 'red cube'}),
    ("find the ball if it's red and on the left", {'what': 'red ball', 'relation': 'left'}),
    ("pick up the cube if it's red, otherwise the blue one", {
        'what': 'red cube', 'alternatives': [{'what': 'blue cube'}]}),
    # Typed with no subject; the colour said with "colour".
    ('pick up the cube if red', {'what': 'red cube'}),
    ('grab the cup if on the left', {'what': 'cup', 'relation': 'left'}),
    ('pick up the cube if not red', {'what': 'cube', 'exclude': ['red cube']}),
    ('if red, pick up the cube', {'what': 'red cube'}),
    ("pick up the cube if it's coloured red", {'what': 'red cube'}),
    ('pick up the cube if it is red in colour', {'what': 'red cube'}),
    # Choices listed; the condition in brackets.
    ("pick up the cube if it's either red or blue", {'what': 'red cube', 'alternatives': [
        {'what': 'blue cube'}]}),
    ("pick up the cube if it's red, green or blue", {'what': 'red cube', 'alternatives': [
        {'what': 'green cube'}, {'what': 'blue cube'}]}),
    ("pick up the cube if it's not red or blue", {'what': 'cube', 'exclude': [
        'red cube', 'blue cube']}),
    ("pick up the cube (only if it's red)", {'what': 'red cube'}),
])
def test_a_property_said_as_a_condition_says_which_object(text, parsed):
    q = parse_command(text)
    got = describe(q)
    # "if it's visible" asks nothing the answer does not: dropped, no reading said.
    assert got.pop('read_as', None) is not None or text.endswith("if it's visible"), got
    assert got == parsed


@pytest.mark.timeout(20)  # a backtracking pattern does not end: fail, not hang the suite
def test_a_property_condition_with_spaced_commas_reads_in_time():
    # "\\s*,\\s*" in the pattern tried every split of "red , red , ... !" (exponential).
    start = time.perf_counter()
    parse_command('pick up the cube if it is ' + 'red , ' * 70 + '!x')
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize('text, unchecked', [
    ('grab the mug if it is empty', 'if it is empty'),
    ("pick up the cube if it's heavy", "if it's heavy"),
    ("pick up the ball if it's bigger than the cube", "if it's bigger than the cube"),
    ("pick up the red ball if it's there", "if it's there"),
    ('pick up the ball if the light is red', 'if the light is red'),
    ('grab the ball if empty', 'if empty'),
])
def test_a_condition_the_camera_cannot_see_stays_unchecked(text, unchecked):
    q = parse_command(text)
    assert q.refused is None and q.unchecked == (unchecked,), describe(q)
    assert q.what in ('mug', 'cube', 'ball', 'red ball')


@pytest.mark.parametrize('text', ['pick up the cube if any', 'pick up the cube if present',
                                  'pick up the red ball if possible',
                                  'find the red ball if you can'])
def test_a_polite_tail_with_no_subject_is_no_condition(text):
    q = parse_command(text)
    assert q.refused is None and q.unchecked == () and q.what in ('cube', 'red ball')


@pytest.mark.parametrize('text, said', [
    ("pick up the blue cube if it's red", 'no object is both'),
    ('pick up the big cube if it is the small one', 'no object is both'),
    ("grab it if it's red", 'names no object to look for, only what it should be')])
def test_a_property_condition_against_the_object_or_of_a_pronoun_is_refused(text, said):
    why = rejected_goal(text)
    assert why is not None and said in why


# A complaint or a remark that names no object (helper-h169's brief: "I can't find it" was
# the object "i cant", "I don't see it" "i"): rejected, the command being worked on goes
# on. Said of a named object, the object is asked for ("the ball that I can't find").
@pytest.mark.parametrize('text', [
    "I can't find it", "I don't see it", 'I cannot see it', "I can't see it anywhere",
    "I don't know where it is", 'I lost it', 'it fell', 'oops it fell', "it's not working",
    "you can't find it?", "I can't find it, can you?", "why can't you find it",
    "still can't find it", "there's nothing there", "it's not there anymore",
    'it rolled away', 'you got the wrong one', "that's the wrong one"])
def test_a_complaint_that_names_no_object_is_rejected(text):
    why = rejected_goal(text)
    assert why is not None and 'is a remark' in why, why
    assert not is_cancel(text)


@pytest.mark.parametrize('text, what', [
    ("the ball that I can't find", 'ball'), ("find the ball I can't find", 'ball'),
    ('find the mug that I lost', 'mug'), ("the red ball that I can't see", 'red ball'),
    ("the mug I can't reach", 'mug'), ("I don't see the blue mug", 'blue mug'),
    ('I lost the red ball', 'red ball'), ("I can't find the red ball", 'red ball'),
    ("I can't find the blue mug anywhere", 'blue mug'), ("the cup I can't find anymore", 'cup')])
def test_what_the_speaker_cannot_find_said_of_an_object_is_the_object(text, what):
    assert describe(parse_command(text)) == {'what': what}


# A placeholder noun (helper-h169's brief): said before the object, the object; with a
# colour or a place, "thing" (as "the red thing"); alone, no object named: refused.
@pytest.mark.parametrize('text, what', [
    ('the thing the red ball', 'red ball'), ('that thing, the red ball', 'red ball'),
    ('the object, the blue mug', 'blue mug'), ('find the item the red ball', 'red ball'),
    ('get me that thing there the blue mug', 'blue mug'),
    ('the whatsit, the green cup', 'green cup'), ('the red thingy', 'red thing'),
    ('the red whatchamacallit', 'red thing'), ('the thing, the red one', 'red thing'),
    ('the thing on the left', 'thing'), ('the thing the ball is on', None)])
def test_a_placeholder_noun_before_the_object_is_dropped(text, what):
    q = parse_command(text)
    assert q.refused is None
    if what is None:  # a relative clause: the thing, not the ball
        assert q.what != 'ball' and q.what.split()[0] == 'thing', describe(q)
    else:
        assert q.what == what


@pytest.mark.parametrize('text', ['the thingy', 'pass me the whatchamacallit',
                                  'grab the doohickey', 'find the thingamajig',
                                  'the thing-a-ma-jig', 'grab the thingies'])
def test_a_placeholder_noun_alone_is_refused(text):
    why = rejected_goal(text)
    assert why is not None and 'names no object' in why and 'whose name was not said' in why


# What is to be done to the object said after it, "when" for "where", an order said with
# "after", a time before a place (helper-h166's left-alone list, helper-h169's brief).
@pytest.mark.parametrize('text, parsed', [
    ('let me know if you need the red ball picked up', {'what': 'red ball'}),
    ('I want the red ball picked up', {'what': 'red ball'}),
    ('have the red ball moved', {'what': 'red ball'}),
    ('the blue mug needs to be picked up', {'what': 'blue mug'}),
    ('let me know when the red ball is picked up', {'what': 'red ball'}),
    ('I need the red ball moved', {'what': 'red ball'}),
    ('when is the red ball', {'what': 'red ball'}),
    ('find the cup after the bowl', {'what': 'bowl', 'also': [{'what': 'cup'}]}),
    ('the red ball later on the left', {'what': 'red ball', 'relation': 'left',
                                        'unchecked': ['later']}),
    ('find the ball in 5 minutes on the left', {'what': 'ball', 'relation': 'left',
                                                'unchecked': ['in 5 minutes']}),
    # Controls: read as before.
    ('get the mug after you get the ball', {'what': 'mug', 'unchecked': [
        'after you get the ball']}),
    ('find the cup and then the bowl', {'what': 'cup', 'also': [{'what': 'bowl'}]}),
    ('when it stops moving', {'what': 'when stops moving'}),
])
def test_a_participle_a_when_an_order_and_a_time_before_a_place(text, parsed):
    assert describe(parse_command(text)) == parsed


# The object described again as "the ... one" after "you know", "like", with no comma
# (helper-h169's brief: "find the red ball you know the round one" was the object "red
# ball round"; "find the red ball, the round one" two objects): one object. Another
# colour or size said so still lists a second object.
@pytest.mark.parametrize('text, parsed', [
    ('find the red ball you know the round one', {'what': 'red round ball'}),
    ('find the red ball, the round one', {'what': 'red round ball'}),
    ('find the red ball the round one', {'what': 'red round ball'}),
    ('get the cup, you know, the green one', {'what': 'green cup'}),
    ('find the ball I mean the round one', {'what': 'round ball'}),
    ('the ball like the red one', {'what': 'red ball'}),
    ('find the red ball, you know, the one on the left', {'what': 'red ball',
                                                          'relation': 'left'}),
    ('find the red ball, I think the round one', {'what': 'red round ball'}),
    ('the cup, well, the green one', {'what': 'green cup'}),
    ('the mug, uh, the blue one', {'what': 'blue mug'}),
    ('the red ball - the round one', {'what': 'red round ball'}),
    ('the red ball, no, the round one', {'what': 'round ball'}),
    # Controls: two objects, as before.
    ('pick up the red ball, the blue one', {'what': 'red ball', 'also': [
        {'what': 'blue ball'}]}),
    ('the ceramic mug, the plastic one', {'what': 'ceramic mug', 'also': [
        {'what': 'plastic mug'}]}),
    ('the red ball - the blue one', {'what': 'blue ball'}),
    ('the red ball rather than the blue one', {'what': 'red ball', 'exclude': ['blue ball']}),
    ('the mug that looks like the red one', {'what': 'mug', 'unchecked': [
        'that looks like the red one']}),
])
def test_the_object_described_again_is_one_object(text, parsed):
    assert describe(parse_command(text)) == parsed


# The lead's review of helper-h169's rules (session 48): readings they had made worse.
@pytest.mark.parametrize('text, parsed', [
    # "I think" / "I guess" with no comma before the object said again.
    ('bring me the cup I think the blue one', {'what': 'blue cup'}),
    ('the ball I guess the red one', {'what': 'red ball'}),
    ('find the red ball I think the round one', {'what': 'red round ball'}),
    # "after" that places one thing past another, or names an event: no order of two.
    ('find the door right after the kitchen', {'what': 'door after kitchen', 'relation': 'right'}),
    ('find the shelf just after the sink', {'what': 'shelf after sink'}),
    ('go to the door after the table', {'what': 'door after table'}),
    ('grab the cup after the meeting', {'what': 'cup after meeting'}),
    # ... while an order of two after a verb of fetching still reads as one.
    ('could you find the cup after the bowl', {'what': 'bowl', 'also': [{'what': 'cup'}]}),
    # A placeholder word followed by an amount or a relative clause: no object after it.
    ('give the item a wipe', {'what': 'item wipe'}),
    ('find the object the robot dropped', {'what': 'object dropped'}),
    # A participle alone after the object ends a relative clause, unless wanted done.
    ('find the cup she moved', {'what': 'cup'}),
    ('I need the red ball moved', {'what': 'red ball'}),
    ('get the mug taken away', {'what': 'mug'}),
])
def test_the_rules_for_spoken_repairs_leave_ordinary_phrasings_as_they_were(text, parsed):
    assert describe(parse_command(text)) == parsed



# A request to be told later that something happens (helper-h175's brief: "let me know
# when the light turns green" was the object "green when light turns", "tell me when the
# door opens" "when door open"): the node reports no events, so it is refused as a move
# is, and rejected at the door (the active command goes on); nothing of the clause is
# grounded.
@pytest.mark.parametrize('text, clause', [
    ('let me know when the light turns green', 'the light turns green'),
    ('tell me when the door opens', 'the door opens'),
    ('please let me know as soon as the kettle boils', 'the kettle boils'),
    ('notify me when the cup is full', 'the cup is full'),
    ('tell me when someone picks up the mug', 'someone picks up the mug'),
    ('alert me once the conveyor belt stops', 'the conveyor belt stops'),
    ('could you tell me if the light turns red?', 'the light turns red'),
    ('Let me know the moment the door closes.', 'the door closes'),
])
def test_a_request_to_report_an_event_later_is_refused(text, clause):
    why = rejected_goal(text)
    assert why is not None and f'asks to be told when something happens ("{clause}")' in why \
        and 'reports no events' in why, why
    assert parse_command(text).what == 'object'


# ... while a request to be told when the object is in view, or where it is, asks for it.
@pytest.mark.parametrize('text, parsed', [
    ('tell me when you find the blue mug', {'what': 'blue mug'}),
    ('let me know if you see the red ball', {'what': 'red ball'}),
    ('tell me when the red ball appears', {'what': 'red ball'}),
    ('let me know when the blue mug comes into view', {'what': 'blue mug'}),
    ('let me know when the red ball is on the left', {'what': 'red ball', 'relation': 'left'}),
    ('tell me if the red ball is bigger than the mug', {
        'what': 'red ball', 'size': 'largest', 'unchecked': ['bigger than the mug']}),
    ('let me know when the red ball is picked up', {'what': 'red ball'}),
    ('when the light turns green, pick up the red ball', {
        'what': 'red ball', 'unchecked': ['when the light turns green']}),
])
def test_a_request_to_be_told_when_the_object_is_in_view_asks_for_it(text, parsed):
    assert describe(parse_command(text)) == parsed


# The object said again with two words joined by "and" (helper-h175's brief: "the ball,
# the red and round one" was a red ball and a round ball): one object with both.
@pytest.mark.parametrize('text, parsed', [
    ('the ball, the red and round one', {'what': 'red round ball'}),
    ('the cube, the small and green one', {'what': 'green cube', 'size': 'smallest'}),
    ('grab the bottle, the tall and blue one', {'what': 'blue bottle', 'size': 'largest'}),
    ('the ball, the big and red one on the left', {'what': 'red ball', 'relation': 'left',
                                                   'size': 'largest'}),
    ('find the ball which is red and round', {'what': 'red round ball'}),
    ('the box, which is green and small', {'what': 'green box', 'size': 'smallest'}),
    # "with the handle" stays with the object, as in "the blue mug with the handle".
    ('the mug, the blue one with the handle', {'what': 'blue mug with handle'}),
    # Controls: two colours, or another object said, as before.
    ('the red and blue balls', {'what': 'red ball', 'plural': True, 'also': [
        {'what': 'blue ball', 'plural': True}]}),
    ('the red ball, the blue one', {'what': 'red ball', 'also': [{'what': 'blue ball'}]}),
    ('the red ball, the blue mug and the green one', {'what': 'red ball', 'also': [
        {'what': 'blue mug'}, {'what': 'green mug'}]}),
])
def test_the_object_said_again_with_two_words_is_one_object(text, parsed):
    assert describe(parse_command(text)) == parsed
    if 'handle' in text:
        assert describe(parse_command('the blue mug with the handle')) == parsed


# An object named by what is in it or on it (helper-h175's brief: "the thing the blue mug
# is in" was the object "thing blue mug", "whatever the spoon is lying on" the spoon): the
# relation turned round, the object that holds the mug, the one under the spoon.
@pytest.mark.parametrize('text, parsed', [
    ('the thing the blue mug is in', {'what': 'thing', 'link': 'holds',
                                      'reference': {'what': 'blue mug'}}),
    ('whatever the spoon is lying on', {'what': 'thing', 'link': 'under',
                                        'reference': {'what': 'spoon'}}),
    ('grab whatever the apple is sitting in', {'what': 'thing', 'link': 'holds',
                                               'reference': {'what': 'apple'}}),
    ('the thing that the red cup is on', {'what': 'thing', 'link': 'under',
                                          'reference': {'what': 'red cup'}}),
    ('pick up the box the blue mug is in', {'what': 'box', 'link': 'holds',
                                            'reference': {'what': 'blue mug'}}),
    ('the one the red ball is in', {'what': 'object', 'link': 'holds',
                                    'reference': {'what': 'red ball'}}),
    ('find the tray the cup is on, please', {'what': 'tray', 'link': 'under',
                                             'reference': {'what': 'cup'}}),
    # Controls: as before.
    ('the box the robot dropped', {'what': 'box dropped'}),
    ('the thing, the red one', {'what': 'red thing'}),
    ('the thing holding the blue mug', {'what': 'thing', 'link': 'holds',
                                        'reference': {'what': 'blue mug'}}),
])
def test_an_object_named_by_what_it_holds_is_read_as_the_relation(text, parsed):
    assert describe(parse_command(text)) == parsed


# A relative clause about what happened to the object before (helper-h175's brief: "find
# the ball which was moved" was the object "ball was moved"): the camera sees no history,
# so the object is looked for and the clause named unchecked.
@pytest.mark.parametrize('text, parsed', [
    ('find the ball which was moved', {'what': 'ball', 'unchecked': ['which was moved']}),
    ('the cup that fell over', {'what': 'cup', 'unchecked': ['that fell over']}),
    ('pick up the mug that was dropped, please', {'what': 'mug',
                                                  'unchecked': ['that was dropped']}),
    ('find the ball that rolled away', {'what': 'ball', 'unchecked': ['that rolled away']}),
    ('the cube which got knocked over', {'what': 'cube',
                                         'unchecked': ['which got knocked over']}),
    ('the red cup that fell over on the left', {'what': 'red cup', 'relation': 'left',
                                                'unchecked': ['that fell over']}),
    ('the ball that was here before', {'what': 'ball', 'unchecked': ['that was here before']}),
    # Controls: a property or a place said in the clause, as before; a placement verb says
    # only where it is.
    ('find the ball which is red', {'what': 'red ball'}),
    ('the ball that is moving', {'what': 'moving ball'}),
    ('the mug I left by the sink', {'what': 'mug', 'link': 'next_to',
                                    'reference': {'what': 'sink'}}),
    ('the ball that was placed on the table', {'what': 'ball'}),
])
def test_what_happened_to_the_object_before_is_unchecked(text, parsed):
    assert describe(parse_command(text)) == parsed


# "when", "once", "as soon as", "whenever", "while" before a property of the object ask what
# "if" asks of a node that looks in every frame (helper-h175's brief; docs/commands.md):
# the object with that property, named in read_as. A property the camera cannot see stays
# a condition, unchecked; a change of colour is read as the colour.
@pytest.mark.parametrize('text, parsed, read', [
    ('pick up the cube when it is red', {'what': 'red cube'}, 'when it is red'),
    ('pick up the cube once it is red', {'what': 'red cube'}, 'once it is red'),
    ('pick up the cube as soon as it is red', {'what': 'red cube'}, 'as soon as it is red'),
    ('pick up the cube when it turns red', {'what': 'red cube'}, 'when it turns red'),
    ('grab the ball once it becomes blue', {'what': 'blue ball'}, 'once it becomes blue'),
    ("grab the cup while it's on the left", {'what': 'cup', 'relation': 'left'},
     "while it's on the left"),
    ('once it is small, pick up the cube', {'what': 'cube', 'size': 'smallest'},
     'once it is small'),
    # A condition the camera cannot see, or a turn that says no colour: unchecked.
    ('grab the mug when it is empty', {'what': 'mug', 'unchecked': ['when it is empty']}, None),
    ('pick up the cube once it turns left', {'what': 'cube', 'unchecked': [
        'once it turns left']}, None),
    ('find the ball when the light is on', {'what': 'ball', 'unchecked': [
        'when the light is on']}, None),
])
def test_when_before_a_property_of_the_object_reads_as_if(text, parsed, read):
    got = describe(parse_command(text))
    said = got.pop('read_as', None)
    assert got == parsed
    assert (said[0][0] if said else None) == read


# helper-h178's review of helper-h175's rules (session 49): ordinary phrasings near each
# rule that it had read worse, read as before or as the rule's own case is.
@pytest.mark.parametrize('text, parsed', [
    # "there is ...", "there are ..." after "tell me when": the object, as before (the
    # event rule's subject check had taken another rule's _CLAUSE_SUBJECT, a later name).
    ("tell me when there's a red ball", {'what': 'red ball', 'any_one': True}),
    ('tell me when there is a cup on the table', {'what': 'cup', 'any_one': True}),
    ('tell me when there are two cups on the table', {'what': 'cup', 'count': 2,
                                                      'plural': True}),
    # The robot, its camera or "we" who see or find it: the object, as "when you find".
    ('tell me when the robot sees the red ball', {'what': 'red ball'}),
    ('let me know when the camera sees the blue mug', {'what': 'blue mug'}),
    ('tell me when the robot finds the red ball', {'what': 'red ball'}),
    ('let me know once the robot has found the mug', {'what': 'mug'}),
    ('tell me when we find the mug', {'what': 'mug'}),
    ('let me know when the robot can see the red ball', {'what': 'red ball'}),
    # Two ordinals, or two nouns with no object said before them: two objects.
    ('pick up the first and second ones', {
        'what': 'object', 'relation': 'left', 'ordinal': 1,
        'also': [{'what': 'object', 'relation': 'left', 'ordinal': 2}]}),
    ('the first and last one', {
        'what': 'object', 'relation': 'left', 'ordinal': 1,
        'also': [{'what': 'object', 'relation': 'left', 'ordinal': -1}]}),
    ('the third and fourth ones', {
        'what': 'object', 'relation': 'left', 'ordinal': 3,
        'also': [{'what': 'object', 'relation': 'left', 'ordinal': 4}]}),
    ('grab the salt and pepper ones', {'what': 'salt', 'also': [
        {'what': 'pepper salt', 'plural': True}]}),
    ('the full and empty ones', {'what': 'full', 'also': [
        {'what': 'empty full', 'plural': True}]}),
    # What the robot (its camera) is in front of or behind is ahead of it; what it is on
    # or in is out of view: as before.
    ('the box the robot is in front of', {'what': 'box', 'relation': 'nearest'}),
    ('the box the camera is in front of', {'what': 'box', 'relation': 'nearest'}),
    ('the shelf the robot is on', {'what': 'shelf'}),
    ('the cup the robot is in', {'what': 'cup'}),
    # The object said again after the clause is the one named, not its reference.
    ('the cup the tea is in, the blue one', {'what': 'blue cup', 'link': 'holds',
                                             'reference': {'what': 'tea'}}),
    ('the box the ball is in, the big one', {'what': 'box', 'size': 'largest', 'link': 'holds',
                                             'reference': {'what': 'ball'}}),
    # "this is" / "that is" before the object: not its name.
    ('this is the cup the ball is in', {'what': 'cup', 'link': 'holds',
                                        'reference': {'what': 'ball'}}),
    # A pattern or a mark after "was": what the camera sees, as after "is".
    ('the cup that was cracked', {'what': 'cracked cup'}),
    ('the ball that was striped', {'what': 'striped ball'}),
    ('the mugs which were chipped', {'what': 'chipped mug', 'plural': True}),
    ('the cup that was cracked on the left', {'what': 'cracked cup', 'relation': 'left'}),
    # "once again", "once more": no condition.
    ('once again, find the red ball', {'what': 'red ball'}),
    ('find the red ball once again', {'what': 'red ball'}),
    ('pick up the red ball once more', {'what': 'red ball'}),
    # helper-h182's brief: a participle that leaves a result in view after "that was" /
    # "which was" is no history: its words read as before helper-h175's rule, so no door
    # that is shut answers "the door that was opened" unchecked.
    ('find the door that was opened', {'what': 'door was opened'}),
    ('find the glass that was broken', {'what': 'glass was broken'}),
    ('pick up the box that was opened', {'what': 'box was opened'}),
    ('find the window that was closed', {'what': 'window was closed'}),
    ('pick up the bottle that was emptied', {'what': 'bottle was emptied'}),
    ('pick up the apple that was peeled', {'what': 'apple was peeled'}),
    ('find the pizza that was sliced', {'what': 'pizza was sliced'}),
    ('pick up the bread that was toasted', {'what': 'bread was toasted'}),
    ('pick up the can that was crushed', {'what': 'can was crushed'}),
    ('pick up the paper that was folded', {'what': 'paper was folded'}),
    ('find the cup that was filled', {'what': 'cup was filled'}),
    ('find the paper that was crumpled', {'what': 'paper was crumpled'}),
    ('find the box that was sealed', {'what': 'box was sealed'}),
    ('find the can that was crushed and the ball', {'what': 'can was crushed',
                                                    'also': [{'what': 'ball'}]}),
    # ... and a question about how it is now, "if" / "whether" with "is" / "are" and a
    # state, is no event: the object in that state ("tell me when the red ball is
    # closest": the nearest red ball, as before helper-h175's rule).
    ('tell me if the door is open', {'what': 'open door'}),
    ('tell me whether the box is open', {'what': 'open box'}),
    ('can you tell me if the mug is open', {'what': 'open mug'}),
    ('let me know if the box is open', {'what': 'open box'}),
    ('tell me if the light is switched on', {'what': 'light switched'}),
    ('tell me if the tap is turned on', {'what': 'turned tap'}),
    ('tell me if the glass is filled', {'what': 'filled glass'}),
    ('please tell me if the drawer is opened', {'what': 'opened drawer'}),
    ('tell me if the lights are switched off', {'what': 'lights switched off'}),
    ('tell me if the cup is empty', {'what': 'empty cup'}),
    ('tell me whether the drawers are closed', {'what': 'closed drawer', 'plural': True}),
    ('tell me when the red ball is closest', {'what': 'red ball', 'relation': 'nearest'}),
    ('tell me when the ball is nearest', {'what': 'ball', 'relation': 'nearest'}),
    # ... and after "that is X and", a verb or whose it is is no word of how it looks:
    # not merged into the object (read as before helper-h175's rule).
    ('pick up the cup that is red and leave', {'what': 'red cup', 'also': [{'what': 'leave'}]}),
    ('find the cup that is red and yours', {'what': 'red cup', 'also': [{'what': 'yours'}]}),
    ('find the ball that is red and mine', {'what': 'red ball', 'also': [{'what': 'mine'}]}),
    ('find the ball which is red and shiny', {'what': 'red shiny ball'}),
    ('find the cup that is red and cracked', {'what': 'red cracked cup'}),
    ('find the cup that is red and then stop', {'what': 'red cup', 'motions': ['stop']}),
    # Controls: what happened that the camera cannot see is history still; a question
    # that said more than a state reads as before.
    ('find the mug that was used', {'what': 'mug', 'unchecked': ['that was used']}),
    ('find the ball that was dropped', {'what': 'ball', 'unchecked': ['that was dropped']}),
    ('find the glass that was knocked over', {'what': 'glass', 'unchecked': [
        'that was knocked over']}),
    ('find the door that was opened yesterday', {'what': 'door', 'unchecked': [
        'that was opened yesterday']}),
    ('find the cup that was placed on the table', {'what': 'cup'}),
    ('tell me if the red ball is bigger than the mug', {
        'what': 'red ball', 'size': 'largest', 'unchecked': ['bigger than the mug']}),
    ('tell me whether the light is on', {'what': 'light'}),
    ('tell me which ball is closest', {'what': 'ball', 'relation': 'nearest'}),
    # Controls: the rules' own cases, read as helper-h175 made them.
    ('find the ball which was moved', {'what': 'ball', 'unchecked': ['which was moved']}),
    ('the cup that fell over', {'what': 'cup', 'unchecked': ['that fell over']}),
    ('the thing the blue mug is in', {'what': 'thing', 'link': 'holds',
                                      'reference': {'what': 'blue mug'}}),
    ('the box the arm is next to', {'what': 'box', 'link': 'next_to',
                                    'reference': {'what': 'arm'}}),
    ('the ball, the shiny and round one', {'what': 'shiny round ball'}),
    ('the cup that was cracked yesterday', {'what': 'cup', 'unchecked': [
        'that was cracked yesterday']}),
    ('pick up the cube once it is red', {'what': 'red cube', 'read_as': [
        ['once it is red', 'the red one']]}),
])
def test_the_rules_for_events_and_clauses_leave_ordinary_phrasings_as_they_were(text, parsed):
    assert describe(parse_command(text)) == parsed


# ... while a request to be told of an event is still refused, said with a contraction or
# "I" as its subject too, and the robot's seeing nothing named ("when the robot sees it").
@pytest.mark.parametrize('text, clause', [
    ("tell me when it's done", "it's done"),
    ("tell me once the cup's been moved", "the cup's been moved"),
    ('tell me when I can pick up the ball', 'i can pick up the ball'),
    ('tell me when the robot sees it', 'the robot sees it'),
    ('tell me when the robot stops', 'the robot stops'),
    # helper-h182's brief: a change, what is still to happen, or "when" before a state
    # that picks no object (the nearest...) is an event still.
    ('tell me when the door opens', 'the door opens'),
    ('tell me if the light turns green', 'the light turns green'),
    ('tell me if the door becomes open', 'the door becomes open'),
    ('let me know when the kettle is done', 'the kettle is done'),
    ('tell me when the cup is finished', 'the cup is finished'),
    ('tell me when the door is open', 'the door is open'),
    ('tell me when the glass is full', 'the glass is full'),
    ('tell me if the door has opened', 'the door has opened'),
])
def test_an_event_said_with_a_contraction_or_i_is_still_refused(text, clause):
    why = parse_command(text).refused
    assert why is not None and f'asks to be told when something happens ("{clause}")' in why, \
        why


# Commands spliced at random from helper-h178's review list: a condition after an object
# read as nothing (an empty name) raised IndexError in _property_condition ("once" is one
# of its words since helper-h175); read now, the command quoted as sent.
@pytest.mark.parametrize('text', [
    'the left and middle ones , the big one pick up the ball once and',
    'the big and the small one , the big one ping me when the red cube is on the table',
])
def test_a_condition_after_an_object_read_as_nothing_does_not_raise(text):
    assert parse_command(text).text == text
