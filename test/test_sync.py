"""Approximate-time pairing of colour, depth and camera_info."""

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from clip_perception.sync import FrameSync


def test_pairs_colour_with_nearest_depth_within_slop():
    s = FrameSync(slop=0.02)
    s.add_info(0.0, 'K')
    assert s.add_image(1.00, 'rgb1') == []
    out = s.add_depth(1.01, 'd1')
    assert [(f.image, f.depth, f.info) for f in out] == [('rgb1', 'd1', 'K')]
    out = s.add_depth(1.5, 'd2') + s.add_image(1.49, 'rgb2')
    assert [(f.image, f.depth) for f in out] == [('rgb2', 'd2')]


def test_depth_outside_slop_is_not_paired():
    s = FrameSync(slop=0.01, depth_timeout=0.5)
    s.add_depth(1.0, 'd')
    assert s.add_image(1.2, 'rgb') == []


def test_depth_that_stopped_releases_frames_without_depth():
    s = FrameSync(slop=0.02, depth_timeout=0.5)
    s.add_depth(1.0, 'd')
    assert s.add_image(1.3, 'a') == []
    out = s.add_image(1.6, 'b')
    assert [f.image for f in out] == ['b']
    assert out[0].depth is None and 'older than the frame' in out[0].no_depth_reason
    assert s.dropped == 1  # 'a' never got depth and was superseded


def test_depth_that_never_came_releases_after_timeout():
    s = FrameSync(slop=0.02, depth_timeout=0.5)
    assert s.add_image(10.0, 'a') == []
    out = s.add_image(10.6, 'b')
    assert out[-1].depth is None and 'no depth image received' in out[-1].no_depth_reason


def test_without_depth_frames_pass_at_once_and_info_may_be_missing():
    s = FrameSync(use_depth=False)
    out = s.add_image(1.0, 'a')
    assert out[0].image == 'a' and out[0].info is None
    s.add_info(0.2, 'old')
    assert s.add_image(2.0, 'b')[0].info == 'old'  # latest info when none is near


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(['img', 'depth', 'info']),
                          st.floats(0, 100, allow_nan=False)), max_size=60))
def test_fuzz_sync_never_raises_and_stays_bounded(events):
    s = FrameSync(slop=0.05, buffer=5)
    released = 0
    for kind, t in events:
        if kind == 'img':
            released += len(s.add_image(t, t))
        elif kind == 'depth':
            released += len(s.add_depth(t, t))
        else:
            s.add_info(t, t)
        assert len(s._images) <= 5
    assert released <= sum(1 for k, _ in events if k == 'img')
