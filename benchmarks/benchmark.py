"""How fast clip_perception is, against the tutorial baseline and the machine's ceiling.

    .venv/bin/python benchmarks/benchmark.py            # everything, a few minutes
    .venv/bin/python benchmarks/benchmark.py --quick    # fewer repeats, no ROS part

For a 640x480 generated frame and N = 16, 32, 64 proposals, per-stage times (proposals,
crop+preprocess, image encoding, scoring/selection, pose) and frames per second for the
shipped tiny CLIP and a CLIP ViT-B/32 built from the openai/clip-vit-base-patch32
configuration with random weights (compute does not depend on weight values). Each
configuration is repeated; min and median are reported. The baseline is the popular
tutorial loop: for every crop, ``CLIPProcessor(text=..., images=crop)`` then
``model(**inputs)``. The ceiling is a measured matmul rate in the encoder's dtype on the
same threads. On CUDA (when present) the same table runs in fp16. The end-to-end part
feeds the node (its own process) 640x480 RGB-D at 30 Hz.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import types

import cv2
import numpy as np
import torch

from clip_perception.config import PipelineConfig
from clip_perception.geometry import estimate_pose
from clip_perception.language import parse_command
from clip_perception.pipeline import Pipeline
from clip_perception.proposals import propose
from clip_perception.scorer import bundled_model_dir
from clip_perception.scorer import ClipScorer
from clip_perception.selection import select
from clip_perception.tracking import Memory
from clip_perception.world.scenes import generate_scene
from clip_perception.world.sequences import Sequence
from clip_perception.world.sequences import wide_scene

NS = (16, 32, 64)
COMMAND = 'the red ball'


def matmul_ceiling(dtype, device='cpu', n=2048, repeats=5):
    """Measured GFLOP/s of an n^3 matmul (median of ``repeats``)."""
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    for _ in range(2):
        a @ b
    times = []
    for _ in range(repeats):
        _sync(device)
        t = time.perf_counter()
        a @ b
        _sync(device)
        times.append(time.perf_counter() - t)
    return 2 * n ** 3 / statistics.median(times) / 1e9


def _sync(device):
    if str(device).startswith('cuda'):
        torch.cuda.synchronize()


def vision_flops(config):
    """FLOPs (2 x MACs) of one image-encoder forward, from a CLIPVisionConfig."""
    d, f, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    tokens = (config.image_size // config.patch_size) ** 2 + 1
    patch = (tokens - 1) * 3 * config.patch_size ** 2 * d
    per_layer = tokens * (4 * d * d + 2 * d * f) + 2 * tokens * tokens * d
    return 2 * (patch + layers * per_layer)


def vit_b32_folder(tmp):
    """Save a random-weight ViT-B/32 CLIP (openai config) with the bundled tokenizer."""
    from transformers import AutoTokenizer
    from transformers import CLIPConfig
    from transformers import CLIPModel

    torch.manual_seed(0)
    model = CLIPModel(CLIPConfig())  # defaults are openai/clip-vit-base-patch32
    tok = AutoTokenizer.from_pretrained(bundled_model_dir())
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    with open(os.path.join(bundled_model_dir(), 'preprocessor_config.json')) as f:
        cfg = json.load(f)
    cfg.update({'size': {'shortest_edge': 224}, 'crop_size': {'height': 224, 'width': 224}})
    with open(os.path.join(tmp, 'preprocessor_config.json'), 'w') as f:
        json.dump(cfg, f)
    return tmp


def boxes_for(scene, n, rng):
    """Exactly ``n`` proposals: the frame's real ones, topped up with jittered copies."""
    props = propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=n)
    boxes = list(props.boxes)
    while len(boxes) < n:
        b = np.array(boxes[rng.integers(len(boxes))])
        w, h = b[2] - b[0], b[3] - b[1]
        boxes.append(b + rng.uniform(-0.1, 0.1, 4) * [w, h, w, h])
    return np.array(boxes[:n]), props


def time_ours(scorer, scene, boxes, props, repeats):
    """Per-stage seconds of our pipeline on one frame, ``repeats`` times."""
    query = parse_command(COMMAND)
    stages = {k: [] for k in ('proposals', 'preprocess', 'encode', 'select', 'pose',
                              'total')}
    scorer.text_embedding(query.what)  # cached per command, as in the node
    for _ in range(repeats):
        t0 = time.perf_counter()
        propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=len(boxes))
        t1 = time.perf_counter()
        pixels = scorer.preprocess(scene.rgb, boxes)
        _sync(scorer.device)
        t2 = time.perf_counter()
        image = scorer.forward(pixels)
        t3 = time.perf_counter()
        cos = (image @ scorer.text_embedding(query.what)).numpy()
        sel = select(boxes, cos, query, threshold=0.0, calibration=scorer.calibration)
        t4 = time.perf_counter()
        estimate_pose(scene.depth, boxes[sel.chosen.index], scene.intrinsics, props.plane)
        t5 = time.perf_counter()
        for k, v in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0)):
            stages[k].append(v)
    return stages


def time_baseline(model_dir, scene, boxes, repeats, device='cpu', dtype=torch.float32):
    """Time the tutorial loop: per crop, processor(text, image) then model(**inputs)."""
    from PIL import Image
    from transformers import CLIPModel
    from transformers import CLIPProcessor

    model = CLIPModel.from_pretrained(model_dir, dtype=dtype).to(device).eval()
    processor = CLIPProcessor.from_pretrained(model_dir)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        propose(scene.rgb, scene.depth, scene.intrinsics, max_proposals=len(boxes))
        best_score = -1e9
        for box in boxes:
            x0, y0, x1, y1 = (int(round(v)) for v in box)
            crop = Image.fromarray(scene.rgb).crop((x0, y0, x1, y1))
            inputs = processor(text=[COMMAND], images=crop, return_tensors='pt',
                               padding=True).to(device)
            inputs['pixel_values'] = inputs['pixel_values'].to(dtype)
            with torch.no_grad():
                score = float(model(**inputs).logits_per_image[0, 0])
            best_score = max(best_score, score)
        _sync(device)
        times.append(time.perf_counter() - t0)
    del model
    return times


def camera_rows(folder, frames, repeats_baseline, device='cpu', dtype='float32',
                moving_frames=None):
    """Time the still and the moving camera: our pipeline with memory vs the tutorial loop.

    Frames are 640x480 windows of one rendered scene (8 objects) at 30 Hz with fresh
    sensor noise each frame (:mod:`clip_perception.world.sequences`): still, then panning
    2 px a frame. Our side runs the whole :meth:`Pipeline.run` (proposals, crops,
    encoding, selection, tracking, pose) with a :class:`Memory`, N = 32 proposals; the
    first 3 frames are warm-up. ``moving_frames`` (default ``frames``) for the moving
    camera, where every frame costs about the same. The baseline is
    :func:`time_baseline` on a frame of the same sequence (it has no memory: every frame
    costs the same).

    :return: list of row dicts.
    """
    scorer = ClipScorer(folder, device=device, dtype=dtype)
    pipe = Pipeline(scorer, PipelineConfig(max_proposals=32))
    scene = wide_scene(777, n_objects=8)
    command = 'the ' + scene.targetable()[0].name
    rows = []
    for label, pan in (('static camera', 0), ('moving camera', 2)):
        seq = Sequence(scene, pan_px=pan, seed=1)
        memory = Memory.from_config(pipe.config)
        times, encoded, total, n = [], 0, 0, []
        for k in range(frames if pan == 0 else moving_frames or frames):
            f = seq.frame(k)
            t = time.perf_counter()
            r = pipe.run(f.rgb, command, f.depth, f.intrinsics, memory=memory, stamp=f.stamp)
            _sync(device)
            if k >= 3:
                times.append(time.perf_counter() - t)
                encoded += r.work['crops_encoded']
                total += r.work['crops_encoded'] + r.work['crops_reused']
                n.append(len(r.proposals))
        f = seq.frame(frames // 2)
        boxes = propose(f.rgb, f.depth, f.intrinsics, max_proposals=32).boxes
        frame_scene = types.SimpleNamespace(rgb=f.rgb, depth=f.depth, intrinsics=f.intrinsics)
        base = time_baseline(folder, frame_scene, boxes, repeats_baseline, device,
                             getattr(torch, dtype))
        rows.append({'row': label, 'pan_px_per_frame': pan, 'frames': len(times),
                     'proposals_median': statistics.median(n),
                     'frame_median_s': statistics.median(times),
                     'frame_p95_s': float(np.percentile(times, 95)),
                     'baseline_median_s': statistics.median(base),
                     'speedup': statistics.median(base) / statistics.median(times),
                     'share_reencoded': encoded / max(total, 1)})
    return rows


def bf16_effect(model, scenes, device='cpu'):
    """Max |cosine(fp32) - cosine(bf16)| and top-1 flips over scenes' object crops."""
    a = ClipScorer(model, device=device, dtype='float32')
    b = ClipScorer(model, device=device, dtype='bfloat16')
    worst, flips, total = 0.0, 0, 0
    for scene in scenes:
        objs = scene.targetable()
        if len(objs) < 2:
            continue
        boxes = np.array([o.box for o in objs], float)
        ia, ib = a.forward(a.preprocess(scene.rgb, boxes)), b.forward(b.preprocess(scene.rgb,
                                                                                   boxes))
        for o in objs:
            ca = (ia @ a.text_embedding(o.name)).numpy()
            cb = (ib @ b.text_embedding(o.name)).numpy()
            worst = max(worst, float(np.abs(ca - cb).max()))
            flips += int(ca.argmax() != cb.argmax())
            total += 1
    return worst, flips, total


def ros_end_to_end(model, seconds, extra=(), noise_variants=30, rate=30.0):
    """Node as its own process fed 640x480 RGB-D at ``rate`` Hz; latency, rates, peak RSS.

    A still camera: one scene, sent as ``noise_variants`` noisy copies in turn.
    """
    from clip_perception.tools.demo import ros_environment
    from clip_perception.tools.soak import run_soak

    ros_environment()

    r = run_soak(seconds, rate, command_period=seconds, warmup=seconds / 3,
                 node_args=('-p', f'model:={model}', '-p', 'torch_threads:=2', *extra),
                 progress=False, noise_variants=noise_variants)
    lat = list(r['latency_per_minute'])
    return r, lat


def fmt(values):
    return f'{1000 * min(values):8.1f} {1000 * statistics.median(values):8.1f}'


def plot(path, series, ns=NS):
    """Time per frame against N, log scale, drawn with OpenCV (no matplotlib needed)."""
    w, h, m = 760, 480, 70
    img = np.full((h, w, 3), 255, np.uint8)
    all_t = [t for _, pts in series for _, t in pts]
    lo, hi = np.log10(min(all_t) * 0.7), np.log10(max(all_t) * 1.4)

    def xy(n, t):
        span = max(np.log2(max(ns)) - np.log2(min(ns)), 1)
        x = m + (np.log2(n) - np.log2(min(ns))) / span * (w - 2 * m)
        y = h - m - (np.log10(t) - lo) / (hi - lo) * (h - 2 * m)
        return int(x), int(y)

    cv2.rectangle(img, (m, m), (w - m, h - m), (0, 0, 0), 1)
    for n in ns:
        cv2.putText(img, str(n), (xy(n, 1)[0] - 8, h - m + 20), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (0, 0, 0), 1)
    for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1):
        for mant in (1, 2, 5):
            t = mant * 10.0 ** e
            if lo <= np.log10(t) <= hi:
                y = xy(min(ns), t)[1]
                cv2.line(img, (m, y), (w - m, y), (225, 225, 225), 1)
                cv2.putText(img, f'{1000 * t:g} ms', (4, y + 4), cv2.FONT_HERSHEY_SIMPLEX,
                            0.4, (0, 0, 0), 1)
    colours = [(200, 30, 30), (30, 30, 200), (30, 150, 30), (200, 120, 0), (120, 0, 160),
               (90, 90, 90)]
    for i, (label, pts) in enumerate(series):
        c = colours[i % len(colours)]
        p = [xy(n, t) for n, t in pts]
        for a, b in zip(p, p[1:]):
            cv2.line(img, a, b, c, 2, cv2.LINE_AA)
        for q in p:
            cv2.circle(img, q, 4, c, -1)
        cv2.putText(img, label, (m + 10, m + 18 + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.48, c,
                    1, cv2.LINE_AA)
    cv2.putText(img, 'time per 640x480 frame vs proposals N (median)', (m, m - 25),
                cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.imwrite(path, img)


MODELS = ('tiny', 'ViT-B/32')


def _positive_int(text):
    """Argparse type: an integer >= 1 (a clear usage error otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not an integer') from None
    if value < 1:
        raise argparse.ArgumentTypeError(f'{value} must be at least 1')
    return value


def parse_args(argv=None):
    """Command line; unknown model names and bad counts are usage errors (exit 2)."""
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--threads', type=_positive_int, default=2)
    p.add_argument('--quick', action='store_true', help='fewer repeats, skip ROS part')
    p.add_argument('--device', default='cpu', help='cpu, or cuda for the GPU table')
    p.add_argument('--no-ros', action='store_true')
    p.add_argument('--compile', action='store_true',
                   help='also time ViT-B/32 bf16 with torch.compile (slow to warm up)')
    p.add_argument('--out', default='out/benchmark')
    p.add_argument('--ns', type=_positive_int, nargs='+', default=list(NS),
                   help='proposal counts (each >= 1)')
    p.add_argument('--models', nargs='+', default=list(MODELS), choices=MODELS,
                   metavar='MODEL', help=f'models to time, any of: {", ".join(MODELS)}')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    device = args.device
    cuda = device.startswith('cuda')
    if cuda and not torch.cuda.is_available():
        print('CUDA requested but not available: skipping CUDA')
        return 0
    fast, slow = (2, 1) if args.quick else (5, 3)
    machine = (torch.cuda.get_device_name() if cuda else
               f'{platform.processor() or platform.machine()}, {args.threads} torch threads')
    print(f'# clip_perception benchmark on {machine}; torch {torch.__version__}, '
          f'{time.strftime("%Y-%m-%d")}')
    # bf16 only where the CPU multiplies it natively (AVX-512 BF16 or AMX); elsewhere torch
    # emulates it, many times slower than fp32, and the rows would only say that.
    capability = torch.backends.cpu.get_cpu_capability()
    native_bf16 = 'AVX512' in capability or 'AMX' in capability
    dtypes = ['float16'] if cuda else ['float32'] + (['bfloat16'] if native_bf16 else [])
    if not cuda and not native_bf16:
        print(f'CPU capability {capability}: no native bf16, bf16 rows skipped')
    ceilings = {dt: matmul_ceiling(getattr(torch, dt), device, n=8192 if cuda else 2048)
                for dt in dtypes}
    for dt, g in ceilings.items():
        print(f'matmul ceiling {dt}: {g:.0f} GFLOP/s')
    rng = np.random.default_rng(0)
    scene = generate_scene(777, n_objects=8)
    tmp = tempfile.mkdtemp()
    vit = vit_b32_folder(tmp)
    models = {k: v for k, v in {'tiny': bundled_model_dir(), 'ViT-B/32': vit}.items()
              if k in args.models}
    ns = tuple(args.ns)
    results = {'machine': machine, 'ceilings_gflops': ceilings, 'rows': []}
    header = (f'{"model":<9} {"dtype":<9} {"N":>3} | {"proposals":>9} {"crop+pre":>9} '
              f'{"encode":>9} {"select":>9} {"pose":>9} | {"frame min":>9} {"median":>8} '
              f'{"fps":>6} | {"crops/s":>8} {"% ceil":>6} | {"baseline":>9} {"speed-up":>8}')
    print('\nper-stage medians in ms; frame min/median in ms')
    print(header)
    print('-' * len(header))
    series = {}
    for name, folder in models.items():
        flops = None
        for dt in dtypes:
            scorer = ClipScorer(folder, device=device, dtype=dt)
            flops = vision_flops(scorer.model.config.vision_config)
            for n in ns:
                boxes, props = boxes_for(scene, n, rng)
                time_ours(scorer, scene, boxes, props, 1)  # warm-up
                st = time_ours(scorer, scene, boxes, props, fast)
                med = {k: statistics.median(v) for k, v in st.items()}
                crops_s = n / med['encode']
                frac = 100 * crops_s * flops / 1e9 / ceilings[dt]
                row = {'model': name, 'dtype': dt, 'N': n, 'median_s': med,
                       'frame_min_s': min(st['total']), 'crops_per_s': crops_s,
                       'percent_of_ceiling': frac, 'gflop_per_crop': flops / 1e9}
                results['rows'].append(row)
                series.setdefault(f'{name} ours {dt}', []).append((n, med['total']))
                row['_line'] = (f'{name:<9} {dt:<9} {n:>3} | '
                                + ' '.join(f'{1000 * med[k]:9.1f}' for k in
                                           ('proposals', 'preprocess', 'encode', 'select',
                                            'pose'))
                                + f' | {1000 * min(st["total"]):9.1f} {1000 * med["total"]:8.1f} '
                                f'{1 / med["total"]:6.1f} | {crops_s:8.1f} {frac:6.1f}')
            del scorer
        for n in ns:
            boxes, _ = boxes_for(scene, n, rng)
            base_dtype = torch.float16 if cuda else torch.float32
            base = time_baseline(folder, scene, boxes, slow if name == 'ViT-B/32' else fast,
                                 device, base_dtype)
            series.setdefault(f'{name} tutorial baseline', []).append(
                (n, statistics.median(base)))
            for row in results['rows']:
                if row['model'] == name and row['N'] == n and '_line' in row:
                    sp = statistics.median(base) / row['median_s']['total']
                    row['baseline_median_s'] = statistics.median(base)
                    row['speedup'] = sp
                    print(row.pop('_line') + f' | {1000 * statistics.median(base):9.1f} '
                          f'{sp:7.1f}x')
        print(f'  ({name}: {flops / 1e9:.2f} GFLOP per crop encoding)')
    if args.compile and not cuda:
        print('\nViT-B/32 bfloat16 + torch.compile (one compiled graph per N):')
        scorer = ClipScorer(vit, device=device, dtype='bfloat16')
        scorer.model.vision_model = torch.compile(scorer.model.vision_model)
        for n in ns:
            boxes, props = boxes_for(scene, n, rng)
            t = time.perf_counter()
            time_ours(scorer, scene, boxes, props, 1)
            warm = time.perf_counter() - t
            st = time_ours(scorer, scene, boxes, props, fast)
            enc = statistics.median(st['encode'])
            frac = 100 * n / enc * vision_flops(scorer.model.config.vision_config) / 1e9 \
                / ceilings['bfloat16']
            print(f'  N={n:>3}: encode {1000 * enc:.1f} ms ({n / enc:.1f} crops/s, '
                  f'{frac:.1f}% of ceiling), frame {1000 * statistics.median(st["total"]):.1f}'
                  f' ms, first call {warm:.1f} s')
            results.setdefault('compiled', []).append({'N': n, 'encode_s': enc,
                                                       'percent_of_ceiling': frac})
    print('\nStill and moving camera, N = 32, 640x480 at 30 Hz with sensor noise; the whole '
          'pipeline with its memory (issue 15) against the tutorial loop on the same frames:')
    print(f'  {"model":<9} {"row":<14} {"N":>3} {"frame median":>12} {"p95":>8} '
          f'{"baseline":>9} {"speed-up":>8} {"re-encoded":>10}')
    for name, folder in models.items():
        for row in camera_rows(folder, 15 if args.quick else 40,
                               slow if name == 'ViT-B/32' else fast, device,
                               'float16' if cuda else 'float32',
                               moving_frames=8 if args.quick else 13):
            results.setdefault('camera_rows', []).append(dict(row, model=name))
            print(f'  {name:<9} {row["row"]:<14} {row["proposals_median"]:>3.0f} '
                  f'{1000 * row["frame_median_s"]:9.1f} ms {1000 * row["frame_p95_s"]:5.1f} ms '
                  f'{1000 * row["baseline_median_s"]:6.0f} ms {row["speedup"]:7.1f}x '
                  f'{100 * row["share_reencoded"]:9.1f}%')
    scenes = [generate_scene(910_000 + i) for i in range(30)]
    if not cuda and native_bf16:
        print('\nbf16 against fp32 (cosine scores, object crops of 30 scenes):')
        for name, folder in models.items():
            worst, flips, total = bf16_effect(folder, scenes)
            results[f'bf16_{name}'] = {'max_abs_cosine_diff': worst, 'top1_flips': flips,
                                       'queries': total}
            print(f'  {name:<9} max |delta cosine| {worst:.4f}; top-1 changed in {flips} of '
                  f'{total} queries')
    plot_path = os.path.join(args.out, 'time_per_frame.png')
    plot(plot_path, sorted(series.items()), ns)
    print(f'\nplot: {plot_path}')
    if not (args.quick or args.no_ros or cuda):
        print('\nEnd to end through ROS (node process, a still camera: one scene as 30 noisy '
              'copies in turn, 640x480 RGB-D at 30 Hz, 2 threads):')
        runs = [(name, 30.0) for name in models] + (
            [('tiny', 60.0)] if 'tiny' in models else [])  # the tiny model's headroom
        for name, rate in runs:
            folder = models[name]
            model = 'bundled' if name == 'tiny' else folder
            r, lat = ros_end_to_end(model, 40.0, rate=rate)
            med = statistics.median([m['median_ms'] for m in lat]) if lat else float('nan')
            p95 = max([m['p95_ms'] for m in lat]) if lat else float('nan')
            proc_rate = r['answers_per_s_after_warmup']
            results[f'ros_{name}_{rate:.0f}hz'] = r
            print(f'  {name:<9} latency median {med:.0f} ms, p95 {p95:.0f} ms; processed '
                  f'{proc_rate:.1f} Hz of {r["frames_published"] / r["seconds"]:.1f} Hz, dropped '
                  f'{r["frames_dropped"]}; peak RSS {r["rss_peak_mb"]:.0f} MB; frames '
                  f'unchanged {r["frames_unchanged"]}, crops reused {r["crops_reused_share"]}')
    elif cuda:
        print('(ROS end-to-end part runs on the CPU machine only)')
    if not cuda:
        print('\nCUDA: ' + ('available, rerun with --device cuda' if torch.cuda.is_available()
                            else 'no GPU on this machine: skipped'))
    with open(os.path.join(args.out, f'results_{device.replace(":", "")}.json'), 'w') as f:
        json.dump(results, f, indent=1, default=str)
    return 0


if __name__ == '__main__':
    sys.exit(main())
