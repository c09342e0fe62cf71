"""The DCNv4 CPU path: the operator's loops compiled by numba, parallel over (image, group)
pairs, channels innermost (contiguous in the channels-last layout). fp32 accumulation for
fp16/bf16/fp32 inputs, fp64 for fp64. The backward kernel recomputes each sample and writes the
value, offset and mask gradients; an (image, group) pair owns its slices, so there are no races.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from numba import njit, prange

from kernels.dcnv4.layout import DCNv4Geometry


@njit(inline="always")
def _point(offset_mask, n, yo, xo, row0, p, points, base_y, base_x, taps_x, taps_y, scale, height, width):
    """Point p: (inside the image?, mask scalar, top-left corner x, y, bilinear fractions x, y)."""
    m = offset_mask[n, yo, xo, row0 + 2 * points + p]
    x = base_x + (taps_x[p] + offset_mask[n, yo, xo, row0 + 2 * p]) * scale
    y = base_y + (taps_y[p] + offset_mask[n, yo, xo, row0 + 2 * p + 1]) * scale
    inside = -1.0 < y < height and -1.0 < x < width
    x0, y0 = math.floor(x), math.floor(y)
    return inside, m, int(x0), int(y0), x - x0, y - y0


@njit(parallel=True, fastmath=True, cache=True)
def _forward(value, offset_mask, taps_x, taps_y, stride_h, stride_w, origin_y, origin_x, scale, groups, channels,
             points, out):
    n_images, height, width, depth = value.shape
    _, out_h, out_w, _ = offset_mask.shape
    pixels = value.reshape(n_images * height * width, depth)  # one row per pixel, channels contiguous
    results = out.reshape(n_images * out_h * out_w, depth)
    for job in prange(n_images * groups):
        n, g = job // groups, job % groups
        first, row0 = g * channels, g * 3 * points
        acc = np.empty(channels, dtype=out.dtype)
        for yo in range(out_h):
            base_y = yo * stride_h + origin_y
            for xo in range(out_w):
                base_x = xo * stride_w + origin_x
                acc[:] = 0.0
                for p in range(points):
                    inside, m, ix, iy, fx, fy = _point(offset_mask, n, yo, xo, row0, p, points, base_y, base_x,
                                                       taps_x, taps_y, scale, height, width)
                    if not inside:
                        continue
                    for dy in range(2):
                        cy = iy + dy
                        if cy < 0 or cy >= height:
                            continue
                        wy = fy if dy else 1.0 - fy
                        for dx in range(2):
                            cx = ix + dx
                            if cx < 0 or cx >= width:
                                continue
                            weight = m * wy * (fx if dx else 1.0 - fx)
                            pixel = (n * height + cy) * width + cx
                            for c in range(channels):
                                acc[c] += weight * pixels[pixel, first + c]
                target = (n * out_h + yo) * out_w + xo
                for c in range(channels):
                    results[target, first + c] = acc[c]


@njit(parallel=True, fastmath=True, cache=True)
def _backward(value, offset_mask, grad_out, taps_x, taps_y, stride_h, stride_w, origin_y, origin_x, scale, groups,
              channels, points, grad_value, grad_offset_mask):
    n_images, height, width, depth = value.shape
    _, out_h, out_w, _ = offset_mask.shape
    pixels = value.reshape(n_images * height * width, depth)
    pixel_grads = grad_value.reshape(n_images * height * width, depth)
    out_grads = grad_out.reshape(n_images * out_h * out_w, depth)
    for job in prange(n_images * groups):
        n, g = job // groups, job % groups
        first, row0 = g * channels, g * 3 * points
        go = np.empty(channels, dtype=value.dtype)
        for yo in range(out_h):
            base_y = yo * stride_h + origin_y
            for xo in range(out_w):
                base_x = xo * stride_w + origin_x
                target = (n * out_h + yo) * out_w + xo
                for c in range(channels):
                    go[c] = out_grads[target, first + c]
                for p in range(points):
                    inside, m, ix, iy, fx, fy = _point(offset_mask, n, yo, xo, row0, p, points, base_y, base_x,
                                                       taps_x, taps_y, scale, height, width)
                    if not inside:
                        continue
                    sampled_dot = 0.0  # sum_c grad_out * bilinear sample
                    grad_x = 0.0
                    grad_y = 0.0
                    for dy in range(2):
                        cy = iy + dy
                        if cy < 0 or cy >= height:
                            continue
                        wy = fy if dy else 1.0 - fy
                        sy = 1.0 if dy else -1.0  # d wy / d y
                        for dx in range(2):
                            cx = ix + dx
                            if cx < 0 or cx >= width:
                                continue
                            wx = fx if dx else 1.0 - fx
                            sx = 1.0 if dx else -1.0
                            pixel = (n * height + cy) * width + cx
                            spread = m * wx * wy
                            dot = 0.0
                            for c in range(channels):
                                dot += go[c] * pixels[pixel, first + c]
                                pixel_grads[pixel, first + c] += spread * go[c]
                            sampled_dot += wx * wy * dot
                            grad_x += sx * wy * dot
                            grad_y += sy * wx * dot
                    grad_offset_mask[n, yo, xo, row0 + 2 * p] = m * grad_x * scale
                    grad_offset_mask[n, yo, xo, row0 + 2 * p + 1] = m * grad_y * scale
                    grad_offset_mask[n, yo, xo, row0 + 2 * points + p] = sampled_dot


def _arrays(geometry: DCNv4Geometry, *tensors: torch.Tensor):
    compute = torch.float64 if tensors[0].dtype == torch.float64 else torch.float32
    arrays = [t.detach().to(compute).contiguous().numpy() for t in tensors]
    taps_x, taps_y = geometry.kernel_taps()
    origin_y, origin_x = geometry.window_origin()
    scalars = (np.array(taps_x, arrays[0].dtype), np.array(taps_y, arrays[0].dtype), float(geometry.stride[0]),
               float(geometry.stride[1]), origin_y, origin_x, float(geometry.offset_scale), geometry.group,
               geometry.group_channels, geometry.points)
    return arrays, scalars


def dcnv4_cpu(value: torch.Tensor, offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> torch.Tensor:
    (value_np, offset_np), scalars = _arrays(geometry, value, offset_mask)
    out_h, out_w = geometry.out_size
    out = np.zeros((value.shape[0], out_h, out_w, value.shape[3]), value_np.dtype)
    _forward(value_np, offset_np, *scalars, out)
    return torch.from_numpy(out).to(value.dtype)


def dcnv4_cpu_backward(value: torch.Tensor, offset_mask: torch.Tensor, grad_out: torch.Tensor,
                       geometry: DCNv4Geometry) -> tuple[torch.Tensor, torch.Tensor]:
    (value_np, offset_np, grad_np), scalars = _arrays(geometry, value, offset_mask, grad_out)
    grad_value = np.zeros_like(value_np)
    grad_offset = np.zeros_like(offset_np)
    _backward(value_np, offset_np, grad_np, *scalars, grad_value, grad_offset)
    return torch.from_numpy(grad_value).to(value.dtype), torch.from_numpy(grad_offset).to(offset_mask.dtype)
