"""Recordings replayed through the node as its own process, checked against ground truth."""

import os

from clip_perception.bags import record_script
from clip_perception.demo import bundled_demo_bag
from clip_perception.demo import format_table
from clip_perception.demo import run_replay
from clip_perception.scenario import demo_script


def check(rows, info):
    print('\n' + format_table(rows))
    assert info['node_exit_code'] == 0
    for r in rows:
        assert r.correct, r
        if r.expected == '(absent)':
            assert r.status == 'not_found' and r.position is None
        else:
            assert r.status == 'found' and r.error_mm < 10.0


def test_bundled_demo_recording(ros, tmp_path):
    """mcap, zstd, JPEG colour (image_transport compressed), 16UC1 depth."""
    rows, info = run_replay(bundled_demo_bag(), str(tmp_path / 'out'))
    assert len(rows) == 7
    check(rows, info)
    assert len(info['frames']) == 7 and all(os.path.isfile(p) for p in info['frames'])
    assert os.path.isfile(tmp_path / 'out' / 'outputs' / 'metadata.yaml')


def test_recording_made_here_in_the_other_storage(ros, tmp_path):
    """sqlite3, raw rgb8 colour, 32FC1 depth."""
    bag = tmp_path / 'bag'
    record_script(bag, demo_script(), 'sqlite3', depth_encoding='32FC1')
    rows, info = run_replay(str(bag), str(tmp_path / 'out'), save_frames=False)
    check(rows, info)
