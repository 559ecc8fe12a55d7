"""Approximate-time pairing of colour, depth and camera_info (message_filters stand-in).

Stamps are float seconds; payloads are opaque; ``now`` is the caller's monotonic clock
at arrival (waiting is about arrival, not stamps: at 1 Hz the previous depth is always a
second older than the next frame). A colour frame is released:

* with the depth image nearest in stamp (within ``slop``) once no closer one can still
  come, as message_filters' ApproximateTime decides: a depth stamped at or after the
  frame has arrived (depth stamps increase, so later ones are farther), or the nearest
  is already closer than the next depth can be (newest depth stamp plus the smallest
  depth period seen). So at 30 Hz with ``slop`` 0.05 s a frame whose own depth is still
  in flight does not take the previous depth, 33 ms off;
* without depth at once when a depth stamped after the frame has arrived and none is
  within ``slop`` (none can come);
* without depth at once when the depth stream's stamps lag the colour stream's by more
  than ``depth_timeout`` (each stream's stamp minus its arrival time, the newest depth
  against the frame: the depth that would pair would arrive only after the wait is
  over). The lag is the depth's extra latency plus any clock offset, and the two cannot
  be told apart, so the reason names both: depth on a clock seconds behind the colour's
  never pairs (waiting for it held every frame ``depth_timeout`` and, at 30 Hz, pushed
  most of them out of the buffer: field report), while depth on the same clock that
  arrives late pairs once ``depth_timeout`` (the node's ``depth_wait``) covers its
  latency;
* else after waiting ``depth_timeout`` since its arrival: with the nearest depth within
  ``slop`` if there is one, else without depth; after a wait without depth the depth
  stream counts as lost and later frames pass at once (no added latency) until a depth
  image arrives again. The node calls :meth:`FrameSync.poll` on a timer for this;

A depth stamped before the newest by up to :data:`BACK_PERIODS` depth periods (at most
``depth_timeout``) arrived out of order (best-effort delivery): it is put in stamp order,
and once one came late, a frame that a later depth settles waits twice that lateness for
its own (with a neighbour's depth within ``slop``, while a depth is missing between the two
either side of it: :meth:`FrameSync._missing_nearer`). A colour frame stamped before one
already released, by up to as many colour periods, is dropped and counted in
``out_of_order``. Depth stamps running ahead of the colour's by more than the wait (two
clocks) are named in the no-depth reason, as lagging ones are
(:meth:`FrameSync.depth_leads`).

A depth stamp earlier than the newest one by more than that (a recording restarted, a
camera reset), or far ahead of it (a clock stepped), starts the depth history afresh, so
depths of another time never pair; so does a colour stamp as far before the newest colour
stamp (a bag played with ``--loop``: its first colour frame arrives before its depth, and
the depths of the loop before, all stamped after it, decided that no nearer one could
come: answered without depth at every loop; a loop shorter than ``depth_timeout`` had all
but its first pass dropped as out of order), once the next colour frame goes on from it
(one frame delivered late, or several delivered late together, is not a new time:
:meth:`FrameSync.add_image`). Colour frames
still waiting for depth then are released at once without it, and the old time's depth
that comes after the step is not kept (:meth:`FrameSync.add_depth`).

A zero stamp on either stream (a driver or republisher that leaves header.stamp empty)
gives nothing to pair by: a colour frame stamped 0, or any colour frame while the newest
depth is stamped 0, pairs by arrival instead, with the newest depth that arrived at most
``depth_timeout`` before it, else with the first depth to arrive within ``depth_timeout``
after it, else (after the wait, as above) without depth. ``slop`` does not apply: arrival
times differ by each stream's latency, not by a stamp tolerance. The README promises this
("zero stamps: depth pairs with the newest"); comparing stamp 0 with real stamps never
paired (field report: a republisher that drops the colour stamp beside a stamped depth
driver gave no pose at all; unstamped depth beside stamped colour went on without depth).

Each colour frame is also released:

* with the camera_info nearest in stamp within ``slop``, else the newest one
  (intrinsics rarely change; drivers that publish camera_info slower or latched still
  work), or None if none has arrived.

Depth images are kept by time, not only by count: every depth that arrived within
``depth_timeout + slop`` of the newest (at least ``buffer`` of them, at most
:data:`MAX_DEPTHS`), for a colour frame that arrives later than its depth. Keeping the
last ``buffer`` (10) alone, as message_filters' ``queue_size`` does, covered 0.11 s of a
90 Hz depth stream: with colour 0.2 s behind its depth (a 30 Hz colour stream beside
90 Hz depth, colour compressed or decoded on the way), the depth of each frame's own
stamp had already been pushed out, and 86 of 90 frames were answered without depth.

Buffers are bounded. When ``buffer`` colour frames already wait, a newly arrived one that
is not released at once takes the place of the newest one waiting, not the oldest: the
oldest is the nearest to its depth (or to the end of its wait). Pushing the oldest out
dropped every frame whenever more frames than ``buffer`` arrive within the wait: at 15 Hz
with depth 0.8 s late, each just before its depth came; with depth gone at 30 Hz, each
before its wait ended, so depth never counted as lost and no frame was answered. Dropping
the new arrival instead (as until session 26) kept a burst's oldest frames only: after a
1 s stall whose 30 frames came together, the node answered the 10th, 0.67 s older than the
newest, whose depth had come. Dropped frames are counted in ``dropped``, as image
pipelines answer the newest frame with a queue of depth 1.
"""

from collections import deque
from dataclasses import dataclass
from dataclasses import replace
import math

import numpy as np

# A stamp this far (s) behind the node's clock and before 2001 cannot be a capture time
# on that clock; it may be one on this machine's time since boot (boot_clock_age).
BOOT_CLOCK_MIN_LAG = 86400.0
BOOT_CLOCK_LATEST = 1e9
# How far (s) a boot-clock stamp may lie behind the boot clock's reading now (a frame
# older than this is not taken for one), and ahead of it (jitter).
BOOT_CLOCK_WINDOW = 60.0
BOOT_CLOCK_AHEAD = 1.0
# Most depth images kept however fast they come (memory: 100 640x480 float32 images are
# 123 MB; a 1280x720 depth stream runs at 30 Hz or less, 16 images per 0.55 s).
MAX_DEPTHS = 100
# The stamp rate (FrameSync.stamp_rate) is measured over this many stamped colour frames,
# once they span this many seconds of arrival: a bag's playback rate, 1 for a camera.
# 0.2 s: six frames at 30 Hz, within the 10-frame buffer that frames wait in meanwhile;
# 120 frames: 0.2 s of a 30 Hz recording played at --rate 15.
RATE_FRAMES = 120
RATE_SPAN = 0.2
# The stamp rate is clamped to [1/MAX_STAMP_RATE, MAX_STAMP_RATE] (a paused or bursting
# player).
MAX_STAMP_RATE = 50.0
# Two frames whose stamp and arrival gaps differ by more than MAX_STAMP_RATE times, the
# longer over RATE_BREAK s, break the measurement: a paused bag
# (arrival runs on, stamps stop), two recordings joined or a camera clock reset (stamps
# jump). Measured across it, a 120 s pause read as rate 0.04 and each 67 ms of stamps
# as a second of depth lag (helper-49).
RATE_BREAK = 1.0


# A stamp earlier than its stream's newest by more than this many of the stream's periods
# (and at most the depth wait) is a new time, not an out-of-order delivery: a recording
# looped or restarted, a clock stepped back. Out-of-order delivery (best-effort over a
# lossy link, usb_cam#259) swaps neighbours; a 0.3 s bag looped under ``depth_wait``
# 0.5 s had every frame after its first pass dropped as out of order (helper-52).
BACK_PERIODS = 3


def _rate_broken(before, after):
    """Whether the stamp rate cannot be measured across two ``(stamp, arrival)`` frames."""
    ds, da = after[0] - before[0], after[1] - before[1]
    if max(ds, da) <= RATE_BREAK:
        return False
    return ds <= 0 or da <= 0 or ds > MAX_STAMP_RATE * da or da > MAX_STAMP_RATE * ds


def boot_clock_age(stamp, lag, clocks):
    """Return a frame's age on this machine's time since boot, or None.

    V4L2 buffer timestamps, libcamera's (camera_ros), SoftKinetic's timeOfCapture and
    TIS cameras count from boot (CLOCK_MONOTONIC, CLOCK_BOOTTIME); drivers that copy them
    into header.stamp publish live frames "stamped in 1970", which a check against the
    node's clock finds decades old (field report: every frame skipped as stale). When
    the stamp lies more than :data:`BOOT_CLOCK_MIN_LAG` behind the node's clock, before
    :data:`BOOT_CLOCK_LATEST`, and within :data:`BOOT_CLOCK_WINDOW` of a boot clock's
    reading now, it is that clock's, and the frame's age is measured on it.

    :param stamp: the frame's stamp, s.
    :param lag: the node's clock now minus ``stamp``, s.
    :param clocks: this machine's boot clocks read now, s (CLOCK_MONOTONIC, CLOCK_BOOTTIME).
    :return: age in s on the first clock that fits, or None.
    """
    if stamp <= 0 or lag < BOOT_CLOCK_MIN_LAG or stamp >= BOOT_CLOCK_LATEST:
        return None
    for now in clocks:
        if -BOOT_CLOCK_AHEAD <= now - stamp <= BOOT_CLOCK_WINDOW:
            return now - stamp
    return None


def simulator_stamp(stamp, lag):
    """Tell whether ``stamp`` is a simulator's time since its start, on a wall-clock node.

    Gazebo's camera plugins stamp with sim time whatever ``use_sim_time`` says
    (gazebo_ros_pkgs issue 1234): beside a node left on the system clock, frames arrive
    "stamped" minutes after 1970, and every one was skipped as decades stale (field
    report). Such a stamp lies before :data:`BOOT_CLOCK_LATEST` and more than
    :data:`BOOT_CLOCK_MIN_LAG` behind a node clock that is itself past it; call this
    for stamps :func:`boot_clock_age` did not take (a boot clock is checked first).

    :param stamp: the frame's stamp, s.
    :param lag: the node's clock now minus ``stamp``, s.
    :return: bool.
    """
    return 0 < stamp < BOOT_CLOCK_LATEST and lag >= BOOT_CLOCK_MIN_LAG and \
        stamp + lag >= BOOT_CLOCK_LATEST


def negative_stamp_note(what, sec):
    """Say that a stamp is before 1970 (a negative ``sec``), or None.

    ``builtin_interfaces/Time`` holds ``sec`` as an int32, but ROS time is never negative:
    rclpy's ``Time`` raises "Seconds value must not be negative" and rclcpp throws
    "cannot store a negative time point" (SICKAG/sick_scan_xd#479: the process died), so
    a stamp copied to the outputs fails in their consumers (realsense-ros#1547: a D455's
    colour at ``sec: -1080631866``, rviz2 crashed). Drivers send them when a 64-bit time
    is cast to the 32-bit field (PRBonn/kinematic-icp#11: ``sec = -2147483648``) or an
    offset is subtracted past zero (cellumation/snapshotter#3). Such a stamp says nothing
    of when a frame was taken, so the node reads it as none: a zero stamp (frames aged
    and paired by arrival, outputs stamped 0). Before, every such colour frame was
    skipped as stale ("stamped 1796630482 s ago ... a recording played without
    --clock"), 0 answers, and such depth never paired with stamped colour.

    :param what: the stream, for the line (``'colour frames'``).
    :param sec: ``header.stamp.sec`` (int).
    :return: one line naming the field and what is done, or None when ``sec`` >= 0.
    """
    if sec >= 0:
        return None
    return (f'{what} carry a negative header.stamp (sec {sec}): a time before 1970, which '
            'ROS time cannot hold (rclcpp and rclpy refuse it; a 64-bit time cast to the '
            '32-bit sec field, or an offset subtracted past zero); read as unstamped: '
            'max_frame_age is not applied, depth pairs by arrival and the outputs carry a '
            'zero stamp: fix the stamp in the driver')


# How long (s, arrival) after a stream's last valid (positive) stamp a negative one is
# read as a jump of that stream's time rather than as a stream stamped negative: the
# reviewer's mixed stream (every other colour frame at sec -1080631866) has a valid stamp
# one period before each negative one; a stream alternating at 1 Hz or faster is read as
# mixed. A driver that goes over to negative stamps for good is read as unstamped (answered,
# as a stream that starts negative) once its valid stamps are this far behind, not skipped
# for ever.
NEGATIVE_JUMP_WINDOW = 1.0


class NegativeJump:
    """Tell a negative stamp among valid ones (a time jump) from a negative-stamped stream.

    :func:`negative_stamp_note`'s reading (unstamped, outputs stamped 0) fits a stream
    stamped negative throughout (realsense-ros#1547). Applied to a stream that carried
    valid stamps, it put stamp-0 outputs among real ones and each such frame restarted the
    tracked target (the reviewer's mixed stream: 48 poses, 24 of them stamped 0, track ids
    1 to 25). Such a stamp is a jump: the node skips the message, as it skipped such frames
    before the unstamped reading (6089426: counted in ``frames_stamp_backwards``, warned).

    One per stream (colour, depth).

    :param window: :data:`NEGATIVE_JUMP_WINDOW` (s).
    """

    def __init__(self, window=NEGATIVE_JUMP_WINDOW):
        self.window = float(window)
        self.last_valid = None  # (stamp s, arrival s) of the newest positive stamp, or None

    def jump(self, sec, nanosec, now):
        """Whether a stamp (``sec`` int, ``nanosec`` int) arriving at ``now`` (s) is a jump.

        A positive stamp is remembered and is no jump; a zero stamp is none either. A
        negative ``sec`` is a jump while the stream's last positive stamp arrived at most
        :attr:`window` s before ``now``.

        :return: True for a negative stamp within the window of a valid one.
        """
        if sec > 0 or (sec == 0 and nanosec > 0):
            self.last_valid = (sec + nanosec * 1e-9, now)
            return False
        return sec < 0 and self.last_valid is not None and \
            now - self.last_valid[1] <= self.window


NANOSEC_PER_SEC = 10**9


def nanosec_note(what, sec, nanosec):
    """Say that a stamp's ``nanosec`` lies outside builtin_interfaces/Time's range, or None.

    ``nanosec`` is "valid in the range [0, 1e9)" (builtin_interfaces/msg/Time.msg), but the
    field is a uint32, so a driver that assigns its whole capture time in nanoseconds to
    it keeps the low 32 bits (ros-drivers/flir_camera_driver#37: "values ranging from 0
    to 4,294,967,295, instead of 0 to 999,999,999"; #95). Read as ``sec + nanosec / 1e9``,
    as rclcpp and rclpy read it, such stamps run up to 4.3 s ahead and step back every few
    seconds, and the node's warnings blamed the clocks ("stamped 1.1 s in the future ...
    are the clocks synchronised?", "stamped 4.0 s before the one received before it")
    without naming the field. The stamp is still read so (the outputs carry it, and
    tf2 reads it so); this only says what is wrong.

    :param what: the stream, for the line (``'colour frames'``).
    :param sec: ``header.stamp.sec`` (int).
    :param nanosec: ``header.stamp.nanosec`` (int).
    :return: one line naming the field and the fix, or None when ``nanosec`` is in range.
    """
    if 0 <= nanosec < NANOSEC_PER_SEC:
        return None
    low = (nanosec - sec * NANOSEC_PER_SEC) % 2**32
    how = (f'it is the low 32 bits of the time in nanoseconds (sec x 1e9 + {low}), as a driver '
           'that assigns a 64-bit time to the 32-bit field leaves it '
           '(ros-drivers/flir_camera_driver#37)' if low < NANOSEC_PER_SEC else
           'the driver carries whole seconds in it')
    return (f'{what} carry header.stamp.nanosec = {nanosec}, outside [0, 1e9) '
            '(builtin_interfaces/Time): read as sec + nanosec / 1e9, as rclcpp reads it, so '
            f'their stamps run up to 4.3 s ahead and step back; {how}: fix the stamp in the '
            'driver (sec = t_ns // 1e9, nanosec = t_ns % 1e9)')


def repeated_stamp(stamp, previous, pixels, previous_pixels):
    """Tell whether a frame repeats the stamp of the frame before it on its stream.

    Drivers that stamp once and never again publish every new frame with one stamp
    (ros-drivers/camera1394#35: "The timestamps do not change"; introlab/rtabmap_ros#611
    and ouster-lidar/ouster-ros#479: consecutive messages sharing a stamp). Such a stamp
    says nothing of when a frame was captured: read as one, every frame became stale
    once it was ``max_frame_age`` old, and depth that repeated its stamp never paired
    with stamped colour. The node pairs and ages such frames by arrival, as frames
    stamped 0 (see the module docstring). The same message delivered again (same stamp,
    same pixels: a republisher or a bridge that sends it twice) is one capture, whose
    stamp is its own: not repeated. A zero stamp is none, not a repeated one.

    :param stamp: the frame's stamp, s.
    :param previous: the previous nonzero stamp of the stream, s, or None.
    :param pixels: the frame's array (colour or depth; NaN equals NaN).
    :param previous_pixels: the previous frame's array of the stream, or None.
    :return: bool.
    """
    if stamp == 0 or previous is None or stamp != previous:
        return False
    return previous_pixels is None or not np.array_equal(pixels, previous_pixels,
                                                         equal_nan=pixels.dtype.kind == 'f')


# How long (s) after a colour message the same message (same stamp, same pixels) received
# again is that one delivered twice, not a capture to answer again. A redelivery, two
# publishers on one topic or a recording that holds each message twice bring the copy
# within milliseconds; a one-frame recording played with --loop repeats it once a pass,
# seconds apart, and each pass is answered (README: a looped recording).
DUPLICATE_WINDOW = 1.0


def duplicate_frame(stamp, pixels, now, recent, window=DUPLICATE_WINDOW):
    """Tell whether a colour frame is one of the ``recent`` ones delivered again.

    The same message received twice (DDS redelivery, two publishers or a bridge and a
    driver on one topic, a bag holding each message twice) was answered twice: two poses
    and two debug images for one capture, and the second moved the answer's latency and
    tracking on by nothing. A copy is a frame with a nonzero stamp equal to one in
    ``recent`` and equal pixels, received at most ``window`` s after it. A zero stamp
    names no capture (a still camera that does not stamp sends equal frames): never a
    copy.

    :param stamp: the frame's stamp, s.
    :param pixels: the frame's (H, W, 3) uint8 array.
    :param now: its arrival, s (monotonic).
    :param recent: ``(stamp, arrival, pixels)`` of the last colour frames taken in.
    :param window: s; :data:`DUPLICATE_WINDOW`.
    :return: bool.
    """
    if stamp == 0:
        return False
    return any(stamp == s and 0 <= now - a <= window and p.shape == pixels.shape and
               np.array_equal(p, pixels) for s, a, p in recent)


class HeldFrame:
    """Tell a stream that sends one frame again and again: a paused simulator, a stalled driver.

    A simulator paused (or stepped) that keeps publishing its last render with its stamp
    (Isaac Sim's camera helper publishes at the render rate, isaac-sim/IsaacSim#346; a
    bridge that republishes the latest state while paused, osrf/lrauv#91), or a driver
    that republishes its last image while its camera stalls, sends the same message
    (stamp and pixels) for seconds. Its copies were named as a message delivered twice
    (two publishers, a bridge beside the driver), and once the frame was older than
    ``max_frame_age`` every copy was skipped as stale with "camera and node clocks in
    sync?": a new command got no answer and nothing said that the camera holds one frame.
    A copy arriving more than ``window`` s after the frame first came is such a held
    frame; a frame with another stamp (or stamped 0, no capture named) ends it.

    :param window: s; :data:`DUPLICATE_WINDOW` (copies within it may be a redelivery).
    """

    def __init__(self, window=DUPLICATE_WINDOW):
        self.window = window
        self._first = None  # (stamp, arrival) of the frame as it first came

    def seconds(self, stamp, pixels, now, previous):
        """Return how long (s) the frame has been sent again, 0 if it is no held frame.

        :param stamp: the frame's stamp, s.
        :param pixels: its (H, W, 3) uint8 array.
        :param now: its arrival, s (monotonic).
        :param previous: ``(stamp, arrival, pixels)`` of the last colour frame taken in,
            or None.
        :return: float, s since the frame first came; 0.0 within ``window`` of it or for
            another frame.
        """
        same = stamp != 0 and previous is not None and previous[0] == stamp and \
            previous[2].shape == pixels.shape and np.array_equal(previous[2], pixels)
        if not same or self._first is None or self._first[0] != stamp:
            self._first = (stamp, now) if stamp != 0 else None
            return 0.0
        held = now - self._first[1]
        return held if held > self.window else 0.0

    def reset(self):
        """Forget the frame seen: the stream is closed (a lifecycle deactivate) or opened again."""
        self._first = None


# How long (s of ROS time) a clock may go on from a recording's last pass before the frames
# of its new pass are aged on it again: rosbag2 publishes /clock at --clock's rate (40 Hz
# by default); 1 Hz is the slowest that keeps nodes' timers usable.
CLOCK_FOLLOW_WAIT = 1.0


class ClockBehindStepBack:
    """Tell frames of a new pass of a looped recording that ROS time has not followed yet.

    ``ros2 bag play --loop --clock N`` replays a pass's first frames at once but publishes
    /clock only N times a second, so ROS time can still read the end of the last pass when
    they are aged: a 1.5 s recording's first frames looked 1.5 s old and were skipped as
    stale with an ERROR about clocks (helper-69's left-alone; ros/ros_comm#1438 and
    ros/geometry#31: nodes that blocked or dropped at a loop's step back). A frame stamped
    before the newest one aged, on a clock that has not stepped back since, starts such a
    pass; it and every later frame stamped before that clock reading have no measurable
    age until ROS time steps back below it, for at most :data:`CLOCK_FOLLOW_WAIT` of ROS
    time (a clock that does not follow, such as a simulator's beside a bag played without
    ``--clock``, ages the frames again: stale, as before). The sync lets through only
    stamps that step back in time (a frame delivered late is dropped before it is aged);
    the system clock never steps back, so the node asks this only under ``use_sim_time``.

    Not thread-safe: one caller (the node's worker).
    """

    def __init__(self):
        self._newest = None  # (stamp, ROS time when it was aged), s
        self._old_time = None  # ROS time of the last pass while it stands, s

    def unmeasurable(self, stamp, now):
        """Return True if ``stamp`` belongs to a pass ROS time ``now`` has not followed.

        :param stamp: the frame's stamp, s (0: unstamped, never such a frame).
        :param now: ROS time now, s (0: no clock yet, never such a frame).
        :return: bool.
        """
        if stamp == 0 or now == 0:
            return False
        if self._old_time is not None and not 0 <= now - self._old_time <= CLOCK_FOLLOW_WAIT:
            self._old_time = None  # ROS time stepped back (or never will): aged on it
        if self._newest is not None and self._old_time is None and \
                stamp < self._newest[0] and now >= self._newest[1]:
            self._old_time = now
        behind = self._old_time is not None and stamp < self._old_time
        self._newest = (stamp, now)
        return behind


def _goes_on_from(earlier, later, stamp):
    """Tell whether ``stamp`` goes on from the ``earlier`` of two times, not the ``later``.

    After a stamp far before the stream's newest (``earlier`` against ``later``, s), the
    next one tells a step back in time (it follows ``earlier``) from one message delivered
    late (it follows ``later``): after ``earlier`` and nearer it than ``later``. Not
    "more than three periods before ``later``": a loop of four frames at 30 Hz goes on
    within three periods of the stamp it went back from.
    """
    return earlier < stamp < (earlier + later) / 2


# A frame already this old when it arrived (s) was not delayed: a network, a driver's
# queue or a clock kept by NTP is off by seconds at most; minutes mean a recording
# replayed on the wall clock or a computer whose clock was never set. (Stamps before
# 2001, a clock counting from zero, are not aged at all: simulator_stamp.)
REPLAY_AGE = 60.0


def stale_reason(age, max_age, waited=0.0, in_node=0.0, depth_wait=0.0, held_for=None):
    """Why a colour frame older than ``max_frame_age`` is skipped, as the node says it.

    A frame is old for one of four reasons, told apart by when it arrived: it waited for
    its depth (``waited`` alone takes it past ``max_age``); the camera has sent this one
    frame again (``held_for``: a paused simulator, a driver republishing); it came in time
    and waited in the node behind the frames before it, because answering takes longer
    than the camera's frame interval (a loaded CPU, a large model); or it was already old
    when it came (the camera's clock behind the node's, or ``use_sim_time`` unset for a
    bag). Before session 46 the third read as the fourth: a busy machine was blamed on the
    clocks (the demo under load, a new user's trial).

    :param age: the frame's age by its stamp when it is looked at, s.
    :param max_age: the ``max_frame_age`` parameter, s (> 0).
    :param waited: how long the frame was held for its depth, s (:class:`SyncedFrame`).
    :param in_node: how long since its message arrived at the node, s (monotonic clock;
        ``waited`` is part of it).
    :param depth_wait: the ``depth_wait`` parameter, s, named in the advice.
    :param held_for: how long the camera has sent this same frame, s, or None.
    :return: str, the reason, starting with the frame's age.
    """
    head = f'frame stamped {age:.2f} s ago is older than max_frame_age {max_age:g} s'
    if waited > 0 and age - waited <= max_age:
        return (f'{head} after waiting {waited:.2f} s for its depth: keep max_frame_age '
                f'above depth_wait ({depth_wait:g} s) plus the inference time')
    if held_for is not None:
        return (f'{head}: the camera has sent this one frame (its stamp and pixels) again '
                f'for {held_for:.1f} s, a simulator paused or a driver republishing its '
                'last image; answers resume with a new frame')
    if in_node > 0 and age - in_node <= max_age:
        return (f'{head}: it arrived {age - in_node:.2f} s after its stamp and waited '
                f'{in_node:.2f} s in the node behind the frames before it (answering takes '
                "longer than the camera's frame interval: a loaded CPU, a large model, many "
                'proposals); raise max_frame_age, or lower max_proposals or the camera rate')
    came = age - max(in_node, 0.0)  # its age when it arrived
    if came > REPLAY_AGE:
        return (f'{head}: it was already {_duration(came)} old when it arrived, no delay of '
                'a network or a driver: a recording played without --clock (play it with '
                "`ros2 bag play --clock` and set use_sim_time:=true), or the camera's "
                "computer's clock not synchronised with this one's (chrony, PTP)")
    return f'{head} (camera and node clocks in sync? use_sim_time?)'


def _duration(seconds):
    """``seconds`` (>= 60) as a person reads it: '5.0 min', '3.2 h', '12.0 days', '3.0 years'."""
    for unit, size in (('years', 365.25 * 86400.0), ('days', 86400.0), ('h', 3600.0)):
        if seconds >= size:
            return f'{seconds / size:.1f} {unit}'
    return f'{seconds / 60.0:.1f} min'


@dataclass(frozen=True)
class SyncedFrame:
    """A colour frame with its depth and camera_info (either may be None).

    ``waited`` is how long (s, the caller's monotonic clock) the frame was held for its
    depth or first camera_info, so that the node can tell a frame made stale by the wait
    from one stamped by a clock that is behind. ``held``: when the frame is handed over
    again to answer a command that came after it, how long (s) before that command it
    arrived; None for a frame handed over as it came.
    """

    stamp: float
    image: object
    depth: object
    info: object
    depth_stamp: float | None = None
    no_depth_reason: str = ''
    waited: float = 0.0
    held: float | None = None
    # Set when depth images arrive regularly but every one is more than ``slop`` from
    # this frame (FrameSync.beyond_slop): the nearest one's stamp distance, s.
    depth_gap: float | None = None
    # Set when the depth stream's stamps run ahead of the colour's by more than the
    # depth wait (FrameSync.depth_leads): by how much, s.
    depth_lead: float | None = None


class FrameSync:
    """Pair colour frames with depth and camera_info by stamp.

    :param slop: most stamp difference (s) for a pair.
    :param use_depth: wait for depth at all.
    :param depth_timeout: how long (s) a colour frame waits for its depth to arrive; the
        node's ``depth_wait`` parameter. See the module docstring.
    :param buffer: colour frames that may wait, camera_infos kept, and the fewest depth
        images kept (depths are also kept for ``depth_timeout + slop`` seconds after
        they arrive, up to :data:`MAX_DEPTHS`).
    :param wait_for_info: hold colour frames until the first camera_info arrives, for
        at most ``depth_timeout`` (then frames go on without it until one arrives).
    """

    def __init__(self, slop=0.05, use_depth=True, depth_timeout=0.5, buffer=10,
                 wait_for_info=False):
        self.slop = float(slop)
        self.use_depth = use_depth
        self.depth_timeout = float(depth_timeout)
        self._images = deque()
        self._depths = deque()
        self._infos = deque(maxlen=buffer)
        self.buffer = buffer
        self._last_depth_arrival = None
        self._last_image_stamp = None
        # (stamp, arrival) of recent stamped colour frames: how fast stamps run (stamp_rate)
        self._image_times = deque(maxlen=RATE_FRAMES)
        self._rate_cache = (None, None)  # (key of _image_times, its measured rate)
        # (stamp, arrival) of recent stamped depth images: the depth stream's least
        # latency for the lag figure (stream_depth_lag).
        self._depth_times = deque(maxlen=RATE_FRAMES)
        # (stamp, arrival) of recent stamped colour frames across stalls and jumps (not
        # across a step back): when each depth came against its colour frame
        # (_depth_behind_colour).
        self._colour_arrivals = deque(maxlen=RATE_FRAMES)
        self._behind_cache = (None, None)  # (key of the state, _depth_behind_colour)
        self._depth_lost = False
        self.dropped = 0
        # Colour frames dropped because a frame stamped after them was released already.
        self.out_of_order = 0
        self._released_stamp = None  # the newest stamp released (not 0), or None
        # How long (s) a frame settled by a later depth still waits for its own: 0 until
        # the depth stream has been seen out of order (add_depth).
        self._reorder_delay = 0.0
        # Arrival time of the colour stream's last break (a stall, a jump of its stamps):
        # the depth that arrived before it says nothing of the lag after it.
        self._break_arrival = None
        # A depth stamped far before the newest, until the next depth tells whether the
        # stream went back or that one came late: (its arrival, its stamp, the newest
        # stamp before it, the reorder delay before it), else None (add_depth).
        self._depth_back = None
        # Arrival time of the depth stream's last step back in time, or None.
        self._depth_back_arrival = None
        # Colour frames stamped far before the newest, until a colour frame tells whether
        # time went back or they came late: ([(stamp, image, arrival)...], the newest
        # stamp before them), else None (add_image).
        self._image_back = None
        # Colour frames that waited for depth when time went back, released without it at
        # the next _release: (stamp, image, arrival, no-depth reason).
        self._went_back = []
        # After a colour step back before the depth stream's: (the step's arrival, the
        # stamp from which a depth continues the old time), else None (add_depth).
        self._old_depth = None
        # Colour steps back in time taken in (a loop, a restart, a clock stepped back; not
        # a frame held and found late), and the newest one's size, s: the node's count.
        self.steps_back = 0
        self.last_step_back = 0.0
        self.wait_for_info = wait_for_info
        self._info_lost = False

    def add_info(self, stamp, info):
        """Store a camera_info."""
        self._infos.append((float(stamp), info))
        self._info_lost = False

    def add_depth(self, stamp, depth, now):
        """Store a depth image that arrived at ``now``; return frames it completes.

        Kept in stamp order. A depth stamped before the newest by at most
        :meth:`_back_limit` (three depth periods, at most the depth wait) arrived out of
        order (best-effort delivery over a lossy link, a driver that
        publishes out of order: usb_cam#259) and is put in its place; before, it cleared
        the history, with the next frame's own depth (helper-50: 23 of 60 frames without
        depth). Farther back, time went back (a recording restarted, a camera reset) or
        that one depth came late: it is put in its place too, and when the next depth
        goes on from the earlier time the depths that came before the step go, so depths
        of another time never pair; when it goes on from the later time they stay
        (helper-52: one depth 0.6 s late had cleared the history, and the frames waiting
        lost the depths that had come for them). Farther ahead than its arrival gap
        allows by more than the wait (a clock step, a camera restarted on another
        clock): the history starts afresh at once.

        Within ``depth_timeout + slop`` after the colour stamps went back before the depth
        stamps did, a depth that goes on from the old time and is stamped after every
        colour frame of the new time by more than ``slop`` is not kept: its frame was
        released at the step (:meth:`_store_image`), and kept, it settled the new time's
        frames, stamped before it, as past their depth.
        """
        stamp = float(stamp)
        horizon = self.depth_timeout + self.slop
        if self._old_depth is not None:
            since, old = self._old_depth
            if now - since > horizon:
                self._old_depth = None
            elif stamp != 0 and stamp >= old and self._last_image_stamp is not None and \
                    stamp > self._last_image_stamp + self.slop:
                self._last_depth_arrival = now
                self._depth_lost = False
                return self._release(now)
        if self._depths and stamp != 0:
            # (A zero stamp is no time: such depth is the newest by arrival, appended.)
            newest, newest_arrival = self._depths[-1][0], self._depths[-1][2]
            limit = self._back_limit(self.depth_period())
            if stamp - newest > (now - newest_arrival) * MAX_STAMP_RATE + horizon:
                self._depths.clear()  # another time: older pairs belong to it
                self._depth_times.clear()
                self._depth_back = None
            elif self._depth_back is not None:
                since, first, before, delay = self._depth_back
                self._depth_back = None
                if _goes_on_from(first, before, stamp):
                    # The stream goes on from the earlier time: it went back. The depths
                    # that came before that first one belong to another time.
                    self._depths = deque(d for d in self._depths if d[2] >= since)
                    self._depth_times = deque((t for t in self._depth_times if t[1] >= since),
                                              maxlen=RATE_FRAMES)
                    self._reorder_delay = delay
                else:
                    self._depth_back_arrival = None  # one depth delivered late, no more
            if self._depths and stamp < self._depths[-1][0] - limit:
                # Far back: time went back, or one depth came late. The next depth tells.
                self._depth_back = (now, stamp, self._depths[-1][0], self._reorder_delay)
                self._depth_back_arrival = now
        if self._depths and 0 != stamp < self._depths[-1][0]:
            at = len(self._depths)
            while at > 0 and self._depths[at - 1][0] > stamp:
                at -= 1
            # How much later than a depth stamped after it this one came: a frame settled
            # by a later depth waits, from its own arrival, twice that plus a depth period
            # (at most the depth wait: it never waits longer than any frame does).
            period = self.depth_period() or 0.1
            self._reorder_delay = min(max(self._reorder_delay, 2 * (
                now - self._depths[at][2]) + period), self.depth_timeout)
            self._depths.insert(at, (stamp, depth, now))
        else:
            self._depths.append((stamp, depth, now))
        if stamp != 0:
            self._depth_times.append((stamp, now))
        while len(self._depths) > self.buffer and (
                now - self._depths[0][2] > horizon or len(self._depths) > MAX_DEPTHS):
            self._depths.popleft()
        self._last_depth_arrival = now
        self._depth_lost = False
        return self._release(now)

    def add_image(self, stamp, image, now):
        """Store a colour image that arrived at ``now``; return frames now released.

        A frame stamped far back (:meth:`goes_back`), by at most ``depth_timeout + slop``,
        is held until the next stamped colour frame tells whether time went back or that
        one frame came late, as :meth:`add_depth` holds one far-back depth: when the next
        goes on from the earlier time, it went back (a recording looped, a clock stepped)
        and the held frame is taken in as such; when it goes on from the later time, the
        held one came late and is handled as any frame delivered out of order (dropped
        if one stamped after it was released). Taken at once for a new time, one colour
        frame of a 30 Hz stream delivered five periods late cleared the depth history
        and the stamp rate: it was answered after frames stamped after it, and the three
        frames after it, arriving 0.1 s after their depth, lost their depth (four of 90
        frames answered without depth or with another's). A loop's first frame waits one
        colour period for this; after ``depth_timeout`` with no colour frame to tell,
        it is taken for a new time. Farther back than ``depth_timeout + slop`` it is one
        at once (a bag looped every few seconds).

        A frame that goes on from the held one but arrives with it, faster than their stamps
        run (:meth:`_held_in_burst`), tells nothing: frames held up together on the way
        come so. It is held too, until a frame that comes at the stream's pace or goes on
        from the later time tells for them all (at most ``buffer`` held). Read as going on
        from the earlier time, two 30 Hz frames delivered together five periods late were
        a step back: the depth history went, the depths of the next frames were dropped as
        of the old time, and 19 of the 88 other frames were answered without their depth
        or not at all.
        """
        stamp = float(stamp)
        if self._image_back is not None and stamp != 0:
            if self._held_in_burst(stamp, now):
                self._image_back[0].append((stamp, image, now))
                return self._release(now)
            self._resolve_image_back(stamp)
        last = self._last_image_stamp
        if self.goes_back(stamp) and last - stamp <= self.depth_timeout + self.slop:
            self._image_back = ([(stamp, image, now)], last)
            return self._release(now)
        self._store_image(stamp, image, now)
        out = self._release(now)
        while len(self._images) > self.buffer:
            # The one before the newest: the oldest are nearest their depth, and the newest
            # is the one to answer (a burst after a stall: FrameSync's docstring).
            del self._images[-2 if self.buffer > 1 else -1]
            self.dropped += 1
        return out

    def _held_in_burst(self, stamp, now):
        """Whether a frame at ``now`` goes on from the held ones but arrived with them.

        After the newest held frame and nearer it than the stamp it went back from
        (:func:`_goes_on_from`), and less than half its stamp gap (over the stamp rate)
        of arrival after it, while fewer than ``buffer`` are held.
        """
        held, before = self._image_back
        newest, _, arrival = held[-1]
        if len(held) >= self.buffer or not _goes_on_from(newest, before, stamp):
            return False
        return now - arrival < 0.5 * (stamp - newest) / self.stamp_rate()

    def _resolve_image_back(self, stamp):
        """Take in the colour frames held by :meth:`add_image`, told by the next one's stamp.

        :param stamp: the next stamped colour frame's stamp, s, or None when none came
            within the wait (then time went back, as before frames were held).
        """
        held, before = self._image_back
        self._image_back = None
        if stamp is None or _goes_on_from(held[-1][0], before, stamp):
            for frame in held:  # it went back: a new time from the first
                self._store_image(*frame)
        else:
            self._images.extend(held)  # delivered late: out of order

    def _store_image(self, stamp, image, now):
        """Keep a colour frame that arrived at ``now``; a step back starts a new time."""
        last = self._last_image_stamp
        if self.goes_back(stamp):
            # Time went back: the depths of the other time go. Depth of the new time that
            # came first (its own stream went back within the wait) stays: a loop's first
            # depth published before its colour frame.
            since = self._depth_back_arrival
            if since is None or now - since > self.depth_timeout + self.slop:
                since = math.inf
            if since == math.inf and self._depths and self._depths[-1][0] != 0:
                # The depth stream has not gone back yet: what continues its time is late.
                self._old_depth = (now, self._depths[-1][0] -
                                   self._back_limit(self.depth_period()))
            self.steps_back += 1
            self.last_step_back = last - stamp
            self._depths = deque(d for d in self._depths if d[2] >= since)
            self._depth_times = deque((t for t in self._depth_times if t[1] >= since),
                                      maxlen=RATE_FRAMES)
            self._image_times.clear()
            self._colour_arrivals.clear()
            self._released_stamp = None
            self._break_arrival = now
            # The frames still waiting for depth go now, without it: their depth, of the
            # old time, is not kept (add_depth). Paired with it when it came, they moved
            # the newest stamp answered back to the old time, and the new time's frames
            # were dropped as out of order: 59 of the next 60 at 30 Hz after a clock
            # stepped back 2 s with depth 0.1 s behind colour.
            reason = (f'time went back {last - stamp:.3f} s while the frame waited for its '
                      'depth (a recording looped or restarted, a clock stepped back): '
                      'depth of the time before the step is not kept')
            self._went_back += [(*f, reason) for f in self._images]
            self._images.clear()
        if stamp != 0:
            if self._image_times and self._stalled(now):
                self._break_arrival = now  # the rate holds; the depth's lag is measured anew
            if self._image_times and (_rate_broken(self._image_times[-1], (stamp, now)) or
                                      self._stamps_jumped(stamp, now)):
                # A stall and its burst, a pause, a jump of the stamps: the stamp rate and
                # the depth's lag are measured afresh from here (helper-50: after a 2 s
                # stall, the lag from the depth before it read as depth 1.8 s late).
                self._image_times.clear()
                self._break_arrival = now
            self._image_times.append((stamp, now))
            self._colour_arrivals.append((stamp, now))
        self._last_image_stamp = stamp if stamp != 0 else last
        self._images.append((stamp, image, now))

    def goes_back(self, stamp):
        """Tell whether a colour frame stamped ``stamp`` (s) starts a new, earlier time.

        Stamped before the last colour frame received by more than :meth:`_back_limit`
        (three colour periods, at most ``depth_timeout``): a recording looped or
        restarted, a driver restarted, a clock stepped back. Less far back it is an
        out-of-order delivery. False for a zero stamp or the first frame, and for a frame
        that goes on from a far-back frame :meth:`add_image` holds (the step was that one's).
        """
        last = self._last_image_stamp
        if last is None or stamp == 0:
            return False
        held = self._image_back
        if held is not None and _goes_on_from(held[0][-1][0], last, stamp):
            return False
        return stamp < last - self._back_limit(self._colour_period())

    def _back_limit(self, period):
        """How far (s) a stamp may lie before its stream's newest and be out of order.

        :data:`BACK_PERIODS` of the stream's ``period`` (s), at most ``depth_timeout``;
        ``depth_timeout`` while the period is unknown (None). Farther back, time went back.
        """
        limit = self.depth_timeout
        return limit if period is None else min(limit, BACK_PERIODS * period)

    def _colour_period(self):
        """Return the median gap (s) between the last 8 colour stamps, or None (< 2 gaps)."""
        stamps = [t[0] for t in list(self._image_times)[-8:]]
        gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b > a]
        return float(np.median(gaps)) if len(gaps) >= 2 else None

    def _stamps_jumped(self, stamp, now):
        """Whether the stamps jumped against the measured stamp rate (not only 50 times).

        A clock stepped 5 s forward between two frames 0.5 s apart is within
        :func:`_rate_broken`'s factor of 50; measured across, the rate read 2.1 and the
        depth of the new time seemed 2.1 s late (helper-50). Once the rate is measured, a
        gap of the stamps more than 3 times (or less than a third of) the rate times the
        arrival gap, and more than :data:`RATE_BREAK` s off it, is a jump.
        """
        rate = self.measured_stamp_rate()
        if rate is None:
            return False
        ds, da = stamp - self._image_times[-1][0], (now - self._image_times[-1][1]) * rate
        return abs(ds - da) > RATE_BREAK and (ds > 3 * da or da > 3 * ds)

    def _stalled(self, now):
        """Whether no stamped colour frame arrived for longer than the wait and 3 periods.

        A network stall (helper-50: Wi-Fi, then the held frames in a burst): the newest
        depth arrived before it, so its lag against the burst's frames is the stall's
        length, not the depth's.
        """
        times = self._image_times
        gap = now - times[-1][1]
        if gap <= self.depth_timeout + self.slop:
            return False
        if len(times) < 3:
            return True
        arrivals = [t[1] for t in list(times)[-8:]]
        period = float(np.median(np.diff(arrivals)))
        return gap > 3 * period

    def poll(self, now):
        """Release frames whose depth is overdue; call it periodically."""
        if self._image_back is not None and \
                now - self._image_back[0][0][2] >= self.depth_timeout:
            self._resolve_image_back(None)  # no colour frame came to tell: a new time
        return self._release(now)

    def _nearest(self, items, stamp):
        best = None
        for item in items:
            if best is None or abs(item[0] - stamp) <= abs(best[0] - stamp):  # ties: newest
                best = item[:2]
        return best

    def _info_for(self, stamp):
        near = self._nearest(self._infos, stamp)
        if near is not None and abs(near[0] - stamp) <= self.slop:
            return near[1]
        return self._infos[-1][1] if self._infos else None

    def _settled(self, stamp, near):
        """Tell whether no depth still to come can be nearer to ``stamp`` than ``near``."""
        if not self._depths:
            return False
        newest = self._depths[-1][0]
        if newest >= stamp:
            return True
        if near is None:
            return False
        gaps = [b[0] - a[0] for a, b in zip(self._depths, list(self._depths)[1:])
                if b[0] > a[0]]
        if not gaps:
            return False
        return abs(near[0] - stamp) <= newest + min(gaps) - stamp

    def _missing_nearer(self, stamp, near):
        """Tell whether a depth missing by the depth period would be nearer than ``near``.

        The depths kept on either side of ``stamp`` are more than one and a half periods
        apart, and one stamped a whole number of periods after the earlier, between them,
        lies nearer the frame than ``near``: on a depth stream seen out of order it may
        still come. Settled by the later depth at once, a frame whose own depth came two
        periods late took its neighbour's (30 Hz, every tenth depth delivered after the
        two after it: 12 of 120 frames paired with the wrong depth).
        """
        period = self.depth_period()
        before = [d[0] for d in self._depths if d[0] <= stamp]
        after = [d[0] for d in self._depths if d[0] > stamp]
        if period is None or not before or not after:
            return False
        lo, hi = max(before), min(after)
        if hi - lo < 1.5 * period:
            return False
        k = min(max(round((stamp - lo) / period), 1), round((hi - lo) / period) - 1)
        return abs(lo + k * period - stamp) < abs(near[0] - stamp)

    def depth_period(self):
        """Return the median gap (s) between the stamps of the depth images kept, or None.

        None before three depth images with increasing stamps are kept.
        """
        gaps = self._depth_gaps()
        return float(np.median(gaps)) if len(gaps) >= 2 else None

    def _depth_gaps(self):
        """Return the gaps (s) between consecutive increasing stamps of the depths kept."""
        stamps = [d[0] for d in self._depths]
        return np.array([b - a for a, b in zip(stamps, stamps[1:]) if b > a])

    def depth_regular(self):
        """Tell whether the depth images kept are stamped at a steady period.

        At least two gaps between increasing stamps, and at least 80% of them within 25%
        of their median (:meth:`depth_period`): a camera that publishes depth at its own
        rate. Depth lost on the way leaves gaps of one, two, five... publishing periods,
        whose median says nothing of the camera (helper-56: 614 kB depth images over a
        transport that dropped most, a 10 Hz stream arriving at 0.9 Hz, were told "stamped
        1.100 s apart ... set sync_slop to 0.578 s", which would pair frames with depth
        half a second off).
        """
        gaps = self._depth_gaps()
        if len(gaps) < 2:
            return False
        return float(np.mean(np.abs(gaps - np.median(gaps)) <= 0.25 * np.median(gaps))) >= 0.8

    def beyond_slop(self, stamp):
        """Say why a frame stamped ``stamp`` that no depth pairs with is beyond them all.

        Depth published at a lower rate than colour (a RealSense's depth at 6 or 15 fps
        beside colour at 30, to save USB bandwidth or bag space: realsenseai/librealsense
        #4723; a ZED's depth at its lower ``pub_frame_rate``), or at the colour rate but out
        of step with it (the two sensors are not triggered together: librealsense#4723,
        up to 150 ms apart at 6 fps), is stamped more than ``slop`` from the frames
        between two depths, on every such frame: each is answered without depth although
        every depth image arrives. The node said only "no depth image within 0.05 s of the
        frame", and /diagnostics blamed depth lost on the way (a DDS transport), which was
        not the cause. Named when depth images are stamped regularly (:meth:`depth_regular`)
        more than ``2 * slop`` apart (:meth:`depth_period`), or the nearest one lies within
        half that period: a ``slop`` of half the period pairs every frame with the nearest
        depth.

        :param stamp: the frame's stamp, s (not 0).
        :return: ``(gap, text)``: the nearest depth's stamp distance (s) and a clause for
            the no-depth reason, or ``(None, '')`` when the depth stream's stamps do not
            explain it (no period yet, or depth missing beyond its period: lost).
        """
        near = self._nearest(self._depths, stamp)
        period = self.depth_period()
        if near is None or period is None or not self.depth_regular():
            return None, ''
        gap = abs(near[0] - stamp)
        half = period / 2
        if gap <= self.slop or half <= self.slop or gap > half * 1.05:
            return None, ''
        need = math.ceil(half * 1.05 * 1000) / 1000
        return gap, (f': the nearest is {gap:.3f} s from it, and depth images are stamped '
                     f'{period:.3f} s apart ({1 / period:.1f} Hz by their stamps), so a frame '
                     'between two of them is farther than sync_slop from both: set '
                     f'sync_slop to {need:g} s (half that period) to pair each frame with '
                     'the nearest depth, or publish depth at the colour rate and in step '
                     'with it')

    def stamp_rate(self):
        """Return how many seconds of stamp time pass per second of arrival time.

        1 for a live camera; the playback rate for a bag played with ``--clock --rate r``
        (its stamps are the recording's); measured over the last :data:`RATE_FRAMES`
        stamped colour frames once three or more span :data:`RATE_SPAN` s of arrival, else
        1 (the first frames of a stream, or of a recording that restarted). Clamped to
        [1/:data:`MAX_STAMP_RATE`, :data:`MAX_STAMP_RATE`].
        """
        rate = self.measured_stamp_rate()
        return 1.0 if rate is None else rate

    def measured_stamp_rate(self):
        """Return :meth:`stamp_rate` once measured, else None.

        The Theil-Sen estimate: the median of the stamp-over-arrival slopes between every
        two frames at least ``RATE_SPAN / 2`` s of arrival apart (the slope between the
        first and the last when no two are). Each frame's arrival is its stamp's time plus
        a delay that varies (a loaded machine, a network); the first and last frames
        alone read a 30 Hz camera's rate 1 as 0.93-1.07 with delays of 0-0.3 s, and a 5 s
        clock offset, converted at that rate, as 4.6-5.4 s (session 25). O(n^2) in
        :data:`RATE_FRAMES`, cached until a frame comes.
        """
        times = self._image_times
        if len(times) < 3:
            return None
        (s0, a0), (s1, a1) = times[0], times[-1]
        if a1 - a0 < RATE_SPAN or s1 <= s0:
            return None
        key = (len(times), times[0], times[-1])
        if self._rate_cache[0] != key:
            st, ar = np.array(times).T
            i, j = np.triu_indices(len(times), 1)
            da = ar[j] - ar[i]
            far = da >= RATE_SPAN / 2
            rate = float(np.median((st[j] - st[i])[far] / da[far])) if far.any() else \
                (s1 - s0) / (a1 - a0)
            self._rate_cache = (key, rate)
        return float(np.clip(self._rate_cache[1], 1 / MAX_STAMP_RATE, MAX_STAMP_RATE))

    def depth_lag(self, stamp, arrival):
        """How far (s) depth stamps lag the stamp of a frame that arrived at ``arrival``.

        When the depth of the frame's stamp should arrive, less the frame's arrival: a
        depth's arrival plus the stamp time between it and the frame, in arrival seconds
        (over :meth:`stamp_rate`), from the kept depth that gives the earliest. 0 when
        both streams are stamped on one clock and arrive together, the depth's extra
        latency when it comes later, the clock offset when the clocks differ (negative
        when the depth's clock is ahead). None before any depth has arrived, while either
        stamp is zero (pairing by arrival: no lag to tell), or when the newest depth came
        before the colour stream's last stall or jump of its stamps.

        The stamp rate matters for a bag played faster than recorded (helper-48's field
        round: ``--clock --rate 5``, frames 0.65 s apart in the recording, each depth 30 ms
        after its colour frame): read at rate 1, the depth seemed 0.5 s late, frames were
        released without waiting for it, and 111 of 112 answers were ``no_depth``.
        """
        if not self._depths or self._by_arrival(stamp):
            return None
        if self._break_arrival is not None and self._depths[-1][2] < self._break_arrival:
            return None  # from before the colour stream's last stall or jump
        # The depth stream's least latency over the depths kept (arrival less stamp, in
        # arrival seconds): a burst only delays arrivals, so the first depth of a burst
        # after a stall does not make the frames before it look seconds late (helper-50:
        # "depth arrives 2.2 s after the colour frame" with each depth 0.2 s behind).
        rate = self.stamp_rate()
        base = min(a - s / rate for s, _, a in self._depths)
        lag = base + stamp / rate - arrival
        if lag > 0:
            # Held up together with their colour frames (a stall, then both streams in a
            # burst), the depths kept all came late: their least latency is the stall's.
            # Against the colour frames of their stamps, they are as late as the depth
            # stream is. A positive lag is never read as more than that, nor below 0.
            behind = self._depth_behind_colour(rate)
            if behind is not None:
                lag = min(lag, max(behind, 0.0))
        return lag

    def _depth_behind_colour(self, rate):
        """Return how long (s) the depths kept came after the colour frames of their stamps.

        The median, over the kept depths that one of the last :data:`RATE_FRAMES` stamped
        colour frames (since time last went back) lies within ``slop`` of, of the depth's
        arrival less that frame's (less their stamp gap, over ``rate``); None when no depth
        has such a frame. The least latency (:meth:`depth_lag`) reads a stall as lag: after
        a stall that delivered 30 colour frames together and their depths 50 ms later, the
        next live frames read their depth as 0.9 s late and went on without it (28 of 30
        answered with depth, helper-65). Both streams held up alike leave this at the
        depth's own lateness; a depth on a clock behind reads the offset here too (its
        colour frames arrived that much before it).

        :param rate: :meth:`stamp_rate`.
        :return: s, or None.
        """
        if not self._colour_arrivals or not self._depths:
            return None
        # Cached until a depth or a colour frame comes (each release asks it per frame).
        key = (len(self._depths), self._depths[0][2], self._depths[-1][2],
               self._depths[-1][0], len(self._colour_arrivals), self._colour_arrivals[0],
               self._colour_arrivals[-1], rate)
        if self._behind_cache[0] != key:
            self._behind_cache = (key, self._measure_depth_behind(rate))
        return self._behind_cache[1]

    def _measure_depth_behind(self, rate):
        """Compute :meth:`_depth_behind_colour` afresh."""
        colour = np.array(self._colour_arrivals)
        colour = colour[np.argsort(colour[:, 0], kind='stable')]
        stamps = np.array([d[0] for d in self._depths if d[0] != 0])
        if not stamps.size:
            return None
        arrivals = np.array([d[2] for d in self._depths if d[0] != 0])
        at = np.clip(np.searchsorted(colour[:, 0], stamps), 1, len(colour) - 1)
        at = np.where(np.abs(colour[at - 1, 0] - stamps) <= np.abs(colour[at, 0] - stamps),
                      at - 1, at) if len(colour) > 1 else np.zeros_like(at)
        gap = stamps - colour[at, 0]
        near = np.abs(gap) <= self.slop
        if not near.any():
            return None
        return float(np.median((arrivals - colour[at, 1] - gap / rate)[near]))

    def stream_depth_lag(self):
        """Return how far (s) the depth stream lags the colour stream, or None.

        The depth stream's least latency (arrival less stamp, in arrival seconds over
        :meth:`stamp_rate`) over its last :data:`RATE_FRAMES` stamped images, less the
        colour stream's over its last :data:`RATE_FRAMES` stamped frames since its last
        break: the clock offset plus the depth's extra latency, a property of the two
        streams. :meth:`depth_lag` is one frame's, and reads less by however late that
        frame itself arrived: on a loaded machine (CI, session 25) the same 5 s offset
        read 4.7-5.0 s from frame to frame. None before either stream has a stamped
        frame.
        """
        if not self._depth_times or not self._image_times:
            return None
        rate = self.stamp_rate()
        depth = min(a - s / rate for s, a in self._depth_times)
        colour = min(a - s / rate for s, a in self._image_times)
        return depth - colour

    def depth_lags(self, stamp, arrival):
        """Return the depth's lag (s) when no depth can pair before the wait is over, else None.

        The depth that would pair with the frame arrives only after ``depth_timeout``
        (plus ``slop``): :meth:`depth_lag` says so. The figure returned is the streams'
        lag (:meth:`stream_depth_lag`) where that is larger, the same from frame to frame
        while the frames' own delays vary.
        """
        lag = self.depth_lag(stamp, arrival)
        if lag is None or lag <= self.depth_timeout + self.slop:
            return None
        stream = self.stream_depth_lag()
        return lag if stream is None else max(lag, stream)

    def depth_leads(self, stamp, arrival):
        """Return how far (s) depth stamps run ahead of the frame's, when beyond the wait.

        The mirror of :meth:`depth_lags`: depth arriving with its colour frame but stamped
        later (RealSense hardware time against system time, two machines' clocks:
        realsense-ros#1906, librealsense#5764), or colour arriving that much after its
        depth. The depth of the frame's stamp came (if ever) more than ``depth_timeout``
        plus ``slop`` before the frame: no depth still to come can pair. The figure is the
        streams' lead (minus :meth:`stream_depth_lag`) when that too is beyond the wait,
        else the frame's own (the frame itself came late). None otherwise.
        """
        lag = self.depth_lag(stamp, arrival)
        wait = self.depth_timeout + self.slop
        if lag is None or -lag <= wait:
            return None
        stream = self.stream_depth_lag()
        return -stream if stream is not None and -stream > wait else -lag

    def _by_arrival(self, stamp):
        """Tell whether a frame stamped ``stamp`` pairs by arrival (a zero stamp either side)."""
        return stamp == 0 or bool(self._depths) and self._depths[-1][0] == 0

    def _waited(self, arrival, now):
        return self._depth_lost or now - arrival >= self.depth_timeout

    def _no_depth_reason(self, arrival, now, by_arrival=False):
        if not self._depth_lost and now - arrival < self.depth_timeout:
            return None
        self._depth_lost = True
        if self._last_depth_arrival is None:
            return 'no depth image received yet'
        within = (f'arrived within {self.depth_timeout:g} s of the frame (paired by arrival: '
                  'zero stamps)' if by_arrival else
                  f'within {self.slop} s of the frame')
        return (f'no depth image {within}; newest arrived '
                f'{now - self._last_depth_arrival:.1f} s ago')

    def _pair_by_arrival(self, stamp, image, arrival, now):
        """Release a frame with the newest depth by arrival; None while it still waits."""
        if self._depths and self._depths[-1][2] >= arrival - self.depth_timeout:
            depth_stamp, depth, _ = self._depths[-1]
            return SyncedFrame(stamp, image, depth, self._info_for(stamp), depth_stamp)
        reason = self._no_depth_reason(arrival, now, by_arrival=True)
        if reason is None:
            return None
        return SyncedFrame(stamp, image, None, self._info_for(stamp), no_depth_reason=reason)

    def _release(self, now):
        went = [SyncedFrame(stamp, image, None, self._info_for(stamp), no_depth_reason=reason,
                            waited=max(0.0, now - arrival))
                for stamp, image, arrival, reason in self._went_back]
        self._went_back = []
        out = []
        kept = deque()

        def emit(frame, arrival):
            out.append(replace(frame, waited=max(0.0, now - arrival)))
            if frame.stamp != 0:
                self._released_stamp = max(frame.stamp, self._released_stamp or frame.stamp)

        hold = False  # a frame waits for a depth delivered out of order: keep the order
        while self._images:
            stamp, image, arrival = self._images.popleft()
            if hold:
                kept.append((stamp, image, arrival))
                continue
            if stamp != 0 and self._released_stamp is not None and \
                    stamp < self._released_stamp:
                # Delivered after a frame stamped later was released (out-of-order
                # delivery): answering it would move the answer back in time.
                self.out_of_order += 1
                continue
            if self.wait_for_info and not self._infos:
                # DDS does not order topics: the first camera_info can arrive just after
                # the first frames. Wait for it as for depth (once: a camera that sends
                # none is not held back again until one arrives).
                if not self._info_lost and now - arrival < self.depth_timeout:
                    kept.append((stamp, image, arrival))
                    continue
                self._info_lost = True
            if not self.use_depth:
                emit(SyncedFrame(stamp, image, None, self._info_for(stamp)), arrival)
                continue
            if self._by_arrival(stamp):
                frame = self._pair_by_arrival(stamp, image, arrival, now)
                if frame is None:
                    kept.append((stamp, image, arrival))
                else:
                    emit(frame, arrival)
                continue
            near = self._nearest(self._depths, stamp)
            if near is not None and abs(near[0] - stamp) > self.slop:
                near = None
            settled = self._settled(stamp, near)
            if settled and near is not None and now - arrival < self._reorder_delay and \
                    self._missing_nearer(stamp, near):
                kept.append((stamp, image, arrival))  # its own depth may still come
                hold = True
                continue
            if near is not None and (settled or self._waited(arrival, now)):
                emit(SyncedFrame(stamp, image, near[1], self._info_for(stamp), near[0]), arrival)
                continue
            if settled and near is None and now - arrival < self._reorder_delay:
                kept.append((stamp, image, arrival))  # its own depth may still come
                hold = True
                continue
            if settled:
                # A depth stream stamped regularly with the nearest depth within half its
                # period: the slop, not the clocks (helper-52: 6 Hz depth with colour
                # 0.6 s behind it was told to stamp both streams from one clock).
                gap, why = self.beyond_slop(stamp)
                lead = None if gap is not None else self.depth_leads(stamp, arrival)
                if lead is not None:
                    emit(SyncedFrame(
                        stamp, image, None, self._info_for(stamp),
                        no_depth_reason=f'no depth image within {self.slop} s of the '
                        'frame: depth images are stamped '
                        f'{lead * self.stamp_rate():.1f} s after the colour '
                        'frame they arrive with (the two streams on different clocks), '
                        f'or colour arrives {lead:.1f} s after its depth; stamp both '
                        'streams from one clock', depth_lead=lead), arrival)
                    continue
                emit(SyncedFrame(stamp, image, None, self._info_for(stamp),
                                 no_depth_reason=f'no depth image within {self.slop} s '
                                 'of the frame' + why, depth_gap=gap), arrival)
                continue
            lag = self.depth_lags(stamp, arrival)
            if near is None and lag is not None:
                emit(SyncedFrame(
                    stamp, image, None, self._info_for(stamp),
                    no_depth_reason=f'depth arrives {lag:.1f} s after the colour frame of '
                    f'the same stamp, or its clock is {lag * self.stamp_rate():.1f} s behind: '
                    'no depth can pair '
                    f'within the depth wait ({self.depth_timeout:g} s); raise depth_wait if '
                    'depth is late, or stamp both streams from one clock'), arrival)
                continue
            reason = self._no_depth_reason(arrival, now)
            if reason is None:
                kept.append((stamp, image, arrival))
                continue
            emit(SyncedFrame(stamp, image, None, self._info_for(stamp),
                             no_depth_reason=reason), arrival)
        self._images = kept
        if out and kept:
            # Frames released out of order: drop waiting ones older than the newest out.
            newest = max(f.stamp for f in out)
            while self._images and self._images[0][0] < newest:
                self._images.popleft()
                self.dropped += 1
        return went + out
