"""A short version of the soak run (``clip_perception_soak`` runs it for 10 minutes)."""

from clip_perception.tools.soak import run_soak


def test_short_soak(ros, tmp_path):
    r = run_soak(seconds=45.0, rate=30.0, command_period=3.0, warmup=15.0,
                 log_path=str(tmp_path / 'node.log'), progress=False)
    print('\n[soak 45 s]', r)
    assert r['node_alive_at_end'] and r['node_exit_code'] == 0
    assert r['commands_unanswered'] == []
    assert r['frames_processed'] > 20 and r['frames_dropped'] > 0
    assert r['rss_growth_pct'] < 5.0
    assert all(m['p95_ms'] < 1500 for m in r['latency_per_minute'])


def test_a_rate_period_or_length_that_cannot_run_is_refused_before_the_node_starts(capsys):
    """A soak that cannot run is a usage error (exit 2), said before anything starts.

    ``--rate 0`` ended in ZeroDivisionError after the node had started, ``--command-period
    0`` flooded commands and then a TypeError (helper-70's trial of each tool's options):
    0/4 -> 4/4 refused.
    """
    import pytest

    from clip_perception.tools.soak import main

    for args in (['--rate', '0'], ['--command-period', '0'], ['--minutes', '-1'],
                 ['--rate', 'inf']):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 2, args
        assert 'must be a positive number' in capsys.readouterr().err, args


def test_answers_without_latency_leave_the_report_whole():
    """``superseded``, ``cancelled`` and ``rejected`` answers carry ``latency_s`` null.

    The report took the median of all answers' latencies and ended in numpy's TypeError
    when one came (two commands before a frame): they answer a command, not a frame, and
    are left out of the latency figures.
    """
    from clip_perception.tools.soak import _report

    answers = [(10.0, 'the red ball', 'superseded', None), (10.1, 'the blue mug', 'found', 0.02),
               (10.2, 'the blue mug', 'found', 0.04)]
    r = _report(10.0, 60.0, 5.0, [(0.0, 500.0), (30.0, 501.0)], answers,
                [(10.0, 'the red ball'), (10.05, 'the blue mug')], {}, 90, True, 0)
    assert r['latency_per_minute'] == [{'minute': 1, 'n': 2, 'median_ms': 30.0,
                                        'p95_ms': 39.0}]
