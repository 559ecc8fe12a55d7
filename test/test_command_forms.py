"""benchmarks/command_forms.py: its shards, joined in order, are the whole run's dump."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'benchmarks', 'command_forms.py')


def _dump(tmp_path, name, *args):
    """Run the script on the first 41 forms; return its dump's text."""
    out = tmp_path / name
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'src'))
    done = subprocess.run([sys.executable, SCRIPT, str(out), '--limit', '41', *args],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out.read_text()


def test_shards_joined_are_the_whole_dump(tmp_path):
    whole = _dump(tmp_path, 'whole.tsv')
    assert len(whole.splitlines()) == 41
    shards = [_dump(tmp_path, f'{k}.tsv', '--shard', f'{k}/3') for k in (1, 2, 3)]
    assert [len(s.splitlines()) for s in shards] == [13, 14, 14]
    assert ''.join(shards) == whole


def test_shard_splits_in_order_with_nothing_twice():
    sys.path.insert(0, os.path.join(ROOT, 'benchmarks'))
    try:
        from command_forms import shard
    finally:
        sys.path.remove(os.path.join(ROOT, 'benchmarks'))
    items = list(range(41))
    for n in (1, 2, 3, 7, 41, 50):
        runs = [shard(items, k, n) for k in range(1, n + 1)]
        assert sum(runs, []) == items
        assert max(map(len, runs)) - min(map(len, runs)) <= 1
    for k, n in ((0, 3), (4, 3), (1, 0)):
        with pytest.raises(ValueError, match='K must be from 1 to N'):
            shard(items, k, n)


def test_a_bad_shard_is_refused_with_what_to_give(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'src'))
    done = subprocess.run([sys.executable, SCRIPT, str(tmp_path / 'x.tsv'), '--shard', '5/4'],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert 'give K/N with 1 <= K <= N' in done.stderr
