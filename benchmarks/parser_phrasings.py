"""Dump the parse of every phrasing quoted in the command tests, to diff two parsers.

    PYTHONPATH=src .venv/bin/python benchmarks/parser_phrasings.py OUT.tsv
    PYTHONPATH=src .venv/bin/python benchmarks/parser_phrasings.py OUT.tsv --ref dc121b0

Every string of 2 to 120 characters quoted in the command tests (``test_language.py``,
``test_commands.py``, ``test_pipeline.py``, ``test_node_commands.py``; as they are at
git ``--ref``, default the work tree) is parsed. Each goes on one line: the phrasing,
:func:`clip_perception.language.describe` of its parse, its refusal, and whether it is
a cancel. Most strings are no command at all (comments, reasons); they are kept, since
a rule that reads them differently may read a real command differently too.

To check that a parser change leaves earlier phrasings be, dump with the old ``src`` on
``PYTHONPATH`` (a second worktree: ``git worktree add /tmp/old <ref>``) and the new
one, both with the same ``--ref``, and diff the two files. Session 20 used it after
every rule (1,306 phrasings; a few changed lines each time, all of them meant).
:mod:`benchmarks.command_forms` does the same for the forms the evaluations draw.
"""

import argparse
import os
import re
import subprocess

from clip_perception.language import CommandError
from clip_perception.language import describe
from clip_perception.language import is_cancel
from clip_perception.language import parse_command

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FILES = ('test/test_language.py', 'test/test_commands.py', 'test/test_pipeline.py',
         'test/test_node_commands.py')
# A quoted string without escapes or line breaks, in either quote.
QUOTED = (re.compile(r"'([^'\\\n]{2,120})'"), re.compile(r'"([^"\\\n]{2,120})"'))


def phrasings(ref=None):
    """Return the sorted distinct strings quoted in :data:`FILES`.

    :param ref: a git revision to read the files at; None: the work tree.
    :return: list of str.
    :raises subprocess.CalledProcessError: ``ref`` does not name a revision with the files.
    """
    found = set()
    for path in FILES:
        if ref is None:
            with open(os.path.join(ROOT, path), encoding='utf-8') as f:
                text = f.read()
        else:
            text = subprocess.run(['git', '-C', ROOT, 'show', f'{ref}:{path}'], check=True,
                                  capture_output=True, text=True).stdout
        for pattern in QUOTED:
            found.update(pattern.findall(text))
    return sorted(found)


def reading(text):
    """Return ``(describe, refusal, cancel)`` of one phrasing, as text."""
    try:
        q = parse_command(text)
    except CommandError as e:
        return f'CommandError: {e}', '', str(is_cancel(text))
    return str(describe(q)), q.refused or '', str(is_cancel(text))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('out', help='TSV file to write')
    p.add_argument('--ref', default=None,
                   help='git revision to read the test files at (default: the work tree)')
    args = p.parse_args()
    texts = phrasings(args.ref)
    with open(args.out, 'w', encoding='utf-8') as f:
        for text in texts:
            f.write('\t'.join((repr(text),) + reading(text)) + '\n')
    print(f'{len(texts)} phrasings -> {args.out}')


if __name__ == '__main__':
    main()
