"""CPU inference backends for the image encoder, side by side in one run (issue 15 part 3).

    .venv/bin/python -m pip install -r benchmarks/requirements-backends.txt
    .venv/bin/python benchmarks/backends.py --threads 1   # backends_cpu_1thread.log
    .venv/bin/python benchmarks/backends.py --threads 2   # backends_cpu_2threads.log

(the logs in benchmarks/results/ are its stdout with the libraries' tracing and progress
warnings filtered out).

For the shipped tiny CLIP (``bundled``) and a random-weight ViT-B/32 (openai config,
:func:`benchmark.vit_b32_folder`), the image encoder on N = 32 crops of a 640x480
generated frame, through: torch fp32, torch bf16, OpenVINO fp32, OpenVINO bf16 (the
``INFERENCE_PRECISION_HINT``; the plugin falls back to f32 on a CPU without bf16
units, and the table says which precision it actually compiled), OpenVINO int8 (NNCF
post-training quantisation, calibrated on crops of generated training-range scenes),
ONNX Runtime fp32 and ONNX Runtime int8 (dynamic quantisation). Calls are interleaved
round-robin over the variants, so load from other processes spreads over all of them
alike; min and median are reported, with ``uptime`` before and after.

Columns: ms per frame (encoder only, min / median), crops/s at the median, speed-up of
the median against torch fp32, the one-time conversion + compile cost, the largest
|cosine(variant) - cosine(torch fp32)| of object crops against their own names on the
grounding-evaluation scenes (text always on torch fp32, as in the node; the torch bf16
row is :func:`benchmark.bf16_effect`, whose text runs in bf16 too, as
``dtype:=bfloat16`` does) and the top-1 agreement with torch fp32 over those queries.
The tiny model's agreement is meaningful (it is trained); ViT-B/32 has random weights,
so only its drift means anything.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchmark import bf16_effect  # noqa: E402
from benchmark import boxes_for  # noqa: E402
from benchmark import vit_b32_folder  # noqa: E402

from clip_perception.backends import ImageEmbedder  # noqa: E402
from clip_perception.scorer import bundled_model_dir  # noqa: E402
from clip_perception.scorer import ClipScorer  # noqa: E402
from clip_perception.world.evaluation import GROUNDING_SEED  # noqa: E402
from clip_perception.world.evaluation import HELD_OUT  # noqa: E402
from clip_perception.world.scenes import generate_scene  # noqa: E402

CALIBRATION_SCENES_SEED = 5_000_000  # training range (evaluation.py), disjoint from tests


def uptime():
    """Return the load averages line of ``uptime``."""
    return subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()


def cpu_flags():
    """bf16-related CPU flags from /proc/cpuinfo (empty tuple when none)."""
    try:
        with open('/proc/cpuinfo') as f:
            flags = next((line for line in f if line.startswith('flags')), '').split()
    except OSError:
        return ()
    return tuple(f for f in flags if 'bf16' in f or f.startswith('amx') or f == 'avx512f')


def calibration_crops(scorer, count, n_scenes=40):
    """Normalised crops of proposals in generated training-range scenes (count, 3, S, S)."""
    rng = np.random.default_rng(1)
    crops = []
    for k in range(n_scenes):
        scene = generate_scene(CALIBRATION_SCENES_SEED + k)
        boxes, _ = boxes_for(scene, 8, rng)
        crops.append(scorer.preprocess(scene.rgb, boxes).float())
        if sum(len(c) for c in crops) >= count:
            break
    return torch.cat(crops)[:count]


def test_scenes(count):
    """Grounding-evaluation scenes (the evaluation's own seeds and held-out pairs)."""
    return [generate_scene(GROUNDING_SEED + k, exclude_pairs=HELD_OUT) for k in range(count)]


def drift(scorer, encode, scenes):
    """Max |cosine - cosine(torch fp32)| and top-1 agreement over object queries.

    :param encode: pixels (N, 3, S, S) float32 tensor -> (N, D) unit embeddings.
    :return: ``(max_abs_diff, agreements, queries)``.
    """
    worst, agree, total = 0.0, 0, 0
    for scene in scenes:
        objs = scene.targetable()
        if len(objs) < 2:
            continue
        boxes = np.array([o.box for o in objs], float)
        pixels = scorer.preprocess(scene.rgb, boxes)
        ref = scorer.forward(pixels)
        emb = torch.as_tensor(np.asarray(encode(pixels))).float()
        for o in objs:
            text = scorer.text_embedding(o.name)
            ca, cb = (ref @ text).numpy(), (emb @ text).numpy()
            worst = max(worst, float(np.abs(ca - cb).max()))
            agree += int(ca.argmax() == cb.argmax())
            total += 1
    return worst, agree, total


def openvino_variants(embedder, example, threads, calib, tmp):
    """OpenVINO fp32, bf16 (hint) and NNCF int8: ``[(label, encode, seconds, note)]``."""
    import openvino as ov

    out = []
    core = ov.Core()
    t = time.perf_counter()
    model = ov.convert_model(embedder, example_input=example,
                             input=[(-1,) + tuple(example.shape[1:])])
    convert = time.perf_counter() - t
    for hint in ('f32', 'bf16'):
        t = time.perf_counter()
        compiled = core.compile_model(model, 'CPU', {
            'INFERENCE_PRECISION_HINT': hint, 'INFERENCE_NUM_THREADS': threads,
            'PERFORMANCE_HINT': 'LATENCY'})
        cost = convert + time.perf_counter() - t
        actual = str(compiled.get_property('INFERENCE_PRECISION_HINT')).split("'")[-2]
        out.append((f'openvino {hint}', _ov_call(compiled), cost,
                    f'compiled as {actual}'))
    try:
        import nncf
    except ImportError:
        out.append(('openvino int8', None, 0.0, 'nncf not installed'))
        return out
    t = time.perf_counter()
    quantised = nncf.quantize(model, nncf.Dataset([c[None].numpy() for c in calib]),
                              model_type=nncf.ModelType.TRANSFORMER,
                              subset_size=len(calib))
    compiled = core.compile_model(quantised, 'CPU', {
        'INFERENCE_PRECISION_HINT': 'f32', 'INFERENCE_NUM_THREADS': threads,
        'PERFORMANCE_HINT': 'LATENCY'})
    out.append(('openvino int8', _ov_call(compiled), convert + time.perf_counter() - t,
                f'NNCF PTQ on {len(calib)} crops'))
    return out


def _ov_call(compiled):
    request = compiled.create_infer_request()

    def encode(pixels):
        return request.infer([np.ascontiguousarray(pixels.numpy(), np.float32)])[0]
    return encode


def onnxruntime_variants(embedder, example, threads, tmp):
    """ONNX Runtime fp32 and int8 dynamic quantisation: ``[(label, encode, s, note)]``."""
    import onnxruntime as ort
    from onnxruntime.quantization import quantize_dynamic
    from onnxruntime.quantization import QuantType

    out = []
    path = os.path.join(tmp, 'image.onnx')
    t = time.perf_counter()
    with torch.inference_mode():
        torch.onnx.export(embedder, (example,), path, input_names=['pixel_values'],
                          output_names=['embeddings'], dynamo=False,
                          dynamic_axes={'pixel_values': {0: 'n'}, 'embeddings': {0: 'n'}})
    export = time.perf_counter() - t
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    t = time.perf_counter()
    session = ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])
    out.append(('onnxruntime fp32', _ort_call(session), export + time.perf_counter() - t,
                'torch.onnx.export'))
    q_path = os.path.join(tmp, 'image_int8.onnx')
    t = time.perf_counter()
    quantize_dynamic(path, q_path, weight_type=QuantType.QInt8)
    session = ort.InferenceSession(q_path, options, providers=['CPUExecutionProvider'])
    out.append(('onnxruntime int8', _ort_call(session), export + time.perf_counter() - t,
                'dynamic quantisation'))
    return out


def _ort_call(session):
    def encode(pixels):
        return session.run(None, {'pixel_values': pixels.numpy().astype(np.float32)})[0]
    return encode


def measure(name, folder, args, tmp):
    """All variants for one model; returns the printed rows as dicts."""
    tiny = name == 'tiny'
    repeats = args.repeats if tiny else args.vit_repeats
    scene = generate_scene(777, n_objects=8)
    rng = np.random.default_rng(0)
    boxes, _ = boxes_for(scene, args.n, rng)
    fp32 = ClipScorer(folder, device='cpu', dtype='float32')
    pixels = fp32.preprocess(scene.rgb, boxes)
    variants = [('torch fp32', fp32.forward, 0.0, '')]
    t = time.perf_counter()
    bf16 = ClipScorer(folder, device='cpu', dtype='bfloat16')
    pixels_bf16 = pixels.bfloat16()
    variants.append(('torch bf16', lambda p: bf16.forward(p.bfloat16()),
                     time.perf_counter() - t, 'bf16 weights'))
    embedder = ImageEmbedder(fp32.model).eval()
    example = pixels[:2].clone()
    calib = calibration_crops(fp32, args.calibration if tiny else args.vit_calibration)
    variants += openvino_variants(embedder, example, args.threads, calib, tmp)
    variants += onnxruntime_variants(embedder, example, args.threads, tmp)
    variants = [v for v in variants if v[1] is not None]
    times = {v[0]: [] for v in variants}
    for label, encode, _, _ in variants:  # warm-up, and the cost of one call
        t = time.perf_counter()
        encode(pixels_bf16 if label == 'torch bf16' else pixels)
        times[label].append(time.perf_counter() - t)
    budget = dict.fromkeys(times, repeats)
    for label, first in times.items():
        if first[0] > args.slow:  # e.g. bf16 emulated on a CPU without bf16 units:
            budget[label] = 0     # its first call is its only sample
    times = {k: (v if budget[k] == 0 else []) for k, v in times.items()}
    for _ in range(max(budget.values())):
        for label, encode, _, _ in variants:
            if len(times[label]) < budget[label]:
                t = time.perf_counter()
                encode(pixels_bf16 if label == 'torch bf16' else pixels)
                times[label].append(time.perf_counter() - t)
    scenes = test_scenes(args.scenes if tiny else args.vit_scenes)
    rows = []
    base = statistics.median(times['torch fp32'])
    for label, encode, cost, note in variants:
        med = statistics.median(times[label])
        if label == 'torch fp32':
            worst = agree = total = None
        elif label == 'torch bf16':
            if times[label][0] > args.slow:
                worst = agree = total = None
            else:
                worst, flips, total = bf16_effect(folder, scenes)
                agree = total - flips
        else:
            worst, agree, total = drift(fp32, encode, scenes)
        rows.append({'model': name, 'variant': label, 'min_ms': 1000 * min(times[label]),
                     'median_ms': 1000 * med, 'crops_s': args.n / med, 'speedup': base / med,
                     'cost_s': cost, 'drift': worst, 'agree': agree, 'queries': total,
                     'samples': len(times[label]), 'note': note})
        _print_row(rows[-1])
    return rows


def _print_row(r):
    drift = '-' if r['drift'] is None else f'{r["drift"]:.1e}'
    agree = ('-' if r['agree'] is None else f'{r["agree"]}/{r["queries"]}')
    print(f'{r["model"]:<9} {r["variant"]:<17} | {r["min_ms"]:9.1f} {r["median_ms"]:9.1f} '
          f'{r["crops_s"]:8.1f} {r["speedup"]:7.2f}x | {r["cost_s"]:7.1f} | {drift:>8} '
          f'{agree:>8} | n={r["samples"]} {r["note"]}', flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--n', type=int, default=32, help='crops per frame')
    p.add_argument('--repeats', type=int, default=7)
    p.add_argument('--vit-repeats', type=int, default=3)
    p.add_argument('--scenes', type=int, default=60, help='test scenes, tiny model')
    p.add_argument('--vit-scenes', type=int, default=4, help='test scenes, ViT-B/32')
    p.add_argument('--calibration', type=int, default=128, help='int8 calibration crops')
    p.add_argument('--vit-calibration', type=int, default=32,
                   help='int8 calibration crops, ViT-B/32')
    p.add_argument('--slow', type=float, default=30.0,
                   help='a variant whose first call takes longer (s) is not called again: '
                   'that call is its only sample')
    p.add_argument('--models', nargs='+', default=['tiny', 'ViT-B/32'],
                   choices=['tiny', 'ViT-B/32'])
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    import onnxruntime
    import openvino
    versions = f'torch {torch.__version__}, openvino {openvino.__version__}, ' \
               f'onnxruntime {onnxruntime.__version__}'
    try:
        import nncf
        versions += f', nncf {nncf.__version__}'
    except ImportError:
        pass
    print(f'# CPU backends, {platform.processor() or platform.machine()}, {args.threads} '
          f'threads, N={args.n}; {versions}; {time.strftime("%Y-%m-%d %H:%M")}')
    print(f'# CPU bf16/AVX-512 flags: {" ".join(cpu_flags()) or "none"}')
    print(f'# load before: {uptime()}')
    header = (f'{"model":<9} {"variant":<17} | {"min ms":>9} {"median ms":>9} {"crops/s":>8} '
              f'{"vs fp32":>8} | {"cost s":>7} | {"drift":>8} {"top-1":>8} | samples')
    print(header)
    print('-' * len(header))
    tmp = tempfile.mkdtemp()
    folders = {'tiny': bundled_model_dir(), 'ViT-B/32': None}
    for name in args.models:
        folder = folders[name] or vit_b32_folder(os.path.join(tmp, 'vit'))
        measure(name, folder, args, tempfile.mkdtemp(dir=tmp))
    print(f'# load after: {uptime()}')
    print('# drift: max |cosine - cosine(torch fp32)| of object crops against their own '
          "names; top-1: queries whose best crop matches torch fp32's. ViT-B/32 has "
          'random weights: its drift is meaningful, its top-1 agreement is not.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
