"""Dump the parse of every command form the ``commands`` and ``rules`` evaluations draw.

    PYTHONPATH=src .venv/bin/python benchmarks/command_forms.py OUT.tsv
    PYTHONPATH=src .venv/bin/python benchmarks/command_forms.py OUT_1.tsv --shard 1/4

Every colour, shape and word the generators (``world/evaluation.py`` command_cases,
``world/generalisation.py`` scene_commands) can put in each of their forms, with the
constraints they draw under (a relation's reference and "A and B"'s second object of
another kind; a negation's other object of the same shape, another colour): one line
per form, its :func:`clip_perception.language.describe` and refusal. Diff two dumps
(``PYTHONPATH`` at the old and the new ``src``) to show a parser change leaves them be.

The whole run parses 18,778 forms (8-15 minutes on a shared 2-core machine).
``--shard K/N`` parses the K-th of N contiguous runs of the sorted forms, so the shards
run side by side (on several cores or machines) and ``cat OUT_1.tsv ... OUT_N.tsv`` is
the whole run's dump, line for line. ``--limit M`` keeps the first M sorted forms (a
quick check of the script itself, as ``test/test_command_forms.py`` does).
"""
import argparse
from itertools import product

from clip_perception.language import describe
from clip_perception.language import parse_command
from clip_perception.world.evaluation import _fullwidth
from clip_perception.world.evaluation import _plural
from clip_perception.world.evaluation import FILLER_FORMS
from clip_perception.world.evaluation import LINK_FORMS
from clip_perception.world.generalisation import _SHAPE_WORDS
from clip_perception.world.scenes import COLOURS
from clip_perception.world.scenes import SHAPES


def command_forms():
    """Return every command form the evaluations draw, sorted (``list`` of ``str``)."""
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
    return sorted(forms)


def shard(items, k, n):
    """Return the ``k``-th (1-based) of ``n`` contiguous, near-equal runs of ``items``.

    :param items: a sequence (``list``).
    :param k: which run, ``1 <= k <= n`` (``int``).
    :param n: how many runs (``int``, >= 1).
    :return: ``list``; the runs for k = 1..n, joined in order, are ``items``.
    :raises ValueError: ``k`` or ``n`` out of range.
    """
    if not 1 <= k <= n:
        raise ValueError(f'shard {k}/{n}: K must be from 1 to N')
    return list(items[len(items) * (k - 1) // n:len(items) * k // n])


def _shard_arg(text):
    """Parse ``--shard K/N`` (argparse type): ``(k, n)``."""
    try:
        k, n = (int(p) for p in text.split('/'))
        shard([], k, n)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" is no shard: give K/N with 1 <= K <= N, e.g. 2/4') from None
    return k, n


def main(argv=None):
    """Write the dump (one line a form: the form, its description, its refusal)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='the TSV file to write')
    parser.add_argument('--shard', type=_shard_arg, default=(1, 1), metavar='K/N',
                        help='parse only the K-th of N contiguous runs of the sorted forms')
    parser.add_argument('--limit', type=int, default=None, metavar='M',
                        help='keep only the first M sorted forms')
    args = parser.parse_args(argv)
    forms = shard(command_forms()[:args.limit], *args.shard)
    with open(args.out, 'w') as out:
        for f in forms:
            q = parse_command(f)
            out.write(f'{f!r}\t{describe(q)!r}\t{q.refused!r}\n')
    print(len(forms), 'forms')


if __name__ == '__main__':
    main()
