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
