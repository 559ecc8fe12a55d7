"""Why an object found in a real frame is lost in its mirror image (issue #11).

For each labelled object of the real frames that is found (IoU >= 0.5) in one of two
views and not in the other, prints, per view, the step of
:func:`clip_perception.proposals.propose` where its best box stands: the best depth
region and its score, the best image box (selective search, saliency, hole boxes) and its
score, the rank of each after NMS and after ``later_parts_last`` (the cap keeps 32), and
whether the final proposals hold it. Boxes are compared in each view's own pixels (the
labels are mirrored or turned with the frame).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/mirror_diagnosis.py [VIEW_A VIEW_B]``
(default ``original mirror``; a turned view gets the ``image_up`` that
``clip_perception_eval real --image-up view`` gives it); ``--symmetry``: per frame, how many
depth regions and image boxes reappear exactly in the mirror image.
"""
import argparse
import os
import sys

import cv2
import numpy as np

from clip_perception import proposals as P
from clip_perception.geometry import box_iou
from clip_perception.world.evaluation import VIEW_IMAGE_UP
from clip_perception.world.real_eval import load_frames
from clip_perception.world.real_eval import view_frame


def stages(frame, image_up='up'):
    """Return the proposals' intermediate lists of one frame, as ``_propose`` makes them."""
    rgb, depth, k = frame.rgb, frame.depth, frame.intrinsics
    h, w = rgb.shape[:2]
    with P._one_blas_thread():
        found, surface, _, _, work = P.depth_regions(depth, k, rgb, image_up=image_up)
        img = P.start_image_proposals(rgb)()
        holes = P.hole_boxes(work, k, (h, w))
        hole_ok = np.arange(len(img) + len(holes)) < len(img)
        if len(holes):
            img = np.concatenate([img, holes])
        scores, _ = P._image_scores(rgb, img, work, hole_ok)
        dboxes = np.array([r['box'] for r in found], float).reshape(-1, 4)
        prio = np.array([r['score'] for r in found], float)
        bonus = P.agreement_bonus(dboxes, img) * ~np.array(
            [bool(r.get('container_wall')) for r in found], bool)
        for r, b in zip(found, bonus):
            r['repeated'] = bool(b > 0)
        prio = prio + bonus - P.whole_seen_penalty([r['parent'] for r in found], img) - \
            P.COLOUR_PIECE_PENALTY * np.array([r['colour_piece'] and r['repeated']
                                               for r in found], float)
        boxes = np.clip(np.concatenate([dboxes, img]), 0, [w, h, w, h])
        allp = np.concatenate([prio, scores])
        regions = list(found) + [None] * len(img)
        joined = np.array([r is not None and bool(r.get('joined')) for r in regions])
        order = P.nms(boxes, allp - 100.0 * joined, 0.6)
        if joined.any():
            order = order[np.argsort(-allp[order], kind='stable')]
        keep = P.later_parts_last(order, regions)
        final = P.propose(rgb, depth, k, image_up=image_up)
    return {'boxes': boxes, 'prio': allp, 'n_depth': len(found), 'order': order,
            'keep': keep, 'final': final, 'surface': surface, 'regions': regions}


def describe(st, box):
    """One line per stage: where the object's best box stands."""
    iou = box_iou(np.asarray(box, float)[None], st['boxes'])[0]
    nd = st['n_depth']
    out = []
    for name, sl in (('depth', slice(0, nd)), ('image', slice(nd, len(iou)))):
        idx = np.arange(len(iou))[sl]
        if not len(idx):
            out.append(f'{name}: none')
            continue
        j = idx[np.argmax(iou[sl])]
        # the best-ranked box at IoU >= 0.5 of this source
        good = idx[iou[sl] >= 0.5]
        jr = good[np.argmax(st['prio'][good])] if len(good) else j
        rank_nms = np.flatnonzero(st['order'] == jr)
        rank_keep = np.flatnonzero(st['keep'] == jr)
        out.append(f'{name}: best IoU {iou[j]:.2f} (prio {st["prio"][j]:.3f}); '
                   f'best-ranked >=0.5: IoU {iou[jr]:.2f} prio {st["prio"][jr]:.3f} '
                   f'nms rank {rank_nms[0] if len(rank_nms) else "-"} '
                   f'final rank {rank_keep[0] if len(rank_keep) else "-"}')
    fin = st['final']
    fi = box_iou(np.asarray(box, float)[None], fin.boxes)[0] if len(fin) else np.zeros(1)
    out.append(f'final: best IoU {fi.max():.2f} at {int(np.argmax(fi))} of {len(fin)}; '
               f'32nd prio {fin.scores[-1]:.3f}')
    return out


def mirrored_back(boxes, w):
    """``boxes`` (N, 4) of a mirrored frame ``w`` px wide, in the original's pixels."""
    b = np.asarray(boxes, float).reshape(-1, 4)
    return np.stack([w - b[:, 2], b[:, 1], w - b[:, 0], b[:, 3]], 1)


def symmetry(frames):
    """Per frame, how many depth regions and image boxes reappear exactly in the mirror."""
    for f in frames:
        w = f.rgb.shape[1]
        g = view_frame(f, 'mirror')
        ra, sa = P.depth_regions(f.depth, f.intrinsics, f.rgb)[:2]
        rb, sb = P.depth_regions(g.depth, g.intrinsics, g.rgb)[:2]
        a = np.clip([r['box'] for r in ra], 0, w)
        b = np.clip(mirrored_back([r['box'] for r in rb], w), 0, w)
        same = int((box_iou(a, b).max(1) > 0.999).sum()) if len(a) and len(b) else 0
        ia = P.start_image_proposals(f.rgb)()
        ib = mirrored_back(P.start_image_proposals(g.rgb)(), w)
        iou = box_iou(ia, ib).max(1)
        dn = np.abs(sa.normal - sb.normal * [-1, 1, 1]).max() \
            if sa is not None and sb is not None else float('nan')
        print(f'{f.name:28s} support normals differ by {dn:.4f}; depth regions {len(a)} / '
              f'{len(b)}, the same in the mirror {same}; image boxes {len(ia)} / {len(ib)}, '
              f'the same {int((iou > 0.999).sum())}, IoU >= 0.9 {int((iou >= 0.9).sum())}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('views', nargs='*', default=['original', 'mirror'])
    ap.add_argument('--data', default=os.path.join('..', 'shared', 'data', 'real_rgbd'))
    ap.add_argument('--labels', default=os.path.join('test', 'data', 'real_rgbd_labels.json'))
    ap.add_argument('--frames', default='')
    ap.add_argument('--all', action='store_true', help='every object, not only the lost')
    ap.add_argument('--symmetry', action='store_true',
                    help='per frame, the depth regions and image boxes the mirror repeats')
    args = ap.parse_args()
    cv2.setNumThreads(1)
    names = [n for n in args.frames.split(',') if n]
    frames = load_frames(args.data, args.labels, names or None)
    if args.symmetry:
        symmetry(frames)
        return
    va, vb = (args.views + ['mirror'])[:2]
    for frame in frames:
        fa, fb = view_frame(frame, va), view_frame(frame, vb)
        sa = stages(fa, VIEW_IMAGE_UP.get(va, 'up'))
        sb = stages(fb, VIEW_IMAGE_UP.get(vb, 'up'))
        for oa, ob in zip(fa.objects, fb.objects):
            hit = []
            for s, o in ((sa, oa), (sb, ob)):
                fin = s['final']
                hit.append(len(fin) and box_iou(np.asarray(o.box, float)[None],
                                                fin.boxes).max() >= 0.5)
            if hit[0] == hit[1] and not args.all:
                continue
            print(f'{frame.name} / {oa.name}: {va} {"found" if hit[0] else "LOST"}, '
                  f'{vb} {"found" if hit[1] else "LOST"}')
            for v, s, o in ((va, sa, oa), (vb, sb, ob)):
                n = s['surface'].normal if s['surface'] is not None else None
                print(f'  {v}: support normal {np.round(n, 4) if n is not None else None}')
                for line in describe(s, o.box):
                    print('    ' + line)
        sys.stdout.flush()


if __name__ == '__main__':
    main()
