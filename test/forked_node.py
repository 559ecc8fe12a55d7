"""The node started from an interpreter that has torch and transformers imported already.

Every node process the tests start used to pay its own imports: torch, transformers and
the CLIP modules are 6-8 s of CPU a start (``python -X importtime``), over half of the
suite's CPU at ~220 node starts, on a 2-core CI machine where the suite is CPU-bound (load
average 5-6 through the node tests). The standard library's ``multiprocessing``
forkserver imports them once per pytest-xdist worker (``set_forkserver_preload``) and forks
each node from there, as an Android zygote does. The child then runs the package's own
console entry point (``clip_perception.node:main``) with the node's command line, its
environment and its output in the test's log file: the same code, rclpy, DDS and model
load as the executable, less the imports.

What a fork does not run, the executable's own tests keep: ``test_node_process.py`` sets
``NODE_START = 'exec'`` and starts ``clip_perception_node`` as its own program (the
interpreter's exit, ``--help`` before any import, start-up errors of the executable).
A start whose environment differs from the forkserver's in anything the imports may
have read (``HF_*``, ``TRANSFORMERS_*``, ``TORCH_*``...) is exec'd as well (``can_fork``).
"""

import faulthandler
import gc
import importlib
import multiprocessing
import os
import subprocess
import sys

# What a node start imports that costs: torch, transformers and the CLIP classes
# ``scorer.load_clip`` resolves (CLIPModel, AutoConfig, AutoTokenizer -> the CLIP
# tokenizer), OpenCV and the package's core, measured with ``python -X importtime``.
# rclpy and ``clip_perception.node`` (the one module importing it) are left out: rclpy's
# import starts 2 threads and costs 0.1 s. numpy's BLAS thread and OpenCV's thread pool
# are fork-safe (both rebuilt in the child; checked with cv2's parallel filters).
PRELOAD = ['torch', 'transformers', 'transformers.models.clip.modeling_clip',
           'transformers.models.clip.configuration_clip',
           'transformers.models.clip.tokenization_clip',
           'transformers.models.auto.configuration_auto',
           'transformers.models.auto.tokenization_auto',
           'cv2', 'clip_perception.pipeline', 'clip_perception.scorer',
           'clip_perception.language', 'clip_perception.vision', 'clip_perception.sync',
           'clip_perception.rectify', 'clip_perception.geometry']
# Read by rcl at rclpy.init or set for the node only (conftest.NodeProcess), never at
# import: the forkserver's copy may differ from the node's; so may pytest's own
# PYTEST_CURRENT_TEST (set per test) and PYTEST_XDIST_*.
PER_START = ('PYTHONUNBUFFERED', 'PYTHONFAULTHANDLER', 'ROS_DOMAIN_ID')

_context = None
_server_env = None


def _forkserver():
    """Return this process's forkserver context, started (its environment kept) on first use."""
    global _context, _server_env
    if _context is None:
        _context = multiprocessing.get_context('forkserver')
        _context.set_forkserver_preload(PRELOAD)
        _server_env = dict(os.environ)
    return _context


def can_fork(env):
    """Return whether a node with ``env`` would see what the forkserver's imports saw.

    :param env: the node's whole environment.
    :return: False when ``env`` differs from the forkserver's (this process's, before
        the forkserver starts) in anything but :data:`PER_START` and ``PYTEST_*``.
    """
    def keep(e):
        return {k: v for k, v in e.items()
                if k not in PER_START and not k.startswith('PYTEST_')}
    return keep(env) == keep(os.environ if _server_env is None else _server_env)


def _child(entry, argv, env, log_path):
    """Run in the forked process: the node's output to ``log_path``, then ``entry``."""
    # Every object the forkserver's imports made (torch, transformers: millions) is moved
    # to the permanent generation, which no collection walks (gc.freeze, Python docs:
    # "used before a POSIX fork() call to make the gc copy-on-write friendly or to speed
    # up collection"; livekit/agents#7120 freezes a forkserver's preloads the same way).
    # The collections at the end below walked them all, writing each object's gc header
    # and so copying the forkserver's heap page by page: 1.2-3.2 s of CPU a node stop on
    # the shared 2-core machine, 0.1-0.4 s frozen. Only the imports are frozen: the node,
    # rclpy (not preloaded) and its context are made after this, and collected as before.
    gc.freeze()
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout.reconfigure(line_buffering=True, write_through=True)
    sys.stderr.reconfigure(line_buffering=True, write_through=True)
    os.environ.clear()
    os.environ.update(env)
    if env.get('PYTHONFAULTHANDLER'):
        faulthandler.enable()
    sys.argv = list(argv)
    module, function = entry.split(':')
    try:
        code = getattr(importlib.import_module(module), function)()
    finally:
        # multiprocessing ends the child with os._exit, skipping what the executable's
        # interpreter exit does: freeing rclpy's default context, whose rcl_context_fini
        # deletes the DDS participant and so tells the graph the node is gone. Skipped,
        # other nodes saw a stopped node for the participant's lease (20 s; the namesake
        # notice of test_another_node_of_the_same_name_on_the_domain_is_named stayed).
        # The context's rcl handle is shared by whatever was made in it (the executor's
        # guard conditions, timers' clocks...): collected first, as the interpreter's
        # exit collects them, or the participant outlived the process.
        gc.collect()
        rclpy = sys.modules.get('rclpy')
        if rclpy is not None:
            rclpy.utilities.get_default_context().destroy()
            gc.collect()
    sys.exit(code)


class ForkedProcess:
    """The parts of :class:`subprocess.Popen` the tests use, over a forked process."""

    def __init__(self, process, argv):
        self._process = process
        self.args = argv
        self.pid = process.pid

    @property
    def returncode(self):
        return self._process.exitcode

    def poll(self):
        return self._process.exitcode

    def wait(self, timeout=None):
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self._process.exitcode

    def send_signal(self, sig):
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def kill(self):
        if self._process.exitcode is None:
            self._process.kill()

    def terminate(self):
        if self._process.exitcode is None:
            self._process.terminate()


def start(entry, argv, env, log_path):
    """Fork ``entry`` (``module:function``) as the node; check :func:`can_fork` first.

    :param entry: the console entry point, e.g. ``clip_perception.node:main``.
    :param argv: the command line, ``argv[0]`` the executable's path.
    :param env: the node's whole environment.
    :param log_path: file receiving the node's stdout and stderr (created if missing).
    :return: a :class:`ForkedProcess`.
    """
    process = _forkserver().Process(target=_child, args=(entry, argv, env, log_path),
                                    daemon=True)
    process.start()
    return ForkedProcess(process, argv)
