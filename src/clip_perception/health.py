"""Counters, rates, latency windows and per-kind log throttling for diagnostics.

Plain Python (times are float seconds from whatever clock the caller uses), so the
node's health reporting is tested without ROS.
"""

from collections import Counter
from collections import deque
import threading

import numpy as np


class RateMeter:
    """Events per second over a sliding window."""

    def __init__(self, window=5.0):
        self.window = window
        self._times = deque()

    def tick(self, now):
        self._times.append(now)
        self._trim(now)

    def rate(self, now):
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        span = max(now - self._times[0], 1e-6)
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def _trim(self, now):
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()


class LatencyWindow:
    """The last ``size`` latencies, with median and 95th percentile."""

    def __init__(self, size=200):
        self._values = deque(maxlen=size)

    def add(self, seconds):
        self._values.append(float(seconds))

    def stats(self):
        """``(median, p95)`` in seconds, NaN when empty."""
        if not self._values:
            return float('nan'), float('nan')
        v = np.fromiter(self._values, float)
        return float(np.median(v)), float(np.percentile(v, 95))


class LogThrottle:
    """Allow one log line per ``kind`` per ``period``; count what was held back."""

    def __init__(self, period=5.0):
        self.period = period
        self._last = {}
        self._held = Counter()

    def allow(self, kind, now):
        """Return ``None`` to stay quiet, else how many lines of this kind were held back."""
        last = self._last.get(kind)
        if last is not None and now - last < self.period:
            self._held[kind] += 1
            return None
        self._last[kind] = now
        held = self._held.pop(kind, 0)
        return held


class Health:
    """Thread-safe counters of what the node received, processed, dropped and rejected."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = Counter()
        self.rejected = Counter()
        self.input_rate = RateMeter()
        self.processed_rate = RateMeter()
        self.latency = LatencyWindow()
        self.last_input = None
        self.last_status = ''
        self.last_reason = ''

    def count(self, name, n=1):
        with self._lock:
            self.counts[name] += n

    def reject(self, kind):
        with self._lock:
            self.rejected[kind] += 1

    def frame_in(self, now):
        with self._lock:
            self.counts['frames_received'] += 1
            self.input_rate.tick(now)
            self.last_input = now

    def frame_done(self, now, latency, status, reason):
        with self._lock:
            self.counts['frames_processed'] += 1
            self.processed_rate.tick(now)
            self.latency.add(latency)
            self.last_status = status
            self.last_reason = reason

    def snapshot(self, now, input_timeout):
        """``(level, message, [(key, value)...])`` with level 0 OK, 1 WARN, 2 ERROR."""
        with self._lock:
            med, p95 = self.latency.stats()
            stale = self.last_input is None or now - self.last_input > input_timeout
            values = [
                ('input_rate_hz', f'{self.input_rate.rate(now):.2f}'),
                ('processing_rate_hz', f'{self.processed_rate.rate(now):.2f}'),
                ('latency_median_ms', f'{1000 * med:.1f}'),
                ('latency_p95_ms', f'{1000 * p95:.1f}'),
                ('input_stale', str(stale).lower()),
                ('seconds_since_input', 'never' if self.last_input is None
                 else f'{now - self.last_input:.2f}'),
                ('last_status', self.last_status),
                ('last_reason', self.last_reason),
            ]
            for name in ('frames_received', 'frames_processed', 'frames_dropped',
                         'frames_stale', 'frames_failed', 'frames_idle', 'commands_received',
                         'commands_rejected'):
                values.append((name, str(self.counts[name])))
            values.append(('messages_rejected', str(sum(self.rejected.values()))))
            for kind, n in sorted(self.rejected.items()):
                values.append((f'rejected_{kind}', str(n)))
        if self.last_input is None:
            return 1, 'waiting for the first colour frame', values
        if stale:
            return 1, f'input stale: no colour frame for {now - self.last_input:.1f} s', values
        return 0, 'running', values
