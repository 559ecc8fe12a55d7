"""Batched crops match what CLIPProcessor makes of the same squares, closely enough."""

import numpy as np
from PIL import Image
import pytest
import torch
from transformers import CLIPProcessor

from clip_perception.crops import crop_batch
from clip_perception.crops import crop_sides
from clip_perception.crops import integer_squares
from clip_perception.crops import mean_views
from clip_perception.crops import normalise_image
from clip_perception.crops import square_boxes
from clip_perception.crops import view_boxes
from clip_perception.crops import VIEW_OFFSETS
from clip_perception.crops import VIEW_SHIFT
from clip_perception.scorer import ClipScorer
from clip_perception.world.scenes import generate_scene


def reference_crops(rgb, squares, mean):
    """Per-crop numpy square crops, padded with the mean colour, for the processor."""
    h, w = rgb.shape[:2]
    fill = np.round(np.array(mean) * 255).astype(np.uint8)
    out = []
    for x0, y0, side in zip(*integer_squares(squares)):
        x1, y1 = x0 + side, y0 + side
        canvas = np.tile(fill, (side, side, 1))
        sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        canvas[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = rgb[sy0:sy1, sx0:sx1]
        out.append(Image.fromarray(canvas))
    return out


def test_square_boxes_are_square_and_centred():
    sq = square_boxes([[10, 20, 30, 80]], context=0.1)
    assert np.allclose(sq[0, 2] - sq[0, 0], sq[0, 3] - sq[0, 1])
    assert np.allclose(sq[0, 2] - sq[0, 0], 60 * 1.2)
    assert np.allclose([(sq[0, 0] + sq[0, 2]) / 2, (sq[0, 1] + sq[0, 3]) / 2], [20, 50])


def test_crop_batch_samples_the_right_pixels():
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[10:20, 30:40] = 255
    image = normalise_image(rgb, (0, 0, 0), (1, 1, 1))
    crops = crop_batch(image, np.array([[30, 10, 40, 20], [0, 0, 10, 10]]), 10)
    assert torch.allclose(crops[0], torch.ones_like(crops[0]))
    assert torch.allclose(crops[1], torch.zeros_like(crops[1]))
    # Off the image: padded with the mean (zero after normalising).
    crops = crop_batch(image, np.array([[-20, -20, -10, -10], [55, 35, 65, 45]]), 4)
    assert torch.count_nonzero(crops[0]) == 0
    assert torch.count_nonzero(crops[1]) == 0


def test_batched_scores_match_clip_processor_top1_and_within_001():
    scorer = ClipScorer('bundled', device='cpu', dtype='float32')
    processor = CLIPProcessor.from_pretrained(scorer.model_path)
    worst, agree, total = 0.0, 0, 0
    for seed in range(6):
        scene = generate_scene(900 + seed)
        objs = scene.targetable()
        if len(objs) < 2:
            continue
        boxes = np.array([o.box for o in objs], float)
        squares = square_boxes(boxes, scorer.context)
        ours = scorer.forward(scorer.preprocess(scene.rgb, boxes))
        pixels = processor(images=reference_crops(scene.rgb, squares, scorer.mean),
                           return_tensors='pt')['pixel_values']
        ref = scorer.forward(pixels)
        for obj in objs:
            text = scorer.text_embedding(obj.name)
            a, b = (ours @ text).numpy(), (ref @ text).numpy()
            worst = max(worst, float(np.abs(a - b).max()))
            agree += int(a.argmax() == b.argmax())
            total += 1
    assert total >= 10
    assert agree == total
    assert worst < 0.01, worst


def test_a_read_only_image_is_normalised_without_a_warning():
    # An image decoded from bytes (a rosbag reader's messages) is read-only; torch warned
    # that writing through the tensor would be undefined (an error under pytest).
    rgb = np.frombuffer(np.arange(4 * 5 * 3, dtype=np.uint8).tobytes(), np.uint8)
    rgb = rgb.reshape(4, 5, 3)
    assert not rgb.flags.writeable
    t = normalise_image(rgb, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
    assert t.shape == (1, 3, 4, 5) and torch.allclose(t[0, :, 1, 2] * 255, torch.tensor(
        rgb[1, 2].astype(np.float32)))


def test_crops_are_turned_upright_for_the_cameras_mounting():
    """A quarter turn per image_up: 'down' 180 degrees, 'right' back counter-clockwise."""
    from clip_perception.crops import upright_crops
    upright = torch.zeros(1, 3, 4, 4)
    upright[0, :, 0, 1] = 1.0  # a mark near the top edge of an upright crop
    # The same crop as a camera upside down, or turned clockwise (up -> right), shows it.
    assert torch.equal(upright_crops(torch.rot90(upright, 2, dims=(-2, -1)), 'down'), upright)
    assert torch.equal(upright_crops(torch.rot90(upright, -1, dims=(-2, -1)), 'right'), upright)
    assert torch.equal(upright_crops(torch.rot90(upright, 1, dims=(-2, -1)), 'left'), upright)
    assert upright_crops(upright, 'up') is upright


def test_boxes_are_square_in_the_scene_with_non_square_pixels():
    """Crops are as high in the scene as they are wide when fy != fx.

    fy = 2 fx: a pixel spans twice the angle down that it spans across (another
    renderer's camera_info, a sensor binned one way).
    """
    for aspect in (2.0, 0.5):
        sq = square_boxes([[10, 20, 30, 80]], context=0.1, pixel_aspect=aspect)
        w, h = sq[0, 2] - sq[0, 0], sq[0, 3] - sq[0, 1]
        assert np.isclose(h, w * aspect)
        assert np.isclose(w, max(20, 60 / aspect) * 1.2)
        assert np.allclose([(sq[0, 0] + sq[0, 2]) / 2, (sq[0, 1] + sq[0, 3]) / 2], [20, 50])


def test_a_round_thing_seen_through_non_square_pixels_is_cropped_round():
    """A disc seen through non-square pixels is cropped round.

    Imaged with fy = 2 fx it is an ellipse twice as tall as wide in pixels; its crop,
    resized to the encoder's square, shows it round again.
    """
    for aspect in (2.0, 0.5):
        h, w = 200, 200
        vs, us = np.mgrid[0:h, 0:w]
        rx = 20.0
        disc = ((us - 100) / rx) ** 2 + ((vs - 100) / (rx * aspect)) ** 2 <= 1
        rgb = np.where(disc[..., None], 255, 0).astype(np.uint8).repeat(3, axis=2)
        image = normalise_image(rgb, (0, 0, 0), (1, 1, 1))
        box = [[100 - rx, 100 - rx * aspect, 100 + rx, 100 + rx * aspect]]
        crop = crop_batch(image, square_boxes(box, 0.0, pixel_aspect=aspect), 64,
                          pixel_aspect=aspect)[0, 0] > 0.5
        rows, cols = np.nonzero(crop.numpy())
        height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert abs(height - width) <= 2, (aspect, height, width)


@pytest.mark.parametrize('aspect', [1.0, 2.0, 0.5])
def test_views_are_the_box_and_copies_shifted_by_a_share_of_the_crop_side(aspect):
    """Five views: the box, then moved by VIEW_SHIFT of its square crop's side (issue #13).

    Vertical shifts are as far in the scene, ``side * fy / fx`` pixels, as crops are
    square in the scene; one view is the boxes themselves, untouched.
    """
    boxes = np.array([[100.0, 50.0, 140.0, 110.0], [3.0, 7.0, 5.0, 9.0],
                      [600.0, 400.0, 700.0, 430.0]])
    assert view_boxes(boxes, 1, 0.15, aspect) is not None
    np.testing.assert_array_equal(view_boxes(boxes, 1, 0.15, aspect), boxes)
    views = view_boxes(boxes, 5, 0.15, aspect).reshape(3, 5, 4)
    side = crop_sides(boxes, 0.15, pixel_aspect=aspect)
    # The second box is smaller than the 8-px minimum crop: shifted by that crop's side.
    assert side[1] == 8.0
    np.testing.assert_array_equal(views[:, 0], boxes)
    for k, (ox, oy) in enumerate(VIEW_OFFSETS[5]):
        d = views[:, k] - boxes
        np.testing.assert_allclose(d[:, 0], ox * VIEW_SHIFT * side)
        np.testing.assert_allclose(d[:, 1], oy * VIEW_SHIFT * side * aspect)
        np.testing.assert_array_equal(d[:, :2], d[:, 2:])  # moved, not resized
    assert {tuple(o) for o in VIEW_OFFSETS[5]} == {(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)}
    assert view_boxes(np.zeros((0, 4)), 5).shape == (0, 4)
    with pytest.raises(KeyError):
        view_boxes(boxes, 4)


def test_the_views_mean_is_each_boxs_unit_mean():
    rng = np.random.default_rng(3)
    emb = torch.nn.functional.normalize(torch.from_numpy(rng.normal(size=(15, 8))), dim=-1)
    pooled = mean_views(emb, 5)
    assert pooled.shape == (3, 8)
    for i in range(3):
        want = emb[5 * i:5 * i + 5].mean(0)
        torch.testing.assert_close(pooled[i], want / want.norm())
    assert mean_views(emb, 1) is emb
    assert mean_views(emb[:0], 5).shape[0] == 0
