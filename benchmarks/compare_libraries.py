r"""Our depth segmentation against Open3D and scikit-image on the real RGB-D frames.

Not part of the package: Open3D (``open3d-cpu``) and scikit-image are not in
requirements.txt. Run it in a throwaway environment that has them::

    python3 -m venv /tmp/o3d && /tmp/o3d/bin/pip install open3d-cpu scikit-image \\
        opencv-contrib-python-headless
    PYTHONPATH=src /tmp/o3d/bin/python benchmarks/compare_libraries.py

Each method proposes boxes from depth alone (no image proposals) on the same working
grid (about 213 columns); printed: recall at IoU >= 0.5 of the hand-labelled objects
(opaque + dark; transparent ones have little depth), boxes per frame, and median CPU
milliseconds per frame.

* ours: :func:`clip_perception.proposals.propose` with ``use_image=False``.
* open3d: ``estimate_normals`` + ``segment_plane`` (RANSAC, the largest plane) +
  ``cluster_dbscan`` of the points more than 1 cm above it -- the usual Open3D
  tabletop recipe.
* skimage: our support surface and foreground, split with
  ``skimage.segmentation.watershed`` on the depth gradient from distance-transform
  peaks (``skimage.feature.peak_local_max``) instead of our depth-edge cuts.
"""

import os
import sys
import time

import cv2
import numpy as np

from clip_perception.geometry import box_iou
from clip_perception.proposals import depth_regions
from clip_perception.proposals import propose
from clip_perception.support import working_grid
from clip_perception.world.real_eval import load_frames

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def boxes_from_labels(labels, step, min_px=12):
    out = []
    n = int(labels.max()) + 1 if labels.size else 0
    for i in range(1, n):
        ys, xs = np.nonzero(labels == i)
        if len(xs) < min_px:
            continue
        out.append((xs.min() * step, ys.min() * step, (xs.max() + 1) * step,
                    (ys.max() + 1) * step))
    return np.array(out, float).reshape(-1, 4)


def ours(frame):
    return propose(frame.rgb, frame.depth, frame.intrinsics, use_image=False).boxes


def open3d_boxes(frame):
    import open3d as o3d

    pts, step = working_grid(frame.depth, frame.intrinsics)
    h, w = pts.shape[:2]
    flat = pts.reshape(-1, 3)
    valid = np.flatnonzero(np.isfinite(flat[:, 2]))
    pcd = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(flat[valid].astype(np.float64)))
    pcd.estimate_normals(o3d.geometry.KDTreeSearchParamHybrid(radius=0.02, max_nn=30))
    o3d.utility.random.seed(0)
    (a, b, c, d), _ = pcd.segment_plane(distance_threshold=0.008, ransac_n=3,
                                        num_iterations=200)
    normal = np.array([a, b, c])
    if d < 0:
        normal, d = -normal, -d
    height = flat[valid] @ normal + d
    above = valid[(height > 0.01) & (height < 0.5)]
    labels = np.zeros(h * w, int)
    if len(above):
        sub = pcd.select_by_index(np.flatnonzero((height > 0.01) & (height < 0.5)).tolist())
        lab = np.asarray(sub.cluster_dbscan(eps=0.02, min_points=10))
        labels[above] = lab + 1
    return boxes_from_labels(labels.reshape(h, w), step)


def skimage_boxes(frame):
    from skimage.feature import peak_local_max
    from skimage.segmentation import watershed

    _, _, _, _, work = depth_regions(frame.depth, frame.intrinsics, frame.rgb)
    pts, step, fg = work.points, work.step, work.fg
    z = np.nan_to_num(pts[..., 2], nan=0.0)
    grad = cv2.morphologyEx(z, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    dist = cv2.distanceTransform(fg.astype(np.uint8), cv2.DIST_L2, 3)
    peaks = peak_local_max(dist, min_distance=4, labels=fg.astype(int))
    markers = np.zeros(fg.shape, int)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    labels = watershed(grad, markers, mask=fg)
    return boxes_from_labels(labels, step)


def main():
    cv2.setNumThreads(1)
    frames = load_frames(os.path.join(HERE, '..', 'shared', 'data', 'real_rgbd'),
                         os.path.join(HERE, 'test', 'data', 'real_rgbd_labels.json'))
    methods = {'ours': ours, 'open3d': open3d_boxes, 'skimage': skimage_boxes}
    print(f'{"method":8s} {"recall (opaque+dark)":>22s} {"boxes/frame":>12s} {"ms/frame":>9s}')
    for name, fn in methods.items():
        hits = total = 0
        times, counts = [], []
        for f in frames:
            fn(f)  # warm up
            t = time.process_time()
            boxes = fn(f)
            times.append(time.process_time() - t)
            counts.append(len(boxes))
            objs = [o for o in f.objects if o.kind != 'transparent']
            if not objs:
                continue
            iou = box_iou(np.array([o.box for o in objs], float), boxes)
            hits += int((iou.max(axis=1) >= 0.5).sum()) if len(boxes) else 0
            total += len(objs)
        print(f'{name:8s} {100.0 * hits / total:14.1f}% ({hits}/{total}) '
              f'{np.mean(counts):12.1f} {1000 * np.median(times):9.1f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
