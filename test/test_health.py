"""Rates, latency windows, log throttling and the diagnostics snapshot."""

from clip_perception.health import Health
from clip_perception.health import LogThrottle
from clip_perception.health import RateMeter


def test_rate_meter():
    r = RateMeter(window=5.0)
    for i in range(11):
        r.tick(i * 0.1)
    assert abs(r.rate(1.0) - 10.0) < 1e-6
    assert r.rate(100.0) == 0.0


def test_log_throttle_once_per_kind_per_period_and_counts_held_lines():
    t = LogThrottle(period=5.0)
    assert t.allow('encoding', 0.0) == 0
    assert t.allow('encoding', 1.0) is None
    assert t.allow('size', 1.0) == 0  # another kind is not held back
    assert t.allow('encoding', 2.0) is None
    assert t.allow('encoding', 6.0) == 2


def test_health_snapshot_reports_stale_input():
    h = Health()
    level, msg, _ = h.snapshot(0.0, 2.0)
    assert level == 1 and 'waiting' in msg
    h.frame_in(10.0)
    h.frame_done(10.1, 0.1, 'found', 'ok')
    h.reject('encoding')
    level, msg, values = h.snapshot(10.5, 2.0)
    values = dict(values)
    assert level == 0 and values['frames_processed'] == '1'
    assert values['rejected_encoding'] == '1' and values['messages_rejected'] == '1'
    level, msg, _ = h.snapshot(20.0, 2.0)
    assert level == 1 and 'stale' in msg
