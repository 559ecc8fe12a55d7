"""Approximate-time pairing of colour, depth and camera_info (message_filters stand-in).

Stamps are float seconds; payloads are opaque; ``now`` is the caller's monotonic clock
at arrival (waiting is about arrival, not stamps: at 1 Hz the previous depth is always a
second older than the next frame). A colour frame is released:

* with the depth image nearest in stamp, once one within ``slop`` has arrived;
* without depth once it has waited ``depth_timeout`` since its arrival for a depth
  within ``slop``; after that the depth stream counts as lost and later frames pass at
  once (no added latency) until a depth image arrives again. The node calls
  :meth:`FrameSync.poll` on a timer for this;
* with the camera_info nearest in stamp within ``slop``, else the newest one
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
        self._last_depth_arrival = None
        self._depth_lost = False
        self.dropped = 0

    def add_info(self, stamp, info):
        """Store a camera_info."""
        self._infos.append((float(stamp), info))

    def add_depth(self, stamp, depth, now):
        """Store a depth image that arrived at ``now``; return frames it completes."""
        self._depths.append((float(stamp), depth))
        self._last_depth_arrival = now
        self._depth_lost = False
        return self._release(now)

    def add_image(self, stamp, image, now):
        """Store a colour image that arrived at ``now``; return frames now released."""
        self._images.append((float(stamp), image, now))
        while len(self._images) > self._buffer:
            self._images.popleft()
            self.dropped += 1
        return self._release(now)

    def poll(self, now):
        """Release frames whose depth is overdue; call it periodically."""
        return self._release(now)

    def _nearest(self, items, stamp):
        best = None
        for s, payload in items:
            if best is None or abs(s - stamp) <= abs(best[0] - stamp):  # ties: newest
                best = (s, payload)
        return best

    def _info_for(self, stamp):
        near = self._nearest(self._infos, stamp)
        if near is not None and abs(near[0] - stamp) <= self.slop:
            return near[1]
        return self._infos[-1][1] if self._infos else None

    def _no_depth_reason(self, arrival, now):
        if not self._depth_lost and now - arrival < self.depth_timeout:
            return None
        self._depth_lost = True
        if self._last_depth_arrival is None:
            return 'no depth image received yet'
        return (f'no depth image within {self.slop} s of the frame; newest arrived '
                f'{now - self._last_depth_arrival:.1f} s ago')

    def _release(self, now):
        out = []
        kept = deque()
        while self._images:
            stamp, image, arrival = self._images.popleft()
            if not self.use_depth:
                out.append(SyncedFrame(stamp, image, None, self._info_for(stamp)))
                continue
            near = self._nearest(self._depths, stamp)
            if near is not None and abs(near[0] - stamp) <= self.slop:
                out.append(SyncedFrame(stamp, image, near[1], self._info_for(stamp), near[0]))
                continue
            reason = self._no_depth_reason(arrival, now)
            if reason is None:
                kept.append((stamp, image, arrival))
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
