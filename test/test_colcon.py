"""``colcon build --symlink-install`` of this package, as on a robot (issue 16, points 2-3).

colcon (``colcon-common-extensions`` from requirements.txt) runs from the project's venv,
next to the ROS wheels, with ``AMENT_PREFIX_PATH`` naming the venv (see
../shared/ENVIRONMENT.md). The test builds a temporary workspace, checks that the
install tree holds what ament expects, as symlinks into the source (a silent fallback
to a full install fails it), then starts the installed console script until the node
is in the graph, and checks that the tools find that script.
"""

import os
import shutil
import subprocess
import sys
import time

from conftest import REPO
from conftest import wait_for_node

VENV = sys.prefix
# What a ROS package's source folder holds (no .venv, .git, build outputs).
SOURCES = ('src', 'launch', 'config', 'resource', 'models', 'data', 'setup.py', 'setup.cfg',
           'package.xml')


def _workspace(tmp_path):
    pkg = tmp_path / 'ws' / 'src' / 'clip_perception'
    pkg.mkdir(parents=True)
    for name in SOURCES:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, pkg / name,
                            ignore=shutil.ignore_patterns('__pycache__', '*.egg-info'))
        else:
            shutil.copy2(source, pkg / name)
    return tmp_path / 'ws', pkg


def _env(**extra):
    env = dict(os.environ, AMENT_PREFIX_PATH=VENV,
               PATH=os.path.join(VENV, 'bin') + os.pathsep + os.environ['PATH'],
               PYTHONUNBUFFERED='1')
    env.pop('PYTHONPATH', None)
    env.update(extra)
    return env


def _sourced(ws, command):
    """Run ``command`` in bash after sourcing the workspace, as a user would."""
    return ['bash', '-c', f'source {ws}/install/setup.bash && {command}']


def test_symlink_install_builds_and_the_installed_node_starts(tmp_path, probe):
    ws, pkg = _workspace(tmp_path)
    build = subprocess.run([os.path.join(VENV, 'bin', 'colcon'), 'build', '--symlink-install',
                            '--event-handlers', 'console_direct+'],
                           cwd=ws, env=_env(), capture_output=True, text=True, timeout=300)
    log = build.stdout + build.stderr
    assert build.returncode == 0, log[-4000:]
    # colcon logs a fallback to a full install at INFO only: fail on it.
    assert 'symlink' not in log.lower() or 'fall' not in log.lower(), log[-4000:]

    prefix = ws / 'install' / 'clip_perception'
    share = prefix / 'share' / 'clip_perception'
    # Data files are symlinks into the package source, as --symlink-install promises.
    for rel in ('package.xml', 'launch/clip_perception.launch.py',
                'config/clip_perception.yaml', 'config/fastdds_large_data.xml',
                'models/tiny_clip/config.json', 'models/tiny_clip/model.safetensors',
                'data/demo_bag/metadata.yaml', 'data/demo_bag/ground_truth.json'):
        path = share / rel
        assert path.is_symlink(), f'{rel} was copied, not symlinked'
        assert os.path.realpath(path) == os.path.realpath(pkg / rel), rel
    assert (prefix / 'share' / 'ament_index' / 'resource_index' / 'packages'
            / 'clip_perception').is_file()
    # The Python package is a development install (a link to the build tree, whose
    # modules link to the source), not a copy in site-packages.
    site = prefix / 'lib' / f'python{sys.version_info.major}.{sys.version_info.minor}' / \
        'site-packages'
    assert not (site / 'clip_perception').exists(), 'the Python package was copied'
    links = list(site.glob('*.egg-link')) + list(site.glob('*.pth'))
    assert links, sorted(p.name for p in site.iterdir())
    built = ws / 'build' / 'clip_perception' / 'src' / 'clip_perception' / 'node.py'
    assert os.path.realpath(built) == os.path.realpath(pkg / 'src' / 'clip_perception' /
                                                        'node.py')
    exe = prefix / 'lib' / 'clip_perception' / 'clip_perception_node'
    assert exe.is_file() and os.access(exe, os.X_OK)
    with open(exe) as f:
        assert f.readline().strip() == f'#!{sys.executable}'

    # Run from the sourced workspace: the module comes from the workspace, not the venv,
    # and the tools find the workspace's console script (point 3).
    code = ('import clip_perception.node as n, os; print(os.path.realpath(n.__file__)); '
            'from clip_perception.tools.demo import node_executable; print(node_executable())')
    out = subprocess.run(_sourced(ws, f'{sys.executable} -c "{code}"'), env=_env(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    module, found = out.stdout.split()[-2:]
    assert module == os.path.realpath(pkg / 'src' / 'clip_perception' / 'node.py')
    assert found == str(exe)

    node_log = open(tmp_path / 'node.log', 'w+')
    proc = subprocess.Popen(
        _sourced(ws, f'exec {exe} --ros-args -r __node:=colcon_clip -p torch_threads:=1 '
                 '-p model:=bundled'),
        env=_env(), stdout=node_log, stderr=subprocess.STDOUT)
    try:
        up = wait_for_node(probe, '/colcon_clip', timeout=90)
        # The bundled model is found through the workspace's share directory.
        model = str(share / 'models' / 'tiny_clip')
        end = time.monotonic() + 90
        while time.monotonic() < end and proc.poll() is None:
            node_log.seek(0)
            text = node_log.read()
            if 'listening on' in text:
                break
            time.sleep(0.2)
        assert up, text[-3000:]
        assert f'from {model} ' in text, text[-3000:]
    finally:
        proc.send_signal(2)
        try:
            code = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        node_log.close()
    assert code == 0


def test_node_executable_lookup_order(tmp_path, monkeypatch):
    """Look in ament prefixes that register the package, then the interpreter's bin/."""
    from clip_perception.tools.demo import node_executable

    monkeypatch.delenv('AMENT_PREFIX_PATH', raising=False)
    assert node_executable() == os.path.join(os.path.dirname(sys.executable),
                                             'clip_perception_node')
    prefix = tmp_path / 'install' / 'clip_perception'
    script = prefix / 'lib' / 'clip_perception' / 'clip_perception_node'
    script.parent.mkdir(parents=True)
    shutil.copy2(node_executable(), script)
    monkeypatch.setenv('AMENT_PREFIX_PATH', str(prefix))
    # Not registered in the prefix's ament index: not this package's install.
    assert node_executable() != str(script)
    marker = prefix / 'share' / 'ament_index' / 'resource_index' / 'packages'
    marker.mkdir(parents=True)
    (marker / 'clip_perception').write_text('')
    assert node_executable() == str(script)
    monkeypatch.setenv('PATH', '')
    monkeypatch.setenv('AMENT_PREFIX_PATH', '')
    assert node_executable('clip_perception_soak').startswith(os.path.dirname(sys.executable))
