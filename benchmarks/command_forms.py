"""Dump the parse of every command form the ``commands`` and ``rules`` evaluations draw.

    PYTHONPATH=src .venv/bin/python benchmarks/command_forms.py OUT.tsv

Every colour, shape and word the generators (``world/evaluation.py`` command_cases,
``world/generalisation.py`` scene_commands) can put in each of their forms, with the
constraints they draw under (a relation's reference and "A and B"'s second object of
another kind; a negation's other object of the same shape, another colour): one line
per form, its :func:`clip_perception.language.describe` and refusal. Diff two dumps
(``PYTHONPATH`` at the old and the new ``src``) to show a parser change leaves them be.
"""
from itertools import product
import sys

from clip_perception.language import describe
from clip_perception.language import parse_command
from clip_perception.world.evaluation import _fullwidth
from clip_perception.world.evaluation import _plural
from clip_perception.world.evaluation import FILLER_FORMS
from clip_perception.world.evaluation import LINK_FORMS
from clip_perception.world.generalisation import _SHAPE_WORDS
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import SHAPES

forms = set()
kinds = list(product(COLOURS, SHAPES))
for c, s in kinds:
    for f in FILLER_FORMS:
        forms.add(f.format(f'{c} {s}'))
        forms.add(_fullwidth(f.format(f'{c} {s}')))
    forms.add(f'the {c} {s}')
    for w in _SHAPE_WORDS[s]:
        forms.add(f'the {c} {w}')
        forms.add(f'the {w}')
    forms.add(f'the {c} one')
    for f in ('all the {}', 'pick up all of the {}'):
        forms.add(f.format(f'{c} {_plural(s)}'))
    forms.add(f'every {c} {s}')
    for word in ('first', 'second', 'third'):
        for side in ('left', 'right'):
            forms.add(f'the {word} {c} {s} from the {side}')
    for (rc, rs) in kinds:
        if (rc, rs) == (c, s):
            continue  # the suite draws the reference and second object of another kind
        for ps in LINK_FORMS.values():
            for p in ps:
                forms.add(f'the {c} {s} {p} the {rc} {rs}')
        forms.add(f'the {c} {s} and the {rc} {rs}')
    for c2 in COLOURS:
        if c2 == c:
            continue  # the negation's other object: same shape, another colour
        for f in ('not the {c} {s}', 'anything except the {c} {s}',
                  'the {c2} {s}, not the {c} {s}', 'the {s} but not the {c} one',
                  'the {c2} {s} except the {c} {s}'):
            forms.add(f.format(c=c, s=s, c2=c2))
with open(sys.argv[1], 'w') as out:
    for f in sorted(forms):
        q = parse_command(f)
        out.write(f'{f!r}\t{describe(q)!r}\t{q.refused!r}\n')
print(len(forms), 'forms')
