"""Split a command into what to look for (scored by CLIP) and where/which (geometry).

CLIP is known to be poor at "left of", "nearest" or "largest"; those words are parsed
out here and resolved geometrically among the good matches by
:mod:`clip_perception.selection`.
"""

from dataclasses import dataclass
import re
import unicodedata

# Phrase -> relation. Longer phrases first so "on the left" wins over "left".
_RELATIONS = (
    (('on the left', 'to the left', 'at the left', 'left-most', 'leftmost', 'left'), 'left'),
    (('on the right', 'to the right', 'at the right', 'right-most', 'rightmost', 'right'),
     'right'),
    (('at the top', 'on top', 'top-most', 'topmost', 'upper', 'top'), 'top'),
    (('at the bottom', 'bottom-most', 'bottommost', 'lower', 'bottom'), 'bottom'),
    (('in the middle', 'in the center', 'in the centre', 'middle', 'center', 'centre',
      'central'), 'middle'),
    (('nearest', 'closest', 'in front', 'front', 'near', 'close'), 'nearest'),
    (('farthest', 'furthest', 'at the back', 'in the back', 'back', 'far'), 'farthest'),
)
_SIZES = (
    (('largest', 'biggest', 'large', 'big', 'huge'), 'largest'),
    (('smallest', 'tiniest', 'small', 'little', 'tiny'), 'smallest'),
)
_FILLER = ('please', 'pick up', 'pick', 'grab', 'grasp', 'find', 'get', 'take', 'fetch',
           'show me', 'point at', 'point to', 'look for', 'where is', 'locate', 'select',
           'the', 'a', 'an', 'one', 'me', 'up', 'of', 'to', 'on', 'at', 'in', 'is',
           'most', 'side')
MAX_COMMAND_CHARS = 512


@dataclass(frozen=True)
class Query:
    """A parsed command.

    ``what`` is the text CLIP scores ("red ball"); ``relation`` one of left, right, top,
    bottom, middle, nearest, farthest or None; ``size`` largest, smallest or None.
    """

    text: str
    what: str
    relation: str | None = None
    size: str | None = None


class CommandError(ValueError):
    """The command cannot be used; the message says why."""


def clean_command(text):
    """Normalise a raw command, or raise :class:`CommandError` saying what is wrong.

    Control characters are dropped, whitespace collapsed, length capped.
    """
    if not isinstance(text, str):
        raise CommandError(f'command must be a string, got {type(text).__name__}')
    text = ''.join(ch if unicodedata.category(ch)[0] != 'C' else ' ' for ch in text)
    text = ' '.join(text.split())
    if not text:
        raise CommandError('command is empty or only whitespace')
    if len(text) > MAX_COMMAND_CHARS:
        raise CommandError(f'command is {len(text)} characters long; the limit is '
                           f'{MAX_COMMAND_CHARS}')
    return text


def _take(table, s):
    """Remove every phrase of ``table`` from ``s``; return the first one's name and the rest."""
    found = None
    for phrases, name in table:
        for phrase in phrases:
            pat = r'\s' + re.escape(phrase) + r'\s'
            if re.search(pat, s):
                found = found or name
                s = re.sub(pat, ' ', s)
    return found, s


def parse_command(text):
    """Parse a command (see :class:`Query`); raises :class:`CommandError` if unusable."""
    text = clean_command(text)
    s = ' ' + re.sub(r'[^\w\s-]', ' ', text.lower()) + ' '
    relation, s = _take(_RELATIONS, s)
    size, s = _take(_SIZES, s)
    for phrase in sorted(_FILLER, key=len, reverse=True):
        s = re.sub(r'(?<=\s)' + re.escape(phrase) + r'(?=\s)', ' ', s)
    what = ' '.join(w for w in s.replace('-', ' ').split())
    return Query(text=text, what=what or 'object', relation=relation, size=size)
