"""Output folders the tools may replace, and only those.

``clip_perception_record OUT`` and ``clip_perception_train --out OUT`` write a new
folder in place of an old one. A tester's ``clip_perception_record /`` ran
``shutil.rmtree('/')`` as root and deleted /etc before it failed: a tool replaces a
path only when it is missing, an empty folder, or a folder of the kind the tool
writes (a rosbag2 folder has ``metadata.yaml``; a checkpoint ``config.json``).
"""

import os
import shutil


class OutputPathError(ValueError):
    """The output path exists and is not something this tool made; the message says why."""


def replace_dir(path, markers, what):
    """Remove ``path`` so that a new ``what`` can be written there.

    :param path: the output folder.
    :param markers: file names of which at least one is in a folder of this kind.
    :param what: what the tool writes, for the message ("rosbag2 folder").
    :raises OutputPathError: see :func:`check_replaceable`; nothing is deleted then.
    """
    path = os.path.abspath(os.fspath(path))
    check_replaceable(path, markers, what)
    if os.path.lexists(path):
        shutil.rmtree(path)


def check_replaceable(path, markers, what):
    """Raise unless ``path`` is missing or may be replaced by a new ``what``.

    :raises OutputPathError: ``path`` is a file or a link, the file system root, the
        home folder, or a non-empty folder with none of ``markers`` in it.
    """
    path = os.path.abspath(os.fspath(path))
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        raise OutputPathError(f'{path} exists and is not a folder; give a new folder for '
                              f'the {what}')
    if path in (os.path.abspath(os.sep), os.path.expanduser('~')):
        raise OutputPathError(f'refusing to replace {path} with a {what}')
    entries = os.listdir(path)
    if entries and not any(m in entries for m in markers):
        raise OutputPathError(f'{path} is a non-empty folder that is not a {what} (no '
                              f'{" or ".join(markers)} in it); give a new or empty folder, '
                              'nothing was deleted')
