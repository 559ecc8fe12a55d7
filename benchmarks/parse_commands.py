"""Print how each command of a file is read, one line each, to diff two parsers.

    PYTHONPATH=src .venv/bin/python benchmarks/parse_commands.py COMMANDS.txt

``COMMANDS.txt`` holds one command a line (lines starting with "#" and blank lines are
skipped). Each line printed is the command's ``repr``, a tab, and
:func:`clip_perception.language.describe` of its parse as JSON, or ``REFUSED:`` and the
first 150 characters of the refusal. Run it with an older ``src`` on ``PYTHONPATH`` (a
``git worktree``) and the new one, and diff the two outputs.
"""
import argparse
import json

from clip_perception.language import describe
from clip_perception.language import parse_command


def main():
    """Print each command's reading (see the module's docstring)."""
    parser = argparse.ArgumentParser(description='Print how each command of a file is read '
                                     '(describe() of its parse, or its refusal).')
    parser.add_argument('commands', help='a text file, one command a line')
    args = parser.parse_args()
    with open(args.commands, encoding='utf-8') as f:
        commands = [line.rstrip('\n') for line in f
                    if line.strip() and not line.startswith('#')]
    for command in commands:
        query = parse_command(command)
        said = json.dumps(describe(query), ensure_ascii=False) if query.refused is None \
            else 'REFUSED: ' + query.refused[:150]
        print(f'{command!r}\t{said}')


if __name__ == '__main__':
    main()
