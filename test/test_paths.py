"""Output folders the tools replace: only missing, empty, or of the tool's own kind.

A tester's ``clip_perception_record /`` ran ``shutil.rmtree('/')`` as root and deleted
/etc before it failed. These cases run the real tools' entry points on real folders.
"""

import os

import pytest

from clip_perception.tools.bags import record_main
from clip_perception.tools.paths import check_replaceable
from clip_perception.tools.paths import OutputPathError
from clip_perception.tools.paths import replace_dir
from clip_perception.world.training import main as train_main


def _folder_with(tmp_path, *names, name='out'):
    d = tmp_path / name
    d.mkdir()
    for name in names:
        (d / name).write_text('x')
    return d


def test_only_missing_empty_or_own_kind_folders_are_replaced(tmp_path):
    replace_dir(tmp_path / 'missing', ('metadata.yaml',), 'rosbag2 folder')
    bag = _folder_with(tmp_path, 'metadata.yaml', 'bag_0.db3')
    replace_dir(bag, ('metadata.yaml',), 'rosbag2 folder')
    assert not bag.exists()
    empty = tmp_path / 'empty'
    empty.mkdir()
    replace_dir(empty, ('metadata.yaml',), 'rosbag2 folder')
    assert not empty.exists()
    precious = _folder_with(tmp_path, 'thesis.tex')
    file = tmp_path / 'README.md'
    file.write_text('x')
    target = _folder_with(tmp_path, 'metadata.yaml', name='a_bag')
    link = tmp_path / 'link'
    os.symlink(target, link)  # a link is not followed into what it points at
    for path in (precious, file, link, '/', os.path.expanduser('~')):
        with pytest.raises(OutputPathError):
            replace_dir(path, ('metadata.yaml',), 'rosbag2 folder')
    assert (precious / 'thesis.tex').exists() and file.exists()
    assert (target / 'metadata.yaml').exists()
    check_replaceable(target, ('metadata.yaml',), 'rosbag2 folder')


def test_record_and_train_refuse_a_folder_they_did_not_make_before_any_work(
        tmp_path, capsys):
    precious = _folder_with(tmp_path, 'thesis.tex')
    assert record_main([str(precious)]) == 2
    assert 'not a rosbag2 folder' in capsys.readouterr().err
    assert record_main(['/']) == 2
    assert 'refusing to replace /' in capsys.readouterr().err
    assert train_main(['--out', str(precious), '--quiet']) == 2
    assert 'not a checkpoint folder' in capsys.readouterr().err
    assert (precious / 'thesis.tex').exists()
    (tmp_path / 'bad.partial').mkdir()
    (tmp_path / 'bad.partial' / 'notes.txt').write_text('x')  # not a checkpoint either
    assert train_main(['--out', str(tmp_path / 'bad'), '--quiet']) == 2
    assert (tmp_path / 'bad.partial' / 'notes.txt').exists()


@pytest.mark.parametrize('args, said', [
    (['--steps', '0'], '--steps must be at least 1'),
    (['--batch', '0'], '--batch must be at least 2'),
    (['--width', '30', '--heads', '4'], 'multiple of --heads'),
    (['--patch-size', '0'], '--patch-size must be at least 1'),
    (['--tokenizer', '/nonexistent'], 'is not a folder'),
])
def test_training_arguments_are_checked_before_the_work(tmp_path, capsys, args, said):
    with pytest.raises(SystemExit) as exit_:
        train_main(['--out', str(tmp_path / 'model'), *args])
    assert exit_.value.code == 2 and said in capsys.readouterr().err
