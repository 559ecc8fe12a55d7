"""Approximate-time pairing of colour, depth and camera_info (message_filters stand-in).

Stamps are float seconds; payloads are opaque. A colour frame is released:

* with the depth image nearest in time, once one within ``slop`` has arrived;
* without depth once the depth stream is clearly absent for it: the newest depth is
  more than ``depth_timeout`` older than the frame (depth stopped), or no depth has
  arrived within ``depth_timeout`` of the first colour frame (depth never started);
* with the camera_info nearest in time within ``slop``, else the newest one
  (intrinsics rarely change; drivers that publish camera_info slower or latched still
  work), or None if none has arrived.

Buffers are bounded; colour frames pushed out unreleased are counted in ``dropped``.
"""

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class SyncedFrame:
    """A colour frame with its depth and camera_info (either may be None)."""

    stamp: float
    image: object
    depth: object
    info: object
    depth_stamp: float | None = None
    no_depth_reason: str = ''


class FrameSync:
    """Pair colour frames with depth and camera_info by stamp.

    :param slop: most stamp difference (s) for a pair.
    :param use_depth: wait for depth at all.
    :param depth_timeout: see the module docstring (s).
    :param buffer: messages kept per stream.
    """

    def __init__(self, slop=0.05, use_depth=True, depth_timeout=0.5, buffer=10):
        self.slop = float(slop)
        self.use_depth = use_depth
        self.depth_timeout = float(depth_timeout)
        self._images = deque()
        self._depths = deque(maxlen=buffer)
        self._infos = deque(maxlen=buffer)
        self._buffer = buffer
        self._first_image = None
        self.dropped = 0

    def add_info(self, stamp, info):
        """Store a camera_info."""
        self._infos.append((float(stamp), info))

    def add_depth(self, stamp, depth):
        """Store a depth image; return frames it completes."""
        self._depths.append((float(stamp), depth))
        return self._release()

    def add_image(self, stamp, image):
        """Store a colour image; return frames now released (oldest first)."""
        stamp = float(stamp)
        if self._first_image is None:
            self._first_image = stamp
        self._images.append((stamp, image))
        while len(self._images) > self._buffer:
            self._images.popleft()
            self.dropped += 1
        return self._release()

    def _nearest(self, items, stamp):
        best = None
        for s, payload in items:
            if best is None or abs(s - stamp) < abs(best[0] - stamp):
                best = (s, payload)
        return best

    def _info_for(self, stamp):
        near = self._nearest(self._infos, stamp)
        if near is not None and abs(near[0] - stamp) <= self.slop:
            return near[1]
        return self._infos[-1][1] if self._infos else None

    def _release(self):
        out = []
        kept = deque()
        newest_depth = self._depths[-1][0] if self._depths else None
        while self._images:
            stamp, image = self._images.popleft()
            if not self.use_depth:
                out.append(SyncedFrame(stamp, image, None, self._info_for(stamp)))
                continue
            near = self._nearest(self._depths, stamp)
            if near is not None and abs(near[0] - stamp) <= self.slop:
                out.append(SyncedFrame(stamp, image, near[1], self._info_for(stamp), near[0]))
                continue
            if newest_depth is None and stamp - self._first_image > self.depth_timeout:
                reason = 'no depth image received yet'
            elif newest_depth is not None and stamp - newest_depth > self.depth_timeout:
                reason = f'newest depth image is {stamp - newest_depth:.2f} s older than the frame'
            else:
                kept.append((stamp, image))
                continue
            out.append(SyncedFrame(stamp, image, None, self._info_for(stamp),
                                   no_depth_reason=reason))
        self._images = kept
        if out and kept:
            # Frames released out of order: drop waiting ones older than the newest out.
            newest = max(f.stamp for f in out)
            while self._images and self._images[0][0] < newest:
                self._images.popleft()
                self.dropped += 1
        return out
