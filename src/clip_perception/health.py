"""Counters, rates, latency windows and per-kind log throttling for diagnostics.

Plain Python (times are float seconds from whatever clock the caller uses), so the
node's health reporting is tested without ROS.
"""

from collections import Counter
from collections import deque
import difflib
import threading

import numpy as np


class DepthNote(str):
    """A depth note's text (a ``str``) with its kind, for the caller to dispatch on.

    ``kind`` is one of :data:`DEPTH_NOTE_KINDS`: ``depth_stopped``
    (:func:`depth_stopped_note`), ``depth_unpublished`` (:func:`depth_unpublished_note`)
    or ``depth_loss`` (depth arrives much slower than colour). The node logs each kind
    once under its own key; it told them apart by the text's first words, which a
    reworded note would have broken silently.
    """

    def __new__(cls, text, kind):
        if kind not in DEPTH_NOTE_KINDS:
            raise ValueError(f'unknown depth note kind {kind!r}: one of {DEPTH_NOTE_KINDS}')
        note = super().__new__(cls, text)
        note.kind = kind
        return note


# The kinds of :meth:`Health.depth_loss_note`, each with its log-once key in the node.
DEPTH_NOTE_KINDS = ('depth_stopped', 'depth_unpublished', 'depth_loss')


class RateMeter:
    """Events per second over a sliding window."""

    def __init__(self, window=5.0):
        self.window = window
        self._times = deque()

    def tick(self, now):
        self._times.append(now)
        self._trim(now)

    def span(self, now):
        """Seconds (float) from the oldest event kept in the window to ``now``; 0.0 if none.

        A rate over a span much shorter than the window rests on a few events and is noisy:
        three arrivals bunched by a busy machine read as half their true rate.
        """
        self._trim(now)
        return now - self._times[0] if self._times else 0.0

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


def frame_latency(stamp, now_ros, arrived, now_steady, other_clock=''):
    """Return ``(latency_s, measured_from)`` of a frame answered at ``now_ros``/``now_steady``.

    From the stamp (capture to answer, the driver's part too) only when the stamp and the
    node's ROS time are one running clock; else from the frame's arrival at this node,
    on the steady clock (the node's own part), and ``measured_from`` says why: a zero
    stamp (the capture time is unknown), or ``other_clock``, e.g. ``use_sim_time`` (ROS
    time is a bag's ``/clock``, which stands still while the bag is paused or stepped:
    latency read 0.0 for every frame, field report; runs at the play rate: ``--rate
    0.2`` read a fifth of the truth) or stamps on the time since boot (read 1.7e9 s), or
    a stamp ahead of ``now_ros`` (another machine's clock ahead of this one).

    :param stamp: the frame's header stamp (s; 0 for none).
    :param now_ros: the node's ROS time now (s).
    :param arrived: when the colour frame arrived (s, the steady clock of ``now_steady``).
    :param now_steady: the steady clock now (s).
    :param other_clock: why the stamp is not on the node's running clock ('' when it is).
    :return: ``(seconds, 'stamp')`` or ``(seconds, 'arrival (<why>)')``.
    """
    why = 'zero stamps' if stamp == 0 else other_clock
    if not why and now_ros < stamp:
        # Stamped after the answer: the camera's clock is ahead of this node's (two
        # machines not synced). Its "latency" was negative (helper-50, helper-51: -0.79 s
        # at 0.8 s ahead, -3598 s at an hour), which no latency is.
        why = "stamps ahead of this node's clock"
    if not why:
        return now_ros - stamp, 'stamp'
    return now_steady - arrived, f'arrival ({why})'


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


class HeldSince:
    """Whether a condition has held, without a break, for at least ``grace`` seconds.

    One clock per key: :meth:`held` starts it the first time a key is reported and
    answers from then on; :meth:`clear` stops it when the condition breaks, and
    :meth:`keep_only` forgets keys that are gone (topics that left the graph), so a
    long-lived node's table does not grow with every name it ever saw.

    :param grace: seconds (float) the condition must hold.
    """

    def __init__(self, grace):
        self.grace = grace
        self._since = {}

    def held(self, key, now):
        """Report ``key``'s condition at ``now`` (seconds); return whether it held ``grace``."""
        return now - self._since.setdefault(key, now) >= self.grace

    def clear(self, key):
        """Stop ``key``'s clock: the condition broke; it starts again at the next :meth:`held`."""
        self._since.pop(key, None)

    def keep_only(self, keys):
        """Forget every key not in ``keys`` (an iterable)."""
        keep = set(keys)
        for k in [k for k in self._since if k not in keep]:
            del self._since[k]

    def __len__(self):
        return len(self._since)


class RecheckedFinding:
    """When a costly check of the input is due, and what its last run found.

    The node's depth_kind and image_up checks (``node._check_depth_kind``,
    ``node._check_image_up``: 10-120 ms a run, too much for every frame) run on the first
    ``first`` frames, then again every ``recheck`` seconds while a finding stands, so a
    finding that input from another source no longer bears out goes; none stands, none
    runs. :meth:`reset` starts them afresh (a setting changed, the inputs opened again).

    A run counts when it begins (:meth:`begin`), not when it is found due: the node asks
    :meth:`due` as it reads a frame and runs the checks after the answer, and a frame that
    fails in between (counted as frames_failed) used up one of the first runs.

    Thread-safe: the worker runs the checks while the executor thread resets them; a run
    that began before a reset (on input read under the old setting) leaves nothing.

    :param first: frames (int) checked from the start and after each reset.
    :param recheck: seconds (float) between runs while a finding stands.
    """

    def __init__(self, first, recheck):
        self.first = first
        self.recheck = recheck
        self._lock = threading.Lock()
        self._runs = 0
        self._finding = None
        self._at = 0.0
        self._generation = 0

    def due(self, now):
        """Return a token for :meth:`begin` when a run is due at ``now`` (seconds), else None.

        Uses nothing up: it stays due until a run begins (:meth:`begin`).
        """
        with self._lock:
            if self._runs < self.first or (
                    self._finding is not None and now - self._at >= self.recheck):
                return self._generation
            return None

    def begin(self, token, now):
        """Count the run that :meth:`due` gave ``token``, beginning at ``now`` (seconds).

        :return: whether it is to run (False when a :meth:`reset` came since: its input
            was read under the old setting).
        """
        with self._lock:
            if token != self._generation:
                return False
            self._runs += 1
            self._at = now  # one rerun a period, even before it is found
            return True

    def found(self, token, finding, now):
        """Keep the finding of the run that :meth:`due` gave ``token`` (None: nothing found).

        :return: whether it was kept (False when a :meth:`reset` came since).
        """
        with self._lock:
            if token != self._generation:
                return False
            self._finding, self._at = finding, now
            return True

    @property
    def finding(self):
        """The last run's finding (whatever the caller gave :meth:`found`), or None."""
        return self._finding

    def reset(self):
        """Forget the runs and the finding: the next ``first`` frames are checked again."""
        with self._lock:
            self._runs, self._finding, self._generation = 0, None, self._generation + 1


OK, WARN, ERROR = 0, 1, 2  # diagnostic_msgs/DiagnosticStatus levels
STREAMS = ('colour', 'depth', 'camera_info')
# What a /diagnostics value says while there is no data for it, whatever the key: the one
# spelling that float() and C++'s std::stod read (as not-a-number), so a numeric key always
# parses and a consumer tests one string. diagnostic_updater sets no convention for values
# (its TimeStampStatus leaves them out); before, keys said nan, n/a, never or ''.
NO_DATA = 'nan'


class Health:
    """Thread-safe record of what the node received, refused, processed and is doing.

    Times are float seconds of one monotonic clock. :meth:`snapshot` turns the record
    into a diagnostics level and message that say what is really happening: input that
    arrives but is refused is reported as refused (with the reason), a frame stuck in a
    pipeline stage is reported by the watchdog (naming the stage), and frames that
    arrive while none completes are an error, not "running".
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = Counter()
        self.rejected = Counter()
        self.input_rate = RateMeter()
        self.processed_rate = RateMeter()
        self.arrival_rate = {s: RateMeter() for s in STREAMS}
        self.latency = LatencyWindow()
        self.latency_from = NO_DATA     # what the last frame's latency was measured from
        self.last_input = None          # last colour frame accepted
        self.last_arrival = {}          # stream -> last message of it (accepted or not)
        self.last_accepted = {}         # stream -> last message of it accepted
        self.last_refusal = {}          # stream -> (time, reason)
        self.last_done = None           # last frame the worker finished (any outcome)
        self.last_completed = None      # last frame that produced an answer
        self.last_skip = None           # (time, reason) of the last frame not answered
        self.first_pending = None       # oldest accepted frame not yet answered
        self.stage = None               # (name, since) while the worker is in a stage
        self.notices = {}               # kind -> (time, text): input oddities (WARN)
        self.qos_event = None           # (time, text) of the last QoS mismatch reported
        self.command_qos_event = None   # (time, text): the same, with a command publisher
        self.output_qos = {}            # output topic -> (time, text, policy): not served
        self.publishers = {}            # stream -> (topic, [publishing node...]) in the graph
        self.last_command = None        # last command message received
        self.command_changes = deque(maxlen=4)  # (text, time) of the command's changes
        self.last_status = NO_DATA
        self.last_reason = NO_DATA

    def count(self, name, n=1):
        """Add ``n`` to the counter ``name`` (reported in diagnostics)."""
        with self._lock:
            self.counts[name] += n

    def reject(self, kind):
        """Count one rejected message of ``kind`` (``image_encoding``, ``command``...)."""
        with self._lock:
            self.rejected[kind] += 1

    def arrived(self, stream, now):
        """Record that a message of ``stream`` (colour, depth, camera_info) arrived."""
        with self._lock:
            self.last_arrival[stream] = now
            self.arrival_rate[stream].tick(now)

    def accepted(self, stream, now):
        """Record that a message of ``stream`` was converted and kept."""
        with self._lock:
            self.last_accepted[stream] = now

    def refused(self, stream, reason, now):
        """Record that a message of ``stream`` was refused for ``reason`` (one line)."""
        with self._lock:
            self.last_refusal[stream] = (now, reason)

    def refusal(self, stream):
        """Return why the last message of ``stream`` was refused, or None if it was kept.

        None too when nothing of ``stream`` was ever refused.
        """
        with self._lock:
            refused = self.last_refusal.get(stream)
            if refused is None or self.last_accepted.get(stream, -1.0) >= refused[0]:
                return None
            return refused[1]

    def refused_since_kept(self, stream, now):
        """Say how long the ``stream`` message in use has been kept past a refused newer one.

        A driver that sends a good camera_info, then one it cannot fill (K and P all zero
        after a mode change or a ``set_camera_info`` call: orbbec/OrbbecSDK_ROS2#94 and
        #171, basler/pylon-ros-camera#75, luxonis/depthai-ros#598), leaves the node posing
        with the last one it accepted; this says so, rather than nothing (or "no 3D pose")
        while poses go on.

        :param stream: ``camera_info`` (any stream with ``accepted``/``refused``).
        :param now: ``time.monotonic()`` in seconds.
        :return: ``(reason the newest was refused, seconds since the kept one arrived)``,
            or None when the newest was kept or none was ever kept.
        """
        reason = self.refusal(stream)
        with self._lock:
            kept = self.last_accepted.get(stream)
        if reason is None or kept is None:
            return None
        return reason, now - kept

    def depth_loss_note(self, now, depth_period=None, share=0.6, min_colour_hz=2.0,
                        min_span=2.5, publishers=None, topic='depth', stop_after=3.0):
        """Say that depth arrives much less often than colour, or has stopped; or None.

        Depth that came with colour and then stopped (none for ``stop_after`` s, or three
        of its stamp periods if longer, while colour goes on) is a stream that died, not
        images lost on the way: a RealSense whose depth stops after minutes while colour
        goes on (realsenseai/realsense-ros#2897, #434), a depth node or bag that ended.
        It was told "lost on the way or published slower" with the Fast DDS profile to
        export, a transport that had carried every depth image until then. It is now said
        to have stopped, how long ago, and whether ``topic`` still has a publisher
        (``publishers``: the graph's count, None when unknown): a camera that stopped
        sending, or a publisher gone. Depth that never arrived on a topic nothing
        publishes (an RGB-only camera, a depth remap to a topic of another name) is said
        to be so, with the remap and ``use_depth:=false``: it was told "lost on the way"
        with the Fast DDS profile to export (helper-90).

        A frame answered without depth says only that no depth paired with it. When the
        depth stream also arrives at under ``share`` of the colour rate (sliding 5 s
        window), images are being lost on the way, or the camera publishes depth slower:
        the usual cause is large best-effort messages over a DDS transport that drops
        them (a new user's own publisher without the shipped Fast DDS profile: depth at
        half the colour rate, one frame in three answered without depth; trial 33).

        Depth whose stamps are as far apart as its arrivals (``depth_period`` times the
        depth arrival rate at least 0.8) is published at that rate and none is lost: not
        named (the no-depth reason says what to do:
        :meth:`~clip_perception.sync.FrameSync.beyond_slop`). Before, a RealSense's depth
        at 6 fps beside colour at 30 was blamed on the transport.

        Both rates rest on at least ``min_span`` seconds of arrivals (depth that has not
        arrived at all in the window is judged over the colour span). Before, the first
        second of a stream was enough: a depth topic matched a moment after the colour
        topic, on a busy machine, read "depth arrives at 3.5 Hz, colour at 6.3 Hz" with
        each frame's depth arriving (CI of 274c200, a bag at --rate 5), and the log line,
        said once, stayed wrong for the whole run.

        :param now: monotonic time (s).
        :param depth_period: the median gap (s) between depth stamps
            (:meth:`~clip_perception.sync.FrameSync.depth_period`), or None.
        :param share: depth rate under this share of the colour rate is named.
        :param min_colour_hz: below this colour rate (Hz) the rates say too little to
            compare (the stopped and unpublished notes need only colour going on).
        :param min_span: seconds of arrivals each rate must rest on; under it, None.
        :param publishers: publishers of the depth topic in the ROS graph now, or None.
        :param topic: the depth subscription's topic, as the note names it.
        :param stop_after: seconds without depth (at least) that are a stopped stream.
        :return: one clause for the depth_missing notice, a :class:`DepthNote` (its
            ``kind`` says which note it is), or None.
        """
        with self._lock:
            colour = self.arrival_rate['colour'].rate(now)
            depth = self.arrival_rate['depth'].rate(now)
            colour_span = self.arrival_rate['colour'].span(now)
            depth_span = self.arrival_rate['depth'].span(now) or colour_span
            last_depth = self.last_arrival.get('depth')
        silent = None if last_depth is None else now - last_depth
        # Neither a stopped stream nor a topic nothing publishes rests on a rate: colour
        # going on at any rate is enough (a stream throttled to 1-2 Hz for CLIP was told
        # nothing: helper-96); a stream is stopped after three colour periods too.
        if silent is not None and colour > 0 and \
                silent > max(stop_after, 3 * (depth_period or 0.0), 3 / colour):
            return DepthNote(depth_stopped_note(silent, colour, publishers, topic),
                             'depth_stopped')
        if min(colour_span, depth_span) < min_span:
            return None
        if last_depth is None and publishers == 0 and colour > 0:
            return DepthNote(depth_unpublished_note(colour, topic), 'depth_unpublished')
        if colour < min_colour_hz or depth >= share * colour or (
                depth_period is not None and depth * depth_period >= 0.8):
            return None
        return DepthNote(
            f'depth arrives at {depth:.1f} Hz, colour at {colour:.1f} Hz: depth images are '
            'lost on the way or published slower; large best-effort messages need a '
            'transport that carries them (Fast DDS: export '
            'FASTRTPS_DEFAULT_PROFILES_FILE=<prefix>/share/clip_perception/config/'
            'fastdds_large_data.xml for the camera driver and the node, README "On a '
            'robot")', 'depth_loss')

    def clear_notice(self, kind):
        """Forget the notice of ``kind`` at once: the input no longer has that problem.

        For a problem a frame shows or not (a grey image): one such frame among colour
        ones must not keep /diagnostics at WARN for ``input_timeout``.
        """
        with self._lock:
            self.notices.pop(kind, None)

    def notice(self, kind, text, now, level=WARN, standing=False):
        """Record what is wrong with the input now (reported while it lasts).

        :param kind: one key per kind of problem; a newer notice of a kind replaces it.
        :param level: ``WARN`` for what is worked around, ``ERROR`` for what stops answers.
        :param standing: reported until :meth:`clear_notice`, not for ``input_timeout``
            after ``now``: for what the parameters say, which no frame renews (a
            ``depth_wait`` not below ``max_frame_age`` left /diagnostics after
            ``input_timeout`` while it still made every frame waiting for depth stale).
        """
        with self._lock:
            self.notices[kind] = (None if standing else now, text, level)

    def frame_in(self, now):
        """Record an accepted colour frame (it goes on to pairing and the worker)."""
        with self._lock:
            self.counts['frames_received'] += 1
            self.input_rate.tick(now)
            self.last_input = now
            self.last_accepted['colour'] = now
            self.last_arrival['colour'] = max(self.last_arrival.get('colour', now), now)
            if self.first_pending is None:
                self.first_pending = now

    def enter_stage(self, name, now):
        """Record that the worker entered stage ``name`` (None: it left the pipeline)."""
        with self._lock:
            self.stage = None if name is None else (name, now)

    def frame_skipped(self, now, reason):
        """Record a frame the worker finished without an answer (stale, failed...)."""
        with self._lock:
            self.last_done = now
            self.last_skip = (now, reason)

    def frame_idle(self, now):
        """Record a frame the worker finished with no command to look for."""
        with self._lock:
            self.counts['frames_idle'] += 1
            self.last_done = now
            self.first_pending = None

    def frame_done(self, now, latency, status, reason, latency_from='stamp'):
        """Record a frame the worker answered (``status`` found, not_found, ...).

        :param latency_from: what ``latency`` is measured from (:func:`frame_latency`).
        """
        with self._lock:
            self.counts['frames_processed'] += 1
            self.processed_rate.tick(now)
            self.latency.add(latency)
            self.latency_from = latency_from
            self.last_status = status
            self.last_reason = reason
            self.last_done = self.last_completed = now
            self.first_pending = None

    def command_answered(self, status, reason):
        """Record an answer to a command, not a frame (``cancelled``, ``rejected``, ...).

        ``last_status`` and ``last_reason`` say the last answer published: after a cancel
        they said the last frame's (``refused``, its reason) while the node was idle
        (trial 38).
        """
        with self._lock:
            self.last_status = status
            self.last_reason = reason

    def snapshot(self, now, input_timeout, watchdog_timeout=0.0):
        """Return ``(level, message, [(key, value)...])``; level 0 OK, 1 WARN, 2 ERROR.

        :param input_timeout: seconds without a colour frame that count as stale input.
        :param watchdog_timeout: seconds a frame may spend in one stage, or accepted
            frames may go unanswered, before it is an error (0 disables the watchdog).
        """
        with self._lock:
            med, p95 = self.latency.stats()
            stale = self.last_input is None or now - self.last_input > input_timeout
            values = [
                ('input_rate_hz', f'{self.input_rate.rate(now):.2f}'),
                ('processing_rate_hz', f'{self.processed_rate.rate(now):.2f}'),
                ('latency_median_ms', f'{1000 * med:.1f}'),
                ('latency_p95_ms', f'{1000 * p95:.1f}'),
                ('latency_from', self.latency_from),
                ('input_stale', str(stale).lower()),
                ('seconds_since_input', NO_DATA if self.last_input is None
                 else f'{now - self.last_input:.2f}'),
                ('last_status', self.last_status),
                ('last_reason', self.last_reason),
                ('stage', self.stage[0] if self.stage else 'idle'),
            ]
            for name in ('frames_received', 'frames_processed', 'frames_dropped',
                         'frames_stale', 'frames_failed', 'frames_idle',
                         'frames_superseded', 'frames_reanswered', 'commands_received',
                         'commands_rejected', 'commands_repeated', 'commands_superseded',
                         'commands_alternating',
                         'frames_zero_stamp', 'frames_negative_stamp', 'frames_nanosec_invalid',
                         'depth_nanosec_invalid',
                         'frames_empty_frame_id', 'frames_not_optical_frame_id',
                         'frames_future_stamp',
                         'frames_stamp_backwards', 'frames_age_unknown', 'frames_boot_clock',
                         'frames_sim_clock', 'frames_clock_behind_loop', 'frames_no_colour',
                         'frames_swap_red_blue_no_colour',
                         'depth_zero_stamp', 'depth_negative_stamp', 'frames_stamp_repeated',
                         'depth_stamp_repeated',
                         'frames_depth_lagging', 'frames_depth_leading',
                         'frames_depth_beyond_slop', 'frames_out_of_order',
                         'frames_duplicate', 'frames_held', 'frames_latched',
                         'frames_side_by_side', 'frames_over_under', 'frames_stereo_swapped',
                         'depth_other_frame', 'depth_disparity_topic',
                         'frames_info_other_frame', 'frames_info_off_centre',
                         'frames_old_camera_info', 'frames_info_scaled',
                         'frames_depth_resampled', 'depth_byte_order_swapped',
                         'frames_depth_kind_suspect', 'frames_image_up_suspect',
                         'frames_depth_mirrored_suspect',
                         'frames_rectified', 'frames_not_rectified', 'frames_rows_turned',
                         'frames_columns_turned',
                         # Messages read otherwise than they say (node._read_otherwise).
                         'colour_encoding_name', 'depth_encoding_name',
                         'depth_encoding_unset', 'colour_encoding_unset',
                         'depth_colour_floats', 'depth_carla_code',
                         'colour_step_unset',
                         'depth_step_unset', 'colour_step_wrong', 'depth_step_wrong',
                         'colour_buffer_size', 'colour_planar_422', 'colour_pixel_size',
                         'colour_bayer_mosaic',
                         'colour_base64', 'depth_base64',
                         'colour_compressed_format', 'depth_compressed_format',
                         'colour_compressed_payload', 'colour_compressed_in_raw',
                         'colour_compressed_base64', 'depth_compressed_base64',
                         'colour_compressed_leading_bytes',
                         'depth_depth_transport', 'depth_negative', 'depth_far_plane',
                         'depth_far_median', 'depth_quantisation_range',
                         'depth_signed', 'depth_item_size', 'depth_camera_units_under_planes',
                         'colour_depth_encoding', 'colour_yuv_order', 'colour_byte_order',
                         'colour_float_range', 'colour_bit_depth', 'depth_bit_depth',
                         'depth_mono16',
                         'camera_info_units', 'camera_info_projection', 'camera_info_roi_size',
                         'camera_info_rotation', 'camera_info_no_lens',
                         'camera_info_binned_k', 'camera_info_binned_size',
                         'camera_info_binning_not_applied',
                         'camera_info_resolution',
                         'camera_info_rows_bottom_up', 'camera_info_columns_right_to_left',
                         'camera_info_one_fov', 'camera_info_distortion',
                         'camera_info_transposed', 'camera_info_scaled_matrix',
                         'frames_unchanged', 'crops_encoded', 'crops_reused'):
                values.append((name, str(self.counts[name])))
            crops = self.counts['crops_encoded'] + self.counts['crops_reused']
            values.append(('crops_reused_share', f'{self.counts["crops_reused"] / crops:.3f}'
                           if crops else NO_DATA))
            values.append(('messages_rejected', str(sum(self.rejected.values()))))
            for kind, n in sorted(self.rejected.items()):
                values.append((f'rejected_{kind}', str(n)))
            for stream in STREAMS:
                if stream in self.last_refusal:
                    values.append((f'last_refusal_{stream}', self.last_refusal[stream][1]))
            problems = self._problems(now, input_timeout, watchdog_timeout)
        if not problems:
            return OK, 'running', values
        problems.sort(key=lambda p: -p[0])
        return problems[0][0], '; '.join(text for _, text in problems), values

    def qos_incompatible(self, text, now):
        """Record a QoS mismatch with a camera publisher (an event DDS reports once).

        It stays in the stale-input message until a colour frame arrives after it.
        """
        with self._lock:
            self.qos_event = (now, text)

    def command_arrived(self, now):
        """Count a command message received (any text) at ``now``."""
        with self._lock:
            self.counts['commands_received'] += 1
            self.last_command = now

    def command_changed(self, text, now):
        """Record that the command became ``text`` at ``now``; return :func:`command_flips`.

        A change that takes turns with the one before is counted in
        ``commands_alternating``.
        """
        with self._lock:
            self.command_changes.append((text, now))
            pair = command_flips(list(self.command_changes))
            if pair is not None:
                self.counts['commands_alternating'] += 1
            return pair

    def command_qos_incompatible(self, text, now):
        """Record a QoS mismatch with a command publisher (an event DDS reports once).

        Its commands are never delivered, so it is a WARN in diagnostics until a command
        arrives after it, or the publisher is gone (:meth:`command_qos_gone`).
        """
        with self._lock:
            self.command_qos_event = (now, text)

    def command_qos_pending(self, now, settle=2.0):
        """Whether a command QoS mismatch is still named, and older than ``settle`` s.

        The node then asks the ROS graph whether the publisher is still there
        (:meth:`command_qos_gone`): DDS reports a mismatch when it matches, never when the
        publisher leaves. ``settle`` gives the graph time to list a publisher it has just
        reported.
        """
        with self._lock:
            event = self._open_command_qos()
            return event is not None and now - event[0] >= settle

    def _open_command_qos(self):
        """Return the command QoS mismatch ``(time, text)`` no command answered since, or None."""
        event = self.command_qos_event
        if event is None or (self.last_command is not None and self.last_command >= event[0]):
            return None
        return event

    def command_qos_gone(self):
        """Forget the command QoS mismatch: no publisher with that QoS is left."""
        with self._lock:
            self.command_qos_event = None

    def graph_publishers(self, stream, topic, nodes):
        """Record the nodes that publish ``stream``'s ``topic`` now (from the ROS graph).

        A stale input then says whether anything still publishes it
        (:func:`stale_input_note`).
        """
        with self._lock:
            self.publishers[stream] = (topic, list(nodes))

    def output_qos_incompatible(self, topic, text, now, policy=''):
        """Record that a subscription to the output ``topic`` requests a QoS it cannot get.

        DDS reports it once, when the two match; it is a WARN in diagnostics until
        :meth:`output_qos_gone` says no such subscription is left, its text renewed by
        :meth:`output_qos_renamed` as consumers come and go.

        :param policy: the incompatible policy's name (``DURABILITY``...), handed back by
            :meth:`output_qos_pending` to write the text again.
        """
        with self._lock:
            self.output_qos[topic] = (now, text, policy)

    def output_qos_pending(self, now, settle=2.0):
        """Return ``[(topic, policy)]`` of the QoS mismatches named over ``settle`` s ago.

        Before ``settle`` the graph may not list the subscription DDS matched yet.
        """
        with self._lock:
            return [(t, policy) for t, (when, _, policy) in self.output_qos.items()
                    if now - when >= settle]

    def output_qos_renamed(self, topic, text):
        """Replace the text of ``topic``'s QoS mismatch (the consumers the graph lists now).

        DDS reports a mismatch once per match, never when a consumer leaves or when
        discovery names it later: without this the first text stayed, naming consumers
        that had gone, or ``a subscription`` that had a name since.

        :return: whether the text changed (False when ``topic`` has no mismatch recorded).
        """
        with self._lock:
            if topic not in self.output_qos:
                return False
            when, old, policy = self.output_qos[topic]
            self.output_qos[topic] = (when, text, policy)
            return text != old

    def output_qos_gone(self, topic):
        """Forget the QoS mismatch on the output ``topic``: its subscription has left."""
        with self._lock:
            self.output_qos.pop(topic, None)

    def _qos_note(self, last_colour):
        event = self.qos_event
        if event is None or (last_colour is not None and last_colour >= event[0]):
            return ''
        return f' ({event[1]})'

    def _refusing(self, stream, now, window):
        """Return why ``stream`` is refused, if it arrives and nothing of it is kept."""
        arrival = self.last_arrival.get(stream)
        refusal = self.last_refusal.get(stream)
        if arrival is None or refusal is None or now - arrival > window:
            return None
        kept = self.last_accepted.get(stream)
        if kept is not None and (kept >= refusal[0] or now - kept <= window):
            return None
        return refusal[1]

    def _problems(self, now, input_timeout, watchdog):
        out = []
        if watchdog > 0 and self.stage is not None and now - self.stage[1] > watchdog:
            out.append((ERROR, f'watchdog: a frame has been in stage "{self.stage[0]}" for '
                        f'{now - self.stage[1]:.1f} s (watchdog_timeout {watchdog:g} s); '
                        'newer frames are dropped'))
        colour = self._refusing('colour', now, input_timeout)
        if colour is not None:
            rate = self.arrival_rate['colour'].rate(now)
            out.append((ERROR, f'colour frames arrive ({rate:.1f} Hz) but are refused: '
                        f'{colour}'))
        elif 'colour' not in self.last_arrival:
            out.append((WARN, 'waiting for the first colour frame' + self._qos_note(None)))
        elif now - self.last_arrival['colour'] > input_timeout:
            out.append((WARN, 'input stale: no colour frame for '
                        f'{now - self.last_arrival["colour"]:.1f} s' +
                        stale_input_note(*self.publishers.get('colour', (None, None))) +
                        self._qos_note(self.last_arrival['colour'])))
        elif (watchdog > 0 and self.stage is None and self.first_pending is not None
              and now - self.first_pending > watchdog):
            why = (f': {self.last_skip[1]}' if self.last_skip is not None
                   and self.last_skip[0] >= self.first_pending else '')
            out.append((ERROR, 'colour frames arrive but none was answered in '
                        f'{now - self.first_pending:.1f} s{why}'))
        for stream, effect in (('depth', 'frames go on without depth'),
                               ('camera_info', 'no 3D pose without intrinsics')):
            reason = self._refusing(stream, now, input_timeout)
            kept = self.last_accepted.get(stream)
            if reason is not None and stream == 'camera_info' and kept is not None:
                effect = ('poses use the last accepted camera_info, received '
                          f'{now - kept:.1f} s ago')
            if reason is not None:
                out.append((WARN, f'{stream} refused: {reason}; {effect}'))
        event = self._open_command_qos()
        if event is not None:
            out.append((WARN, event[1]))
        for _, (_, text, _) in sorted(self.output_qos.items()):
            out.append((WARN, text))
        for _, (when, text, level) in sorted(self.notices.items()):
            if when is None or now - when <= input_timeout:
                out.append((level, text))
        return out


# What a stream's subscription type is published as under each transport, and the
# parameter that picks it.
_TRANSPORTS = {
    'colour': ('image_transport', {'sensor_msgs/msg/Image': 'raw',
                                   'sensor_msgs/msg/CompressedImage': 'compressed'}),
    'depth': ('depth_transport', {'sensor_msgs/msg/Image': 'raw',
                                  'sensor_msgs/msg/CompressedImage': 'compressedDepth'}),
}


# image_transport plugins whose messages this node cannot decode, by the name of the
# transport topic they publish under the base topic (``<base>/theora``): a camera or bag
# that has only these leaves the node deaf (ros-perception/image_transport_plugins#4 and
# realsenseai/realsense-ros#991: ``image_raw/theora``; daniilidis-group/
# ffmpeg_image_transport#3: only ``image/ffmpeg`` sent to the remote machine). zstd
# (ros-drivers/usb_cam#340: Jazzy's usb_cam adds ``.../zstd``) is decoded
# (``image_transport:=zstd``); its messages are ``CompressedImage`` too, so the topic's
# name, not the type, tells them from ``compressed`` (:func:`_transport_of`).
UNDECODABLE_TRANSPORTS = ('theora', 'ffmpeg', 'h264', 'foxglove')


def _transport_of(stream, topic, kind):
    """Return the transport parameter's value for ``stream`` published as ``kind`` on ``topic``.

    Depth as ``CompressedImage`` is either image_transport transport, told by the topic's
    last name: ``<depth>/compressed`` (a 16-bit PNG, the RealSense and Orbbec drivers'
    way) or ``<depth>/compressedDepth``. ``<base>/zstd`` is the zstd transport, of
    either stream.
    """
    if kind == 'sensor_msgs/msg/CompressedImage' and topic.rpartition('/')[2] == 'zstd':
        return 'zstd'
    if stream == 'depth' and kind == 'sensor_msgs/msg/CompressedImage' and \
            topic.rpartition('/')[2] == 'compressed':
        return 'compressed'
    return _TRANSPORTS[stream][1][kind]


def nearby_topic(topic, want, graph):
    """Return a topic of ``graph`` carrying ``want`` named as ``topic`` but for a namespace.

    Or but for a typo; None when there is none. realsense-ros 4.x names its topics
    ``/<camera_namespace>/<camera_name>/...``, both ``camera`` by default:
    ``/camera/camera/color/image_raw``, where every launch file written before remaps
    ``/camera/color/image_raw`` (realsenseai/realsense-ros#2857; introlab/rtabmap_ros#1224:
    "the examples don't work anymore"); a launch file's namespace puts a node's relative
    topics under it, and a remap's target can be misspelt (``/camera/colour/image_raw``);
    each leaves the node remapped to a topic the camera does not publish, and nothing is
    received (v4rl-ucy/covins#44). Such a topic ends in the same two or more name components
    (``color/image_raw``), or differs by a typo (``difflib`` ratio at least 0.9).

    :param topic: the subscription's fully qualified topic, on which nothing is published.
    :param want: the type it subscribes, as the graph names it.
    :param graph: ``{topic: [type, ...]}`` of the graph's topics, without the node's own.
    :return: the nearest such topic (most components in common, then the closest name).
    """
    mine = topic.strip('/').split('/')
    best = None
    for other, types in sorted(graph.items()):
        if other == topic or want not in types:
            continue
        theirs = other.strip('/').split('/')
        tail = 0
        while tail < min(len(mine), len(theirs)) and mine[-1 - tail] == theirs[-1 - tail]:
            tail += 1
        score = (tail, difflib.SequenceMatcher(None, topic, other).ratio())
        if (tail >= 2 or score[1] >= 0.9) and (best is None or score > best[0]):
            best = (score, other)
    return None if best is None else best[1]


DISPARITY_TYPE = 'stereo_msgs/msg/DisparityImage'


def disparity_note(topic):
    """Say that the depth topic's name says it carries disparity, or None.

    A stereo pipeline publishes disparity (pixels of shift between the two images) beside
    or instead of depth: as stereo_msgs/DisparityImage (stereo_image_proc's
    ``disparity``, the ZED wrapper's ``disparity/disparity_image``), which never matches
    this node's subscription (:func:`wiring_note` says it is not depth), or as a plain
    32FC1 or 16UC1 sensor_msgs/Image (a stereo node's ``stereo/disparity``). Remapped to
    ``depth`` as an Image, a 25 px disparity read as 25 m (or 25 mm) of depth, every pose
    along its ray wrong, with nothing said: no check on the values alone tells the two
    apart. Depth is ``f * T / d`` (f the focal length in px, T the baseline in m, d the
    disparity in px).

    :param topic: the depth subscription's resolved topic; an image_transport
        ``/compressed``, ``/compressedDepth`` or ``/zstd`` child is judged by its base
        topic.
    :return: one line naming the topic and what to remap, or None when the base topic's
        last name does not say disparity, or says depth too
        (``/stereo/depth_from_disparity``).
    """
    base = topic
    for child in ('/compressedDepth', '/compressed', '/zstd'):
        base = base[:-len(child)] if base.endswith(child) else base
    last = base.rpartition('/')[2].lower()
    if 'disparity' not in last or 'depth' in last:
        return None
    return (f'depth is read from {topic}, whose name says disparity: a disparity image '
            'holds pixel shifts between the stereo images, not distances, and read as '
            'depth every pose is wrong (depth = f * T / d, with the focal length f in px '
            "and the baseline T); remap depth to the camera's depth image (e.g. "
            '.../stereo/depth or .../depth/image_rect_raw)')


def wiring_note(stream, topic, want, published, graph=None):
    """Say why a subscription that has received nothing cannot receive anything, or None.

    DDS never matches a publisher and a subscription of different types, and says
    nothing about it. Two wirings leave an input deaf that way: its topic is published
    with another type (``image`` remapped to ``.../image_raw/compressed`` with the raw
    transport), or nothing is published on it but its stream is, under a transport
    topic of another type (a bag with only ``image_raw/compressed``; the compressed
    transport beside a camera that publishes raw only).

    :param stream: ``colour``, ``depth`` or ``camera_info``.
    :param topic: the subscription's fully qualified topic.
    :param want: its type as the ROS graph names it (``sensor_msgs/msg/Image``).
    A third: the stream is published only under a transport this node cannot decode
    (:data:`UNDECODABLE_TRANSPORTS`: ``<base>/theora``, ``<base>/ffmpeg``...); the note
    names it and the republish that makes it raw.

    A fourth: nothing is published on it, but its type is on a topic of nearly its name
    (:func:`nearby_topic`: another namespace, a typo); the note names the remap to make.

    :param published: ``{topic: [type, ...]}`` of ``topic`` and the transport topics
        looked at (its ``/compressed`` and, for depth, ``/compressedDepth`` children, or
        its base, and the
        base's children of :data:`UNDECODABLE_TRANSPORTS`).
    :param graph: ``{topic: [type, ...]}`` of the graph's other topics (not the node's
        own), or None: for the fourth.
    :return: one line naming the topics, the types and the parameter to set.
    """
    param, kinds = _TRANSPORTS.get(stream, (None, {}))
    here = sorted(set(published.get(topic, ())) - {want})
    if here:
        fix = (f'; set {param}:={_transport_of(stream, topic, here[0])}'
               if here[0] in kinds and param else
               f'; remap {stream if stream != "colour" else "image"} to a {want} topic')
        if stream == 'depth' and here[0] == DISPARITY_TYPE:
            fix += (" (disparity is pixel shifts, not depth: the camera's depth image, or "
                    'depth computed as f * T / d)')
        return (f'{stream} never arrives: {topic} is published as {", ".join(here)} but '
                f'the node subscribes {want} there{fix}')
    if published.get(topic):
        return None
    remap = 'image' if stream == 'colour' else stream
    undecodable = []
    subscribed = _transport_of(stream, topic, want) if want in kinds else None
    for other, types in sorted(published.items()):
        if other != topic and types and other.rpartition('/')[2] in UNDECODABLE_TRANSPORTS:
            undecodable.append((other, types))
            continue
        # Another transport than the one subscribed (a CompressedImage of <base>/zstd
        # beside a subscription of <base>/compressed is one).
        usable = [t for t in types
                  if t in kinds and _transport_of(stream, other, t) != subscribed]
        if other != topic and usable:
            transport = _transport_of(stream, other, usable[0])
            base = other if transport == 'raw' else other.rpartition('/')[0]
            return (f'{stream} never arrives: nothing is published on {topic}, but {other} '
                    f'is ({usable[0]}): set {param}:={transport} (with -r {remap}:={base})')
    if undecodable:
        other, types = undecodable[0]
        base, _, name = other.rpartition('/')
        packed = 'compressed' if stream == 'colour' else 'compressedDepth'
        return (f'{stream} never arrives: nothing is published on {topic}, but {other} is '
                f'({types[0]}), the {name} image transport, which this node cannot decode: '
                f'republish it raw first (image_transport republish, in_transport {name}, '
                f'out_transport raw, -r in/{name}:={other}) and remap {remap} to its output, '
                f'or have the camera publish {base} or {base}/{packed}')
    near = nearby_topic(topic, want, graph or {}) if stream != 'camera_info' else None
    if near is not None:
        target = near if want == 'sensor_msgs/msg/Image' else near.rpartition('/')[0]
        return (f'{stream} never arrives: nothing is published on {topic}, but {near} is '
                f'({want}), a topic of nearly that name (another namespace, or a typo): '
                f'remap {remap}:={target} if it is this camera')
    return None


# A change of command that goes back to the command before the one it replaces, twice
# within this many seconds, is two senders taking turns, not a user changing their mind.
COMMAND_FLIP_WINDOW = 10.0


def command_flips(changes, window=COMMAND_FLIP_WINDOW):
    """Return the two commands that take turns at the end of ``changes``, or None.

    A ``ros2 topic pub -r 1`` left running in another terminal beside a planner, two
    voice front ends, a GUI that republishes its last command: each change restarts the
    target, and the answers flip between two objects while each sender sees its own
    command answered half the time. Said when the last two changes each went back to
    the command two before it, both within ``window`` seconds of that one (A, B, A, B).

    :param changes: ``[(text, time), ...]`` of the command's changes, oldest first;
        times in seconds on one monotonic clock.
    :param window: seconds, :data:`COMMAND_FLIP_WINDOW`.
    :return: ``(a, b)``: the command before the last and the last, or None.
    """
    if len(changes) < 4:
        return None
    back = [changes[i][0] == changes[i - 2][0] and
            changes[i][1] - changes[i - 2][1] <= window for i in (-1, -2)]
    return (changes[-2][0], changes[-1][0]) if all(back) else None


def command_flips_note(topic, pair, senders):
    """Say that two commands take turns on ``topic`` (:func:`command_flips`).

    :param topic: the command subscription's fully qualified topic.
    :param pair: ``(a, b)`` from :func:`command_flips`.
    :param senders: the nodes publishing on ``topic`` (:func:`publisher_node` names).
    :return: one line.
    """
    who = (f'{len(senders)} publishers: {", ".join(sorted(senders))}' if len(senders) > 1
           else f'publisher {senders[0]}' if senders else 'a publisher no longer on the graph')
    return (f'commands on {topic} take turns: "{pair[0]}", "{pair[1]}", then back, within '
            f'{COMMAND_FLIP_WINDOW:g} s ({who}); each change restarts the target, so the '
            'answers flip between the two: stop the sender that should not be sending (a '
            '`ros2 topic pub` left running repeats its command every second)')


# What to change on the consumer's side, per QoS policy a subscription to an output can
# request and the node's publishers do not offer (reliable, volatile but for
# ``~/active_command``, no deadline, automatic liveliness, no lease).
_OUTPUT_QOS_FIXES = {
    'DURABILITY': ("subscribe it volatile (the default; RViz: the display's Durability "
                   'Policy; ros2 topic echo without --qos-durability); the node latches '
                   'no output but ~/active_command'),
    'DEADLINE': ('subscribe it without a deadline: outputs come once per answered frame, at '
                 "the camera's rate, and none while idle; watch /diagnostics or the stamps "
                 'for a stalled node'),
    'LIVELINESS': 'subscribe it with automatic liveliness',
    'LIVELINESS_LEASE_DURATION': 'subscribe it without a liveliness lease duration',
    'RELIABILITY': 'subscribe it reliable or best_effort',
}


def output_qos_note(topic, policy, consumers, asked, offered):
    """Say that a subscription to the output ``topic`` asks a QoS its publisher does not offer.

    DDS never matches such a pair, so the consumer receives nothing, new messages included
    (ros2/rclcpp#2499: a transient_local subscription and a volatile publisher; nav2-style
    pose consumers and RViz displays set to Transient Local ask that: MRPT/mvsim#52,
    ros-industrial/reach_ros2#36). rclpy's own line names the policy but not what to
    change.

    :param topic: the output's resolved topic (``/clip_perception/target_pose``).
    :param policy: the incompatible policy's name, as ``QoSPolicyKind`` spells it
        (``DURABILITY``, ``DEADLINE``...).
    :param consumers: fully qualified names of the nodes whose subscriptions ask it
        (empty while the graph does not list them yet).
    :param asked: what they ask (``transient_local``), or ``''`` when unknown.
    :param offered: what the node's publisher offers (``volatile``), or ``''``.
    :return: one line for the log and /diagnostics.
    """
    who = ', '.join(consumers) if consumers else 'a subscription'
    asks = f' asks {asked}' if asked else ' asks what is not offered'
    offers = f'; the node publishes {offered}' if offered else ''
    fix = _OUTPUT_QOS_FIXES.get(policy, 'subscribe it with the QoS ros2 topic info -v shows '
                                        "for the node's publisher")
    return (f"this node's publisher cannot serve a subscription to {topic} ({policy}: "
            f'{who}{asks}{offers}): it receives nothing; {fix}')


def stale_input_note(topic, nodes):
    """Say whether a colour topic that went quiet still has a publisher: ``''`` if unknown.

    "input stale" alone left a user to find out whether the driver had died or stalled
    (realsenseai/realsense-ros#2685, #3012: the driver's topics stop, the node runs on).

    :param topic: the colour subscription's topic, or None when not looked at yet.
    :param nodes: the nodes publishing it now (fully qualified names).
    :return: a clause starting ``': '``, or ``''``.
    """
    if topic is None:
        return ''
    if not nodes:
        return (f': nothing publishes {topic} any more (the camera driver, or the bag, has '
                'gone)')
    return (f': {topic} is still published by {", ".join(nodes)}, which stopped sending (a '
            'driver that stalled or lost its camera, a paused bag)')


def depth_unpublished_note(colour_hz, topic):
    """Say that no depth has arrived and nothing publishes its topic (:meth:`depth_loss_note`).

    :param colour_hz: colour frames' arrival rate (Hz).
    :param topic: the depth subscription's topic.
    :return: one clause.
    """
    return (f'no depth image has arrived and nothing publishes {topic} (colour frames '
            f'arrive at {colour_hz:.1f} Hz): remap depth to the depth image '
            'aligned to colour (e.g. -r depth:=/camera/aligned_depth_to_color/image_raw), '
            'or set use_depth:=false for a camera without depth')


def info_unpublished_note(topic):
    """Say that nothing publishes the camera_info topic the node subscribes (helper-90).

    Frames were answered in 2D with "no camera_info received yet", nothing naming why:
    a camera_info remap to a topic of another name, or a driver that publishes none.

    :param topic: the camera_info subscription's topic.
    :return: one clause.
    """
    return (f"nothing publishes {topic}: remap camera_info to the colour image's "
            'CameraInfo topic (e.g. -r camera_info:=/camera/color/camera_info; through the '
            'launch file camera_info:=...)')


def depth_stopped_note(silent, colour_hz, publishers, topic):
    """Say that depth has stopped while colour goes on (:meth:`Health.depth_loss_note`).

    :param silent: seconds since the last depth image arrived.
    :param colour_hz: colour frames' arrival rate (Hz).
    :param publishers: publishers of ``topic`` in the ROS graph, or None when unknown.
    :param topic: the depth subscription's topic.
    :return: one clause.
    """
    text = (f'depth stopped: none has arrived for {silent:.1f} s while colour frames '
            f'arrive at {colour_hz:.1f} Hz')
    if publishers == 0:
        return (text + f'; nothing publishes {topic} any more: its publisher has gone (a '
                'depth node or bag that ended, a driver that died)')
    if publishers:
        return (text + f'; {topic} still has {publishers} publisher(s), which sent depth '
                'before: the camera stopped sending it (a RealSense depth stream that '
                'stops while colour goes on, realsense-ros#2897: reset or restart the '
                'camera)')
    return text


def command_topic_note(listened, published):
    """Say that commands are published where the node does not listen, or return None.

    The launch file remaps ``command`` to ``~/command`` (``/clip_perception/command``); a
    node started without it (``ros2 run``, a launch file of one's own) listens on
    ``/command``. A ``ros2 topic pub`` or a voice node on the other name waits for a
    subscriber that never comes, and the node stays idle with /diagnostics "running"
    (field report: 0 answers, nothing said, both ways round).

    :param listened: the command subscription's fully qualified topic.
    :param published: ``{topic: [node, ...]}``: the nodes publishing ``std_msgs/String``
        on ``listened`` and on the other names a command is sent to (the relative
        ``command``, the private ``~/command``, and outside a namespace ``/command`` and
        ``/<node name>/command``).
    :return: one line naming the publishers, both topics and the remap, or None while
        anything publishes on ``listened`` (or nothing on the others).
    """
    if published.get(listened):
        return None
    elsewhere = sorted((topic, nodes) for topic, nodes in published.items()
                       if topic != listened and nodes)
    if not elsewhere:
        return None
    said = '; '.join(f'{", ".join(nodes)} on {topic}' for topic, nodes in elsewhere)
    topic = elsewhere[0][0]
    return (f'commands never arrive: std_msgs/String commands are published ({said}) but '
            f'the node listens for commands on {listened}, where nothing publishes: '
            f'publish on {listened}, or start the node with -r command:={topic} (the launch '
            'file listens on ~/command)')


# What rmw's graph cache (rmw_dds_common GraphCache) reports as a publisher's node name
# and namespace until the participant's ros_discovery_info arrives, and for good for a
# writer that is not a ROS node (a plain DDS application, a bridge without ROS names).
UNKNOWN_NODE_NAME = '_NODE_NAME_UNKNOWN_'
UNKNOWN_NODE_NAMESPACE = '_NODE_NAMESPACE_UNKNOWN_'
UNNAMED_PUBLISHER = 'a participant that DDS has not named (a DDS application, not a ROS node)'


def publisher_node(namespace, name):
    """Return a publisher's (or any graph node's) fully qualified name as a user writes it.

    :param namespace: ``TopicEndpointInfo.node_namespace``, e.g. ``'/'`` or ``'/robot'``.
    :param name: ``TopicEndpointInfo.node_name``.
    :return: ``'/robot/voice'``; :data:`UNNAMED_PUBLISHER` for rmw's placeholders
        (:data:`UNKNOWN_NODE_NAME`), never ``_NODE_NAMESPACE_UNKNOWN_/_NODE_NAME_UNKNOWN_``.
    """
    if name == UNKNOWN_NODE_NAME or namespace == UNKNOWN_NODE_NAMESPACE:
        return UNNAMED_PUBLISHER
    return f'{namespace.rstrip("/")}/{name}'


def namesake_note(node, count, domain):
    """Say that other nodes of this node's name run on its ROS domain, or return None.

    Two nodes of one fully qualified name on one domain subscribe and publish the same
    topics: both answer every command, and their answers interleave on one topic (a
    quick-start node left running beside a launched one, or beside the demo: trial 38).
    ROS 2 does not enforce unique node names (ros2/launch_ros#124); only ``ros2 node
    list`` warns, when someone asks it (ros2/ros2cli#453), and a zombie copy is the
    usual cause (ros/robot_state_publisher#163).

    :param node: this node's fully qualified name, e.g. ``/clip_perception``.
    :param count: how many nodes of that name the graph holds, this one included.
    :param domain: the ``ROS_DOMAIN_ID`` in use (text).
    :return: one line, or None when this node is the only one.
    """
    if count < 2:
        return None
    return (f'{count - 1} other node(s) named {node} run on ROS_DOMAIN_ID {domain}: they '
            'take the same commands and publish on the same topics, so answers from both '
            'arrive; stop the other, or start this one with another name (-r '
            '__node:=name) or another ROS_DOMAIN_ID')


def command_type_note(listened, published):
    """Say that messages of another type are published on the command topic, or None.

    DDS matches a publisher and a subscription only when their types agree, and tells
    neither side when they do not (ros2/ros2#1600; rosnodejs logged "topic types do not
    match", RethinkRobotics-opensource/rosnodejs#55, ROS 2 logs nothing). A voice or
    chat node that publishes ``example_interfaces/msg/String`` (the type of many ROS 2
    courses' talkers, the same one string field), its own transcript message, or a
    ``ros2 topic pub`` with another type on the command topic is never heard: the node
    stays idle, /diagnostics "running".

    :param listened: the command subscription's fully qualified topic.
    :param published: ``[(node, type), ...]``: the publishers on ``listened`` whose type
        is not ``std_msgs/msg/String``, by fully qualified node name.
    :return: one line naming the nodes, their types and what to publish, or None.
    """
    if not published:
        return None
    said = '; '.join(f'{node} as {kind}' for node, kind in sorted(set(published)))
    return (f'commands of another type never arrive: {listened} is published ({said}) but '
            'the node takes std_msgs/msg/String there, and DDS delivers nothing between '
            f'different types: publish std_msgs/msg/String, e.g. ros2 topic pub --once '
            f'{listened} std_msgs/msg/String "{{data: \'the red ball\'}}"')


def publishers_note(published):
    """Say which inputs have more than one publishing node, or return None.

    :param published: ``[(topic, [node, ...]), ...]``: each input's topic and the fully
        qualified names of the nodes publishing it with its type.
    :return: one line naming the topics and nodes, or None when each has one at most.
    """
    groups = {}
    for topic, nodes in published:
        if len(nodes) > 1:
            groups.setdefault(tuple(nodes), []).append(topic)
    if not groups:
        return None
    said = '; '.join(f'{len(nodes)} nodes ({", ".join(nodes)}) publish {", ".join(topics)}'
                     for nodes, topics in groups.items())
    return (f'{said}: their messages are interleaved, so answers switch between their views '
            '(a bag played beside the live camera? a second driver?); stop all but one')
