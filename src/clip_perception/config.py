"""Every parameter of the node, declared once, and the frozen configs built from them.

:data:`PARAMETERS` is plain data: the node turns it into rclpy declarations with
descriptors and ranges, the README's table is checked against it, and
:class:`PipelineConfig` (the core's view) is built from the same values.
"""

from dataclasses import dataclass
from dataclasses import fields
import math
import re
import textwrap


class ModelLoadError(RuntimeError):
    """The CLIP checkpoint (``model``, ``device``, ``dtype``, ``backend``) cannot be loaded.

    The message says what to do. It lives here, beside the parameter rules, and not in
    :mod:`clip_perception.scorer`: the node catches it at start-up without importing torch,
    so a parameter it refuses stops the node before torch is loaded.
    """


@dataclass(frozen=True)
class Param:
    """One ROS parameter: name, default, description, range, and whether it is live."""

    name: str
    default: object
    description: str
    read_only: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    accepts_list: bool = False  # a string array too (joined with ', '): dynamic typing

    @property
    def summary(self):
        """Return the description's first sentence: what the parameter sets, in one line.

        The README's Parameters table shows it; docs/parameters.md and ``ros2 param
        describe`` give the whole description. A sentence ends at a full stop followed by a
        space and a capital letter, or at the end of the text ("e.g. " ends none).

        :return: str, under 120 characters for every parameter of :data:`PARAMETERS`
            (checked by ``test/test_readme.py``).
        """
        first = re.match(r'(.*?\.)(?= [A-Z]|$)', self.description, re.S)
        return first[1] if first else self.description


PARAMETERS = (
    Param('model', 'openai/clip-vit-base-patch32',
          'Which CLIP model the node loads. '
          'CLIP checkpoint: hub id, local folder, or "bundled" for the tiny toy-world model '
          'shipped in share/clip_perception/models/tiny_clip. Safetensors weights only.',
          read_only=True),
    Param('device', 'auto', 'Inference device: auto (cuda if available), cpu, cuda or cuda:N.',
          read_only=True),
    Param('dtype', 'auto', 'Encoder precision: auto (float16 on CUDA, float32 on CPU), '
          'float32, float16 or bfloat16.', read_only=True,
          choices=('auto', 'float32', 'float16', 'bfloat16')),
    Param('backend', 'torch',
          'Which runtime runs the image encoder. '
          'Image-encoder runtime: torch, or openvino (CPU, float32; '
          'converted at start and cached under $ROS_HOME/clip_perception or '
          '~/.cache/clip_perception). Text always runs on torch. See the README, '
          '"Inference backends", for what each is measured to give.', read_only=True,
          choices=('torch', 'openvino')),
    Param('torch_threads', 0, "CPU threads for torch (0 = leave torch's default). Give the "
          'node dedicated cores on a robot.', read_only=True, min=0, max=256),
    Param('command', '', 'Current command, e.g. "the red ball" (also set by the command '
          'topic; the last one received wins). Empty or a cancel word ("stop", "cancel", '
          '"never mind") = idle.'),
    Param('prompt_template', '',
          'How the object of a command is worded for CLIP: one prompt template, or several '
          'averaged. '
          'Text template with one {} for the object part of the command, or several separated '
          'by | (or given as a YAML list, one template an item) whose unit text embeddings are '
          "averaged and renormalised (CLIP's prompt ensembling, Radford et al. 2021, sec. "
          "3.1.4). Empty: the checkpoint's own templates (clip_perception_vocabulary.json "
          '"templates"; the bundled model lists the seven it was trained with, which gained 2 '
          'points of right objects on the shifted scenes, see the README, "Confidence that '
          "transfers\"), else 'a photo of a {}'. Each template is refused unless it formats with"
          ' one object, the prompt contains it and two objects give two prompts ("a photo of '
          '{{}}" is the literal "a photo of {}" for every command).'),
    Param('max_proposals', 32, 'Most region proposals scored per frame.', min=1, max=256),
    Param('min_confidence', 0.5,
          'Threshold (0 to 1) on the confidence of confidence_rule: under it the answer is "not '
          'found". '
          'Confidence, as confidence_rule computes it, below which '
          'the answer is "not found" (softmax, what auto gives a checkpoint without a '
          'fitted calibration: 0.5 means the command is more likely than all contrast '
          'prompts together).', min=0.0, max=1.0),
    Param('confidence_rule', 'auto',
          'Which rule turns CLIP scores into the confidence that min_confidence is compared '
          'with. '
          'How confidence is computed: auto (calibration when the checkpoint ships a '
          'calibration fitted to it, else softmax; the bundled model ships none), softmax '
          "(CLIP zero-shot: softmax at the model's own logit_scale over the command and "
          'contrast prompts; needs no fitted constants, so it carries over to new '
          'checkpoints and scenes), calibration (logistic fit of the cosine, '
          'clip_perception_calibration.json next to the model, else a rough ViT-B/32 '
          'default) or both (the smaller of the two).',
          choices=('auto', 'softmax', 'calibration', 'both')),
    Param('vocabulary', '',
          'Other things usually in view, as contrast prompts for confidence (comma-separated, or '
          'a list). '
          'Comma-separated descriptions of other things usually in view (e.g. "laptop, coffee '
          "mug, keyboard\"), or a list of them (-p 'vocabulary:=[laptop, coffee mug]', a YAML "
          'list; joined with ", "; any other type is refused: at start-up with one FATAL line),'
          ' used as contrast prompts by confidence_rule softmax next to generic ones '
          '("background", "the table"). Empty: the vocabulary the checkpoint ships '
          '(clip_perception_vocabulary.json; the bundled model names its toy world), else '
          'generic prompts only. With the bundled toy model leave it empty: it knows no words '
          'outside its toy world, and contrasts such as "laptop" can take probability from a '
          'present object (a black ball went from found at 0.998 to not_found at 0.46 with '
          '"laptop, mug").', accepts_list=True),
    Param('spatial_margin', 4.0,
          'Margin (logits) below the best match within which spatial and size words choose and '
          'plurals collect. '
          'Margin below the best match, in logits (cosine times the '
          "checkpoint's logit_scale: 24.8 for the bundled model, 100 for OpenAI CLIP), "
          'within which spatial and size words ("left", "nearest", "largest") choose (with '
          'any other object above min_confidence) and plural commands collect.',
          min=0.0, max=100.0),
    Param('ambiguity_margin', 2.0,
          'Margin (logits) within which two objects match equally well and the answer is '
          'ambiguous. '
          "Margin in logits (cosine times the checkpoint's "
          'logit_scale) within which two distinct objects match "about equally": with no '
          'deciding word ("left", "nearest", "second") the answer is ambiguous (see '
          'on_ambiguous).', min=0.0, max=100.0),
    Param('on_ambiguous', 'report',
          'What to answer when two objects match equally well: report both, or pick the best. '
          'When two distinct objects match about equally and no '
          'word decides: report (status "ambiguous", both candidates, no pose) or pick (the '
          'best one, with the ambiguity in the reason).', choices=('report', 'pick')),
    Param('crop_context', 0.15, 'Context added around each proposal on every side, as a '
          'fraction of its longer side.', min=0.0, max=1.0),
    Param('crop_views', 1,
          'Views of each crop averaged: 1, the crop alone, or 5, also shifted by 1/16 of its side'
          ' (5x the work). '
          'Views of each crop whose image embeddings are averaged (and '
          'renormalised): 1, the crop alone; 5, also the crop shifted left, right, up and '
          "down by 1/16 of its side (a quarter of the bundled model's 16-pixel patch). Five "
          'views steady a model that reads a box differently when it moves by a pixel or '
          'two (the bundled model on scenes rendered differently: 74.3% of objects found '
          'against 71.7%, 72.9% of absent shapes answered "not found" against 67.6%) and '
          "cost five times the image encoder's work.", choices=(1, 5)),
    Param('depth_proposals', True, 'Propose regions that stand out of the support plane in '
          'depth.'),
    Param('image_proposals', True, 'Propose regions from the colour image alone '
          '(selective search + colour saliency).'),
    Param('nms_iou', 0.6, 'IoU above which overlapping proposals are merged.',
          min=0.05, max=1.0),
    Param('image_up', 'up',
          'Which way up is in the image, as the camera is mounted. '
          "Which way the world's up points in the image, as the camera "
          'is mounted: up (upright, rolled under 45 degrees), down (upside down), left or '
          'right (on its side: right when the image is the upright one turned clockwise). '
          'The support surface is looked for among planes facing that way (or the camera), '
          'and crops are turned upright before CLIP. Relations ("left of") stay along the '
          'image; "above", "below", "top" and "bottom" are read along the up this says. '
          'With a table in '
          'view, the first 3 frames with depth and camera_info are checked (again every '
          '10 s while a WARN stands), and a WARN names the value the '
          "table's facing says (each frame answered while it stands counted as "
          'frames_image_up_suspect); frames are never '
          'turned by the node.', read_only=True,
          choices=('up', 'down', 'left', 'right')),
    Param('image_rows', 'top_down',
          "Whether the images' first row is their top (top_down) or their bottom (bottom_up, an "
          'OpenGL readback). '
          'Which way the rows of the colour and depth images '
          'run: top_down (sensor_msgs/Image: the first row is the top) or bottom_up (the '
          "first row is the image's bottom, as OpenGL's glReadPixels returns a frame: a "
          'Unity, CoppeliaSim or Blender readback published unturned). bottom_up turns '
          "both images' rows over before anything else (a vertical flip: image_up:=down "
          'would turn them half round and mirror left and right too); camera_info is read '
          "as the upright image's. A camera_info whose fy is negative says bottom_up "
          'itself and is read so under either value. Boxes and ~/debug_image are in the '
          'turned image; poses are the same rays, in the same frame.', read_only=True,
          choices=('top_down', 'bottom_up')),
    Param('top_k', 5, 'Candidates reported on ~/detection_json and ~/detection (the chosen '
          'one first).',
          min=1, max=50),
    Param('image_transport', 'raw',
          'Which transport the colour image arrives on. '
          'Colour input: raw (sensor_msgs/Image on image), '
          'compressed (sensor_msgs/CompressedImage on <image>/compressed, the image topic as '
          'remapped, as image_transport names it) or zstd (zstd_image_transport, '
          "Jazzy's: sensor_msgs/CompressedImage on <image>/zstd, a raw image compressed "
          'whole, gzip or zstd).', read_only=True,
          choices=('raw', 'compressed', 'zstd')),
    Param('use_depth', True, 'Subscribe to the aligned depth image (16UC1 mm or 32FC1 m).',
          read_only=True),
    Param('assume_depth_registered', False,
          "Use depth whose frame_id is not the colour image's as registered to the colour camera "
          'anyway. '
          "Use depth whose header.frame_id is not the colour image's as if it were registered "
          'to the colour camera: for a driver that publishes registered depth under the depth '
          "camera's frame_id (realsense-ros#3344). Off, such depth is not used (frames are "
          "answered in 2D, saying why): the depth camera's own image beside the colour "
          'camera puts poses centimetres off (4.9 cm median on rendered D435 geometry, '
          'benchmarks/unregistered_depth.py).',
          read_only=True),
    Param('image_from_camera_info', 'scaled',
          'How a colour image a whole factor smaller than its camera_info relates to it. '
          'How a colour image relates to a camera_info of a whole multiple of its size that '
          'gives no binning or roi (the same principal point either way, no field tells): '
          'scaled (the same field of view at a lower resolution, a decimation, resize or '
          'binned sensor mode: focal lengths and principal point divided) or centre_crop (a '
          'centred window of that camera, a crop mode or digital zoom: focal lengths as '
          'given, the principal point shifted by the crop). Each is warned once naming the '
          'other.', read_only=True, choices=('scaled', 'centre_crop')),
    Param('depth_scale', 0.001,
          'Metres per unit of 16-bit integer depth (0.001: millimetres). '
          'Metres per unit of integer depth (16UC1, compressedDepth '
          "16UC1 and the compressed transport's 16-bit PNG): 0.001 for millimetres (REP "
          '118, most cameras); 0.0001 for a RealSense D405 (its depth_units, 0.1 mm), '
          '0.00025 for a RealSense L515 (0.25 mm). 32FC1 depth is not scaled by it (it is '
          'metres, or see float_depth_far), nor is any depth while float_depth_far is set. A '
          'wrong value moves every pose along its ray by the same factor, and no check on '
          'the depth alone can see it on a tabletop. Changing it drops the tracked target '
          '(its position was in the old units).', min=0.00001, max=0.01),
    Param('float_depth_far', 0.0,
          'Far clip plane (m) of depth a simulator normalises to [0, 1]; 0: floating-point depth '
          'is metres. '
          'Far clip plane (m) of floating-point depth (32FC1, '
          '64FC1, compressedDepth 32FC1, a float TIFF) normalised to [0, 1] between clip '
          'planes, as a simulator '
          "gives it: CoppeliaSim's vision sensor and PyRep/RLBench (z = near + d (far - "
          'near)), or z / far; while it is set, 16-bit depth (16UC1, mono16, compressedDepth '
          '16UC1, a 16-bit PNG) is such depth scaled to 16 bits, d = value / 65535 '
          '(depth_scale unused); 16-bit depth whose readings nearly all lie under 10000 (a '
          "camera's millimetres) is warned once, naming float_depth_far:=0 (counted as "
          'depth_camera_units_under_planes), also when it is then refused (read from a 1 '
          'cm near plane it lands under 2 cm). 0: the readings are metres (REP 118). '
          'Readings of 1.0 (the far plane, nothing hit) are no reading; readings beyond '
          '1.0 are refused as metres. Depth that ends in a plane of readings exactly 1.0 '
          'is warned, naming this parameter (counted as depth_far_plane). Changing it '
          'drops the tracked target.',
          min=0.0, max=100000.0),
    Param('float_depth_near', 0.0, 'Near clip plane (m) of floating-point depth normalised '
          'to [0, 1] (see float_depth_far; 0 for z / far). Used only while float_depth_far '
          'is set, and must lie below it; above 0 for float_depth_buffer z_buffer (a depth '
          'buffer with near 0 is refused naming it). Changing it drops the tracked target.',
          min=0.0, max=1000.0),
    Param('float_depth_buffer', 'linear',
          'How normalised simulator depth maps to metres (z_buffer: an OpenGL depth buffer). '
          'How floating-point depth in [0, 1] lies between '
          'float_depth_near and float_depth_far (used only while float_depth_far is set): '
          'linear (z = near + d (far - near): CoppeliaSim, z / far) or z_buffer (an OpenGL '
          "depth buffer, z = near far / (far - d (far - near)): PyBullet's getCameraImage, "
          'bulletphysics/bullet3#1932; refused as no metres without it). Changing it drops '
          'the tracked target.', choices=('linear', 'z_buffer')),
    Param('depth_kind', 'z',
          'Whether depth pixels are z (along the optical axis) or ray (the range along the '
          "pixel's ray). "
          'What a depth pixel measures: z (the distance along the optical axis, REP 118: every '
          "RGB-D camera driver, Isaac Sim's distance_to_image_plane, AirSim's DepthPlanar) or "
          "ray (the distance from the optical centre along the pixel's ray, a range: Isaac "
          "Sim's distance_to_camera, AirSim's DepthPerspective, a ToF sensor's range), "
          'converted to z with the colour camera_info (z = r / sqrt(1 + ((u-cx)/fx)^2 + '
          '((v-cy)/fy)^2)). A range read as z puts objects too far along their rays towards the'
          ' image edges (a flat table bows; the red ball near the left edge of the toy scene 50'
          ' mm off, 5 mm at the centre): with a table in view, the first 3 frames with depth '
          '(and 3 after each change) are checked, and a WARN names the other value when the '
          'table is flat only read that way (each frame read so while it stands counted as '
          'frames_depth_kind_suspect). Changing it'
          ' drops the tracked target.', choices=('z', 'ray')),
    Param('depth_mirrored', False,
          'Turn back depth images that are mirrored left-right against the colour image. '
          "Depth images whose columns run the other way from the "
          "colour image's (mirrored left-right: a renderer's RGB-D sensor, "
          'fsstudio-team/ZeroSimROSUnity#6): true turns each depth image back before it is '
          'used. Left false, depth whose edges lie on colour edges only when mirrored (the '
          'first 3 frames with depth, and 3 after each change) is warned, naming this '
          'parameter (each frame read so while it stands counted as '
          'frames_depth_mirrored_suspect). Changing it drops the tracked target.'),
    Param('depth_transport', 'raw',
          'Which transport the depth image arrives on. '
          'Depth input: raw (sensor_msgs/Image on depth), '
          "compressedDepth (image_transport's compressedDepth, sensor_msgs/CompressedImage on "
          '<depth>/compressedDepth: PNG or RVL, 16UC1 or 32FC1) or compressed '
          "(image_transport's compressed transport of a depth image, on <depth>/compressed: a "
          '16-bit PNG or TIFF, format "16UC1; png compressed ", as RealSense and Orbbec '
          'drivers publish it; a JPEG has lost the depth and is refused) or zstd '
          "(zstd_image_transport, Jazzy's: <depth>/zstd, the raw depth image compressed "
          'losslessly).', read_only=True,
          choices=('raw', 'compressedDepth', 'compressed', 'zstd')),
    Param('rectify', 'auto',
          'When lens distortion is removed from colour and depth images. '
          "Remove lens distortion from raw colour and aligned depth images, as image_proc's "
          "rectify node does (camera_info D, K, R, and P's 3x3 or K as the rectified camera "
          'matrix; plumb_bob, rational_polynomial or equidistant, also named fisheye, '
          "kannala_brandt or pinhole-equi; plumb_bob also by Kalibr's name radtan or "
          "librealsense's brown_conrady; librealsense's modified_brown_conrady and "
          'inverse_brown_conrady by their own formulas; zeros padding D dropped; colour '
          'bilinear, depth nearest): auto rectifies when D is not zero and the image topic is '
          'not named rect (image_rect, image_rect_raw: rectified already), and the depth with '
          "it unless the depth topic is named rect (depth_image_proc's "
          'depth_registered/image_rect: rectified once, not twice); always also on rect topics;'
          ' never leaves images as they come (poses off towards the edges of a distorted image,'
          ' warned). Boxes and ~/debug_image are then in the rectified image. Not applied with '
          'camera_info binning or roi (warned: rectify upstream with image_proc). An R that is '
          'no rotation (not orthonormal, a reflection, NaN) is read as identity, warned once, '
          'counted as camera_info_rotation. A D that is no lens (rectified with it, under half '
          'the image reads from inside the raw one, over 5% of it folded back, or it reads '
          'under a quarter of the raw image that its camera matrices read without distortion: '
          'coefficients in other units or order than the model, as Orbbec drivers sent them) is'
          ' not applied: the frames are used as they come, warned once, counted as '
          'camera_info_no_lens. Each frame is rectified with the maps of the camera_info it is '
          "paired with (after a resolution switch or a recalibration, not the newest's). Logged"
          ' once with the largest shift at the image border; frames counted as frames_rectified'
          ' (frames_not_rectified: a frame whose maps do not fit, logged once).',
          read_only=True, choices=('auto', 'always', 'never')),
    Param('swap_red_blue', False,
          'Swap red and blue in colour frames, for a driver that mislabels rgb8 and bgr8. '
          'Read colour frames with red and blue swapped, on every transport: for a driver that '
          'labels BGR pixels rgb8 (or RGB pixels bgr8: intel/ros2_intel_realsense#48, '
          'christianrauch/camera_ros#10), which no single frame tells (a red ball reads as a '
          'blue one). Colours in commands, answers and ~/debug_image then read right. Logged '
          'once at the first frame with colour; over grey frames (a mono or infrared stream) '
          'a WARN says there is nothing to swap (frames_swap_red_blue_no_colour).',
          read_only=True),
    Param('frame_id', '',
          'Frame of every output when set (e.g. camera_color_optical_frame); empty = copy the '
          "colour image's header.frame_id. Set it for drivers that leave frame_id empty. A "
          'value tf2 cannot use (a leading /, whitespace) is refused.'),
    Param('qos_reliability', 'best_effort',
          "Camera subscriptions' reliability: best_effort (sensor-data profile) or reliable "
          "(e.g. some RealSense setups). ROS 2's "
          'qos_overrides.<topic>.subscription.<history|depth|reliability> parameters (the topic'
          ' as resolved) apply over this and qos_depth, per topic. An override that no camera '
          'subscription takes is named in one WARN; in clip_perception_cameras (several '
          'cameras in one process, each given every -p) one that no camera of the process '
          'takes, once for the process.',
          read_only=True, choices=('best_effort', 'reliable')),
    Param('qos_depth', 5, "Camera subscriptions' history depth.", read_only=True,
          min=1, max=100),
    Param('sync_slop', 0.05, 'Most stamp difference (s) between colour, depth and '
          'camera_info paired into one frame.', min=0.0, max=10.0),
    Param('depth_wait', 0.5,
          'How long (s) a colour frame waits for its depth image before it goes on without '
          'depth. '
          'Seconds a colour frame waits for its depth image to arrive '
          'before it goes on without depth (status no_depth); it also bounds the wait for '
          'the first camera_info. Raise it when depth arrives late on the same clock (slow '
          'stereo matching, structured light, compressedDepth over Wi-Fi): answers come that '
          'much later, so keep max_frame_age above it.', min=0.0, max=10.0),
    Param('max_frame_age', 1.0, 'Frames older than this (s, node clock) when inference '
          'would start are skipped as stale; 0 disables the check.', min=0.0, max=3600.0),
    Param('input_timeout', 2.0, 'No colour frame for this long (s) is reported as stale '
          'input in diagnostics.', min=0.1, max=3600.0),
    Param('diagnostics_period', 1.0, 'Seconds between /diagnostics messages.',
          min=0.1, max=60.0),
    Param('tracking', True,
          'Follow the chosen target across frames, rather than choose afresh every frame. '
          'Follow the chosen target of a single-object command across '
          'frames (track id and age on ~/detection_json): another object takes over only '
          'when clearly better (track_margin); spatial, size, ordinal and relation words are '
          'decided when the target is acquired and kept while it is tracked. A new command '
          'or the ~/reset service drops the track. False: choose afresh every frame.'),
    Param('track_hold', 1.0,
          'How long (s) tracking holds a target that is out of sight. '
          'Seconds (image stamps) a tracked target that is not seen '
          '(occluded, out of view) is held before another match is acquired; while held the '
          'answer is not_found with the reason.', min=0.0, max=60.0),
    Param('track_gate', 0.1,
          'How far (m) a tracked target may move between two sightings and stay the same object. '
          'Metres a tracked target may move between two sightings and '
          'still be the same object (camera optical frame; without depth, boxes overlapping '
          'the predicted box are taken instead).', min=0.001, max=5.0),
    Param('track_margin', 0.15,
          'Confidence margin (0 to 1) by which tracking keeps its target against other objects. '
          'Confidence hysteresis of tracking: the tracked target is '
          'kept while its confidence stays above min_confidence minus this (minus twice '
          'this while it was seen at min_confidence or more within track_hold seconds), and '
          'another object replaces it only when its confidence is higher by more than this '
          "than both the tracked one's this frame and its best within track_hold seconds.",
          min=0.0, max=1.0),
    Param('reuse_crops', True,
          'Reuse the embeddings and proposals of image regions that have not changed (a still '
          'camera). '
          'Reuse the image embedding of a crop whose box and pixels '
          'have not changed since it was encoded, and the proposals of a frame unchanged '
          'since they were computed (a still camera); changed crops are always re-encoded.'),
    Param('reuse_tolerance', 4.0,
          'Grey levels (0-255) a block mean may change by and still count as unchanged '
          'for reuse. '
          'Grey levels (0-255) by which a block mean (8x8 pixels of '
          'the frame, or one of 16x16 cells of a crop) may differ and still count as '
          'unchanged; above sensor noise, below any real change. 0 reuses only identical '
          'pixels.', min=0.0, max=255.0),
    Param('reuse_box_px', 2.0, 'Pixels each box coordinate may move for a cached crop '
          'embedding to be considered (its pixels are compared too).', min=0.0, max=100.0),
    Param('watchdog_timeout', 10.0,
          'Seconds a frame may stay in one stage, or frames go unanswered, before /diagnostics '
          'turns ERROR. '
          'A frame in one pipeline stage for longer than this (s),'
          ' or colour frames arriving with none answered for this long, turns /diagnostics '
          'to ERROR naming the stage or the reason; 0 disables the watchdog.',
          min=0.0, max=3600.0),
)
PARAMETER_NAMES = tuple(p.name for p in PARAMETERS)


def parameters_help(width=88):
    """Return the parameters as ``--help`` prints them: name, default, when, what.

    :param width: line width the descriptions are wrapped to (characters).
    :return: str, one paragraph per parameter of :data:`PARAMETERS`, in order.
    """
    out = []
    for p in PARAMETERS:
        when = 'start-up only' if p.read_only else 'live'
        limits = f', {p.min:g} to {p.max:g}' if p.min is not None and p.max is not None \
            else f', one of {", ".join(map(str, p.choices))}' if p.choices else ''
        out.append(f'  {p.name} (default {p.default!r}; {when}{limits})')
        out.extend(textwrap.wrap(p.description, width, initial_indent=' ' * 6,
                                 subsequent_indent=' ' * 6))
    return '\n'.join(out)


@dataclass(frozen=True)
class PipelineConfig:
    """What the perception core needs (the live-changeable part of the parameters)."""

    max_proposals: int = 32
    min_confidence: float = 0.5
    spatial_margin: float = 4.0
    crop_context: float = 0.15
    crop_views: int = 1
    depth_proposals: bool = True
    image_proposals: bool = True
    nms_iou: float = 0.6
    image_up: str = 'up'
    top_k: int = 5
    prompt_template: str = ''
    ambiguity_margin: float = 2.0
    on_ambiguous: str = 'report'
    confidence_rule: str = 'auto'
    vocabulary: str = ''
    tracking: bool = True
    track_hold: float = 1.0
    track_gate: float = 0.1
    track_margin: float = 0.15
    reuse_crops: bool = True
    reuse_tolerance: float = 4.0
    reuse_box_px: float = 2.0

    @classmethod
    def from_values(cls, values):
        """Build from a ``{name: value}`` mapping (extra names ignored).

        A list for ``vocabulary`` (``-p 'vocabulary:=[a, b]'``, a YAML list) is joined
        with ``', '`` into the comma-separated form.
        """
        kwargs = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        if isinstance(kwargs.get('vocabulary'), (list, tuple)):
            kwargs['vocabulary'] = ', '.join(kwargs['vocabulary'])
        return cls(**kwargs)

    def memory_settings(self):
        """Return the values a camera's kept proposals and crop embeddings depend on.

        :data:`MEMORY_SETTINGS` in that order: a frame answered under other values must
        not be served what was kept under these
        (:meth:`clip_perception.tracking.Memory.begin` empties its caches when they
        change). ``image_up`` turns the crops before the encoder and picks the support
        surface the depth proposals stand on; it was missing, so crops and proposals kept
        under one orientation were served after it turned (session 34).

        :return: tuple of the values.
        """
        return tuple(getattr(self, name) for name in MEMORY_SETTINGS)


# The PipelineConfig fields that change proposals or a crop's embedding (what the
# frame memory keeps): proposal counts and kinds, NMS, image orientation, crop context
# and views. Thresholds, prompts and tracking change only what is made of them.
MEMORY_SETTINGS = ('max_proposals', 'depth_proposals', 'image_proposals', 'nms_iou',
                   'image_up', 'crop_context', 'crop_views')


def defaults():
    """``{name: default}`` for every parameter."""
    return {p.name: p.default for p in PARAMETERS}


# The node parameters that launch/clip_perception.launch.py takes as arguments of the same
# name: what the node's messages tell a user to set as ``name:=value`` (rectify:=never,
# depth_kind:=ray, image_up:=down, ...), what differs from robot to robot (model,
# device, transports, depth units) and what a robot tunes first (precision, runtime, CPU
# threads, the answer's threshold, the driver's QoS: a new user's trial, session 48,
# found them set only through a params file, and ``torch_threads:=2`` dropped by
# ``ros2 launch`` without a word).
LAUNCH_PARAMETERS = ('model', 'device', 'image_transport', 'depth_transport', 'depth_scale',
                     'float_depth_far', 'float_depth_near', 'float_depth_buffer', 'rectify',
                     'depth_kind', 'depth_mirrored', 'image_up', 'image_rows', 'vocabulary',
                     'frame_id', 'swap_red_blue', 'use_depth', 'image_from_camera_info',
                     'assume_depth_registered', 'dtype', 'backend', 'torch_threads',
                     'min_confidence', 'qos_reliability')


def launch_arguments(shipped, empty=None):
    """Return the launch arguments of :data:`LAUNCH_PARAMETERS`, from their descriptors.

    One source of truth: each argument's help is the parameter's description and its
    choices the parameter's, with '' first. Each defaults to '' (not given: the
    parameters file's value stands, so no launch default overwrites a user's file).

    :param shipped: ``{name: value}`` of the shipped parameters file, said in the help
        ("Empty: the parameters file's value (auto in the shipped one)"); a name it lacks
        is said without.
    :param empty: ``{name: text}`` said instead of that sentence, for an argument the
        launch file treats otherwise when empty (``model``).
    :return: list of ``(name, description, choices or None)``, in
        :data:`LAUNCH_PARAMETERS`' order.
    """
    params = {p.name: p for p in PARAMETERS}
    out = []
    for name in LAUNCH_PARAMETERS:
        p = params[name]
        said = (empty or {}).get(name)
        if said is None:
            value = shipped.get(name)
            value = ('true' if value else 'false') if isinstance(value, bool) else \
                'empty' if value == '' else value
            said = "Empty: the parameters file's value" + (
                f' ({value} in the shipped one).' if name in shipped else '.')
        truth = ' true/false in any spelling.' if isinstance(p.default, bool) else ''
        out.append((name, f'{p.description}{truth} {said}',
                    ['', *p.choices] if p.choices else None))
    return out


# Separates the templates of a prompt_template value whose text embeddings are averaged.
TEMPLATE_SEPARATOR = '|'
# The prompt of a checkpoint that names no templates of its own (CLIP's zero-shot default).
DEFAULT_TEMPLATE = 'a photo of a {}'


def split_templates(template):
    """Return the templates of a ``prompt_template`` value (several separated by ``|``).

    :param template: e.g. ``"a photo of a {}"`` or ``"a photo of a {} | a {} on a table"``.
    :return: tuple of stripped, non-empty templates (empty for ``''``).
    """
    return tuple(t.strip() for t in template.split(TEMPLATE_SEPARATOR) if t.strip())


# Two object phrases a prompt template is tried with (check_prompt_template).
_TEMPLATE_PROBES = ('red ball', 'blue mug')


def check_prompt_template(template):
    """Return None if ``template`` puts the object into the prompt, else why it does not.

    Judged by what it does, as the scorer uses it (``template.format(what)``, Python's
    str.format): it must format with one positional argument, the prompt must contain
    that argument, and two objects must give two different prompts. Counting ``{}``
    substrings let ``"a photo of {{}}"`` through, which formats to the literal ``"a photo
    of {}"`` for every command, so every command got the same answer.

    Several templates separated by ``|`` are checked one by one; ``''`` (the checkpoint's
    own templates) is fine.

    :param template: the ``prompt_template`` value.
    :return: None, or one line saying what is wrong and what to write instead.
    """
    if not template.strip():
        return None
    parts = split_templates(template)
    if len(parts) != 1:
        for part in parts:
            reason = check_prompt_template(part)
            if reason is not None:
                return reason
        return None
    template = parts[0]
    example = 'write one {} where the object goes, e.g. "a photo of a {}"'
    try:
        prompts = [template.format(what) for what in _TEMPLATE_PROBES]
    except (IndexError, KeyError, ValueError, AttributeError, TypeError) as exc:
        return (f'prompt_template "{template}" must contain exactly one {{}}: it does not '
                f'format with one object ({type(exc).__name__}: {exc}); {example}')
    if any(what not in prompt for what, prompt in zip(_TEMPLATE_PROBES, prompts)) or \
            prompts[0] == prompts[1]:
        braces = ' ("{{" and "}}" are literal braces)' if '{{' in template else ''
        return (f'prompt_template "{template}" must contain exactly one {{}}: it gives '
                f'"{prompts[0]}" for "{_TEMPLATE_PROBES[0]}", so the command would not '
                f'reach the prompt{braces}; {example}')
    return None


def check_vocabulary(value):
    """Return None if ``value`` is a usable ``vocabulary``, else why it is not.

    Declared with dynamic typing so that a string array is accepted beside the
    comma-separated string; any other type would be taken too, so it is refused here.
    """
    if isinstance(value, str):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return None
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value if not isinstance(v, str)})
        got = f'a list of {"/".join(kinds)} ({list(value)!r})'
    else:
        got = 'nothing (unset)' if value is None else f'{type(value).__name__} {value!r}'
    return (f'vocabulary must be a comma-separated string or a list of strings, e.g. '
            f'vocabulary:="laptop, coffee mug" or vocabulary:="[laptop, coffee mug]"; got '
            f'{got}')


def validate(name, value):
    """Return None if ``value`` is acceptable for ``name``, else the reason it is not.

    rclpy already enforces types, ranges and read-only; this adds the rules ranges
    cannot say.
    """
    if name == 'prompt_template':
        return check_prompt_template(value)
    if name == 'vocabulary':
        return check_vocabulary(value)
    if name == 'frame_id' and (value.startswith('/') or any(c.isspace() for c in value)):
        # tf2 refuses a leading slash (a ROS 1 habit); whitespace is never part of a name.
        return (f'frame_id "{value}" is not a tf2 frame id: no leading "/" and no '
                "whitespace, e.g. camera_color_optical_frame (empty = the image header's)")
    spec = next((p for p in PARAMETERS if p.name == name), None)
    if spec is not None and spec.choices and value not in spec.choices:
        return f'{name} must be one of {", ".join(map(str, spec.choices))}, not {value!r}'
    return None


# A number as C's strtod (rcl) and YAML 1.2 read it: digits with an optional point and
# exponent ("16", ".5", "1e-4"). Python's YAML (1.1) reads "1e-4", "5e-06" and "1.0e4" as
# text: it wants a point in the mantissa and a sign in the exponent.
_NUMBER_TEXT = re.compile(r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?')
# YAML 1.1's truth values (what rcl and ``ros2 param set`` read as booleans), any case.
_TRUE_TEXT = ('true', 'yes', 'on')
_FALSE_TEXT = ('false', 'no', 'off')


def value_from_text(text, kind):
    """Return the number or truth value ``text`` spells, as ``kind``, or None.

    ``ros2 param load`` and ``ros2 param set`` read values with Python's YAML, which
    takes ``1e-4``, ``5e-06`` and ``0.00001`` written as ``1e-05`` for text (ros2/
    ros2cli#834, ros2/rclpy#1672: "Wrong parameter type ... setting it to {string} is not
    allowed"), and launch files hand launch arguments over as strings
    (``ParameterValue(..., value_type=str)``; UniversalRobots/Universal_Robots_ROS2_Driver
    #265). Such text is the number or truth value it spells exactly; anything else
    (``'high'``, ``'0.5 s'``, ``'nan'``, a non-integral ``'2.5'`` for an integer) is not
    guessed.

    :param text: the value given (str).
    :param kind: ``float``, ``int`` or ``bool``: the declared type.
    :return: a ``kind`` value, or None when ``text`` does not spell one.
    """
    word = str(text).strip()
    if kind is bool:
        low = word.lower()
        return True if low in _TRUE_TEXT else False if low in _FALSE_TEXT else None
    if not _NUMBER_TEXT.fullmatch(word):
        return None
    value = float(word)
    if not math.isfinite(value):
        return None  # '1e999': no double holds it
    if kind is int:
        return int(value) if value.is_integer() and abs(value) < 2 ** 63 else None
    return value


def bool_from_integer(value):
    """Return the truth value an integer 0 or 1 given for a boolean stands for, or None.

    YAML and rcl read ``1`` and ``0`` as integers, and ROS 2 refuses an integer for a
    boolean parameter ("parameter {detector.refine} is of type {bool}, setting it to
    {integer} is not allowed": christianrauch/apriltag_ros#27, a launch YAML's ``refine:
    1``; christianrauch/camera_ros#57, ``ros2 param set /camera AeEnable 1``), as ROS 1's
    parameter server took them (xqms/rosmon#3). 1 is true and 0 false; any other integer
    (``2``, ``-1``) says no truth value for sure and is not guessed.

    :param value: the integer given (int; a bool is not an integer here).
    :return: True, False or None.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1):
        return None
    return bool(value)


def check_waits(values):
    """Return why ``depth_wait`` and ``max_frame_age`` do not fit together, or None.

    A colour frame may be held ``depth_wait`` seconds for its depth, and
    ``max_frame_age`` is measured when inference starts: with ``depth_wait`` at or above
    it, every frame whose depth comes late is held until it is stale and then skipped,
    so the depth the wait was raised for is never used (README, Topics: "keep
    max_frame_age above depth_wait plus the inference time").

    :param values: the node's parameter values (``max_frame_age``, ``depth_wait``,
        ``use_depth``).
    :return: the reason, or None (also when ``max_frame_age`` is 0, the check disabled,
        or ``use_depth`` is false: nothing waits).
    """
    age, wait = float(values['max_frame_age']), float(values['depth_wait'])
    if age <= 0 or not values['use_depth'] or wait < age:
        return None
    return (f'depth_wait {wait:g} s is not below max_frame_age {age:g} s: a frame held the '
            'whole wait for its depth is stale when it comes out and is skipped, so late '
            'depth is never used; keep max_frame_age above depth_wait plus the inference '
            f'time (e.g. max_frame_age {wait + 0.5:g})')


# The QoS policies of the camera subscriptions that ROS 2's standard override parameters,
# ``qos_overrides.<topic>.subscription.<policy>``, may set (rclpy's default policies, as
# image_pipeline's nodes take them); applied over qos_reliability and qos_depth.
QOS_OVERRIDE_POLICIES = ('history', 'depth', 'reliability')


def unmatched_qos_overrides(given, topics):
    """Return the ``qos_overrides.*`` names of ``given`` that no camera subscription takes.

    rclpy applies such a parameter only to the subscription on exactly that (resolved,
    remapped) topic and that policy, and ignores any other without a word: a topic
    written as remapped from (``/camera/color/image_raw`` for ``/image``), ``publisher``
    for ``subscription``, a policy it does not offer (``durability``).

    :param given: parameter names given to the node (its overrides).
    :param topics: resolved topic names of the subscriptions that take overrides.
    :return: sorted names that match none of them.
    """
    takes = {f'qos_overrides.{topic}.subscription.{policy}' for topic in topics
             for policy in QOS_OVERRIDE_POLICIES}
    return sorted(n for n in given if n.startswith('qos_overrides.') and n not in takes)


# The values rclpy takes for the override policies (an enum's lower-case names).
QOS_OVERRIDE_VALUES = {'history': ('keep_last', 'keep_all', 'system_default'),
                       'reliability': ('reliable', 'best_effort', 'best_available',
                                       'system_default')}


def check_qos_override(name, value):
    """Return None if the ``qos_overrides.*`` parameter ``name`` may be ``value``, else why.

    rclpy raises a bare RuntimeError for a policy value it has no name for when it
    creates the subscription (after configure, for the managed node: activate then fails
    without a log line); checked with the other parameters instead.
    """
    policy = name.rpartition('.')[2]
    if policy == 'depth':
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f'{name} must be a non-negative integer, got {value!r}'
        return None
    allowed = QOS_OVERRIDE_VALUES.get(policy)
    if allowed is not None and (not isinstance(value, str) or value.lower() not in allowed):
        return f'{name} must be one of {", ".join(allowed)}, got {value!r}'
    return None


# A ROS 2 name token (design.ros2.org, "Topic and Service name mapping to DDS"; rcl's
# rmw_validate_namespace): letters, digits and underscores, not starting with a digit.
_NAME_TOKEN = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')


# rmw's RMW_TOPIC_MAX_NAME_LENGTH (255 - 8): the longest fully qualified topic or service
# name; rclpy refuses a longer one (InvalidTopicNameException, InvalidServiceNameException).
MAX_NAME_LENGTH = 247
# The longest name the node creates below its namespace: a parameter service of rclpy's.
_LONGEST_NODE_NAME = '/clip_perception/set_parameters_atomically'


def _check_name(name, what):
    """Raise ValueError unless each ``/``-separated part of ``name`` is a ROS name token.

    The message names ``what`` and suggests the name with each other character (ASCII
    only, as ROS names are) made ``_`` and a ``_`` before a leading digit.
    """
    if all(_NAME_TOKEN.match(t) for t in name.split('/')):
        return
    fixed = '/'.join(re.sub(r'[^A-Za-z0-9_]', '_', t) if t else '_' for t in name.split('/'))
    fixed = '/'.join(('_' + t if t[:1].isdigit() else t) for t in fixed.split('/'))
    raise ValueError(f'{what} "{name}" is not a ROS name: each part must be ASCII '
                     'letters, digits and underscores, not starting with a digit (it '
                     f'becomes the node\'s namespace); e.g. "{fixed}"')


def camera_namespace(namespace, camera=''):
    """Return the node namespace ``<namespace>/<camera>`` (no leading ``/``), checked.

    :param namespace: the namespace above the cameras (``namespace:=``, ``--namespace``),
        one ROS name or empty: a comma-separated list is refused (helper-52:
        ``--namespace a,b`` was taken as the name ``a,b`` and failed in rcl).
    :param camera: a name from :func:`camera_names`, or empty for one camera.
    :return: the joined namespace, ``''`` when both are empty.
    :raises ValueError: a namespace that is not one ROS name, or a namespace so long that
        the node's names under it pass :data:`MAX_NAME_LENGTH` (rclpy raised
        InvalidTopicNameException or InvalidServiceNameException naming no camera).
    """
    namespace = namespace.strip().strip('/')
    if ',' in namespace:
        raise ValueError(f'namespace "{namespace}" is a list: it is one namespace above '
                         'all cameras; name the cameras in cameras:=')
    if namespace:
        _check_name(namespace, 'namespace')
    joined = '/'.join(p for p in (namespace, camera) if p)
    longest = len('/' + joined) + len(_LONGEST_NODE_NAME) if joined else \
        len(_LONGEST_NODE_NAME)
    if longest > MAX_NAME_LENGTH:
        raise ValueError(f'namespace "{joined}" is {len(joined)} characters: the node\'s '
                         f'names under it would be {longest}, over the {MAX_NAME_LENGTH} '
                         f'that ROS names may have (rmw); keep it to '
                         f'{MAX_NAME_LENGTH - len(_LONGEST_NODE_NAME) - 1}')
    return joined


def camera_names(cameras):
    """Camera names of a comma-separated list (``cameras:=wrist,head``), checked.

    Each becomes a namespace, so each of its ``/``-separated tokens must be a ROS name
    token. Before session 24 ``cam-1`` or a serial number (``2cam``) ended
    ``clip_perception_cameras`` in rclpy's InvalidNamespaceException traceback, and one
    node per process in rcl's remap-lexer error, neither naming the camera (helper-50;
    livox_ros_driver2#151: names from IP addresses). A name given twice would start two
    nodes of one name.

    :param cameras: the list as text; empty entries are skipped.
    :return: list of names, leading and trailing ``/`` and spaces removed.
    :raises ValueError: a name that is not a ROS name, or a name given twice.
    """
    names = [c.strip().strip('/') for c in cameras.split(',') if c.strip().strip('/')]
    for name in names:
        _check_name(name, 'camera name')
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f'camera name(s) given twice: {", ".join(repeated)} (each camera '
                         'has its own node and namespace)')
    return names
