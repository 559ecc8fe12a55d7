"""Approximate-time pairing of colour, depth and camera_info (arrival time ``now`` given)."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from clip_perception.sync import FrameSync


def test_pairs_colour_with_nearest_depth_within_slop():
    s = FrameSync(slop=0.02)
    s.add_info(0.0, 'K')
    assert s.add_image(1.00, 'rgb1', now=0.0) == []
    out = s.add_depth(1.01, 'd1', now=0.001)
    assert [(f.image, f.depth, f.info) for f in out] == [('rgb1', 'd1', 'K')]
    out = s.add_depth(1.5, 'd2', now=0.5) + s.add_image(1.49, 'rgb2', now=0.5)
    assert [(f.image, f.depth) for f in out] == [('rgb2', 'd2')]


def test_slow_camera_waits_for_its_depth():
    """At 1 Hz the previous depth is a second older than the frame: still wait."""
    s = FrameSync(slop=0.02, depth_timeout=0.5)
    s.add_depth(1.0, 'd1', now=1.0)
    s.add_image(1.0, 'a', now=1.0)
    assert s.add_image(2.0, 'b', now=2.0) == []
    out = s.add_depth(2.0, 'd2', now=2.01)
    assert [(f.image, f.depth) for f in out] == [('b', 'd2')]


def test_depth_outside_slop_waits_then_is_released_without_depth():
    s = FrameSync(slop=0.01, depth_timeout=0.5)
    s.add_depth(1.0, 'd', now=0.0)
    assert s.add_image(1.2, 'rgb', now=0.1) == []
    assert s.poll(now=0.3) == []
    out = s.poll(now=0.61)
    assert out[0].image == 'rgb' and out[0].depth is None
    assert 'within 0.01 s of the frame' in out[0].no_depth_reason


def test_lost_depth_stream_passes_frames_at_once_until_depth_returns():
    s = FrameSync(slop=0.02, depth_timeout=0.5)
    s.add_depth(1.0, 'd', now=1.0)
    assert s.add_image(1.3, 'a', now=1.3) == []
    out = s.poll(now=1.81)  # 'a' waited out the timeout: depth counts as lost
    assert [f.image for f in out] == ['a'] and out[0].depth is None
    out = s.add_image(1.9, 'b', now=1.9)  # no added latency while depth is lost
    assert [f.image for f in out] == ['b'] and 'newest arrived 0.9 s ago' in \
        out[0].no_depth_reason
    s.add_depth(2.0, 'd2', now=2.0)  # depth is back: frames wait for it again
    assert s.add_image(2.1, 'c', now=2.1) == []
    assert [f.depth for f in s.add_depth(2.1, 'd3', now=2.11)] == ['d3']


def test_depth_that_never_came_releases_after_timeout():
    s = FrameSync(slop=0.02, depth_timeout=0.5)
    assert s.add_image(10.0, 'a', now=0.0) == []
    out = s.poll(now=0.6)
    assert out[-1].depth is None and 'no depth image received' in out[-1].no_depth_reason


def test_without_depth_frames_pass_at_once_and_info_may_be_missing():
    s = FrameSync(use_depth=False)
    out = s.add_image(1.0, 'a', now=0.0)
    assert out[0].image == 'a' and out[0].info is None
    s.add_info(0.2, 'old')
    assert s.add_image(2.0, 'b', now=1.0)[0].info == 'old'  # newest info when none near


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(['img', 'depth', 'info', 'poll']),
                          st.floats(0, 100, allow_nan=False)), max_size=60))
def test_fuzz_sync_never_raises_and_stays_bounded(events):
    s = FrameSync(slop=0.05, buffer=5)
    released = 0
    for now, (kind, t) in enumerate(events):
        now = now * 0.1
        if kind == 'img':
            released += len(s.add_image(t, t, now))
        elif kind == 'depth':
            released += len(s.add_depth(t, t, now))
        elif kind == 'poll':
            released += len(s.poll(now))
        else:
            s.add_info(t, t)
        assert len(s._images) <= 5
    assert released <= sum(1 for k, _ in events if k == 'img')
