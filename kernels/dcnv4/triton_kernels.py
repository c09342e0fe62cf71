"""DCNv4 forward and backward as Triton kernels (fp32 accumulation for any input dtype).

One program computes BLOCK_Q output positions of one group: for each of the group's points it
reads the offsets and the modulation scalar, the four bilinear corners' channels (zero outside
the image), and accumulates. The backward program recomputes the same samples: the offset and
mask gradients of a (position, group, point) belong to one program, so they are plain stores;
the value gradient is scattered to the four corners with atomic adds into an fp32 buffer.
Runs on CUDA, or on CPU tensors under TRITON_INTERPRET=1 (the tests).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels.dcnv4.layout import DCNv4Geometry

BLOCK_Q = 32


@triton.jit
def _corner(value_ptr, n, cy, cx, H, W, g, channel, c_ok, q_ok, GC: tl.constexpr, C: tl.constexpr):
    inside = q_ok & (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H)
    offsets = ((n * H + cy) * W + cx).to(tl.int64) * GC + g * C
    values = tl.load(value_ptr + offsets[:, None] + channel[None, :], mask=inside[:, None] & c_ok[None, :],
                     other=0.0).to(tl.float32)
    return values, inside, offsets


@triton.jit
def _query(Q, HO, WO, stride_h, stride_w, origin_y, origin_x, BLOCK_Q: tl.constexpr):
    """This program's output positions: flat index, in-range mask, image, window centre (y, x)."""
    q = tl.program_id(0) * BLOCK_Q + tl.arange(0, BLOCK_Q)
    rest = q % (HO * WO)
    base_y = (rest // WO).to(tl.float32) * stride_h + origin_y
    base_x = (rest % WO).to(tl.float32) * stride_w + origin_x
    return q, q < Q, q // (HO * WO), base_y, base_x


@triton.jit
def _point(om_ptr, om_row, q_ok, base_y, base_x, taps_x_ptr, taps_y_ptr, scale, p, P: tl.constexpr):
    """Point p of the group: its mask scalar, the bilinear fractions and the top-left corner."""
    dx = tl.load(om_ptr + om_row + 2 * p, mask=q_ok, other=0.0).to(tl.float32)
    dy = tl.load(om_ptr + om_row + 2 * p + 1, mask=q_ok, other=0.0).to(tl.float32)
    m = tl.load(om_ptr + om_row + 2 * P + p, mask=q_ok, other=0.0).to(tl.float32)
    x = base_x + (tl.load(taps_x_ptr + p) + dx) * scale
    y = base_y + (tl.load(taps_y_ptr + p) + dy) * scale
    x0 = tl.floor(x)
    y0 = tl.floor(y)
    return m, x - x0, y - y0, x0.to(tl.int32), y0.to(tl.int32)


@triton.jit
def _dcnv4_forward_kernel(value_ptr, om_ptr, out_ptr, taps_x_ptr, taps_y_ptr, Q, H, W, HO, WO, D,
                          stride_h, stride_w, origin_y, origin_x, scale,
                          G: tl.constexpr, C: tl.constexpr, P: tl.constexpr, BLOCK_Q: tl.constexpr,
                          BLOCK_C: tl.constexpr):
    g = tl.program_id(1)
    q, q_ok, n, base_y, base_x = _query(Q, HO, WO, stride_h, stride_w, origin_y, origin_x, BLOCK_Q)
    channel = tl.arange(0, BLOCK_C)
    c_ok = channel < C
    om_row = q.to(tl.int64) * D + g * 3 * P
    acc = tl.zeros((BLOCK_Q, BLOCK_C), dtype=tl.float32)
    for p in tl.static_range(P):
        m, fx, fy, x0, y0 = _point(om_ptr, om_row, q_ok, base_y, base_x, taps_x_ptr, taps_y_ptr, scale, p, P)
        v00, _, _ = _corner(value_ptr, n, y0, x0, H, W, g, channel, c_ok, q_ok, G * C, C)
        v01, _, _ = _corner(value_ptr, n, y0, x0 + 1, H, W, g, channel, c_ok, q_ok, G * C, C)
        v10, _, _ = _corner(value_ptr, n, y0 + 1, x0, H, W, g, channel, c_ok, q_ok, G * C, C)
        v11, _, _ = _corner(value_ptr, n, y0 + 1, x0 + 1, H, W, g, channel, c_ok, q_ok, G * C, C)
        sampled = ((1 - fx) * (1 - fy))[:, None] * v00 + (fx * (1 - fy))[:, None] * v01 \
            + ((1 - fx) * fy)[:, None] * v10 + (fx * fy)[:, None] * v11
        acc += m[:, None] * sampled
    out_offsets = q.to(tl.int64) * (G * C) + g * C
    tl.store(out_ptr + out_offsets[:, None] + channel[None, :], acc.to(out_ptr.dtype.element_ty),
             mask=q_ok[:, None] & c_ok[None, :])


@triton.jit
def _dcnv4_backward_kernel(value_ptr, om_ptr, grad_out_ptr, grad_value_ptr, grad_om_ptr, taps_x_ptr, taps_y_ptr,
                           Q, H, W, HO, WO, D, stride_h, stride_w, origin_y, origin_x, scale,
                           G: tl.constexpr, C: tl.constexpr, P: tl.constexpr, BLOCK_Q: tl.constexpr,
                           BLOCK_C: tl.constexpr):
    g = tl.program_id(1)
    q, q_ok, n, base_y, base_x = _query(Q, HO, WO, stride_h, stride_w, origin_y, origin_x, BLOCK_Q)
    channel = tl.arange(0, BLOCK_C)
    c_ok = channel < C
    both_ok = q_ok[:, None] & c_ok[None, :]
    om_row = q.to(tl.int64) * D + g * 3 * P
    go = tl.load(grad_out_ptr + (q.to(tl.int64) * (G * C) + g * C)[:, None] + channel[None, :], mask=both_ok,
                 other=0.0).to(tl.float32)
    for p in tl.static_range(P):
        m, fx, fy, x0, y0 = _point(om_ptr, om_row, q_ok, base_y, base_x, taps_x_ptr, taps_y_ptr, scale, p, P)
        v00, in00, at00 = _corner(value_ptr, n, y0, x0, H, W, g, channel, c_ok, q_ok, G * C, C)
        v01, in01, at01 = _corner(value_ptr, n, y0, x0 + 1, H, W, g, channel, c_ok, q_ok, G * C, C)
        v10, in10, at10 = _corner(value_ptr, n, y0 + 1, x0, H, W, g, channel, c_ok, q_ok, G * C, C)
        v11, in11, at11 = _corner(value_ptr, n, y0 + 1, x0 + 1, H, W, g, channel, c_ok, q_ok, G * C, C)
        w00 = (1 - fx) * (1 - fy)
        w01 = fx * (1 - fy)
        w10 = (1 - fx) * fy
        w11 = fx * fy
        sampled = w00[:, None] * v00 + w01[:, None] * v01 + w10[:, None] * v10 + w11[:, None] * v11
        grad_m = tl.sum(go * sampled, axis=1)
        d_dx = (1 - fy)[:, None] * (v01 - v00) + fy[:, None] * (v11 - v10)
        d_dy = (1 - fx)[:, None] * (v10 - v00) + fx[:, None] * (v11 - v01)
        grad_dx = m * tl.sum(go * d_dx, axis=1) * scale
        grad_dy = m * tl.sum(go * d_dy, axis=1) * scale
        tl.store(grad_om_ptr + om_row + 2 * p, grad_dx, mask=q_ok)
        tl.store(grad_om_ptr + om_row + 2 * p + 1, grad_dy, mask=q_ok)
        tl.store(grad_om_ptr + om_row + 2 * P + p, grad_m, mask=q_ok)
        spread = m[:, None] * go
        tl.atomic_add(grad_value_ptr + at00[:, None] + channel[None, :], w00[:, None] * spread,
                      mask=in00[:, None] & c_ok[None, :])
        tl.atomic_add(grad_value_ptr + at01[:, None] + channel[None, :], w01[:, None] * spread,
                      mask=in01[:, None] & c_ok[None, :])
        tl.atomic_add(grad_value_ptr + at10[:, None] + channel[None, :], w10[:, None] * spread,
                      mask=in10[:, None] & c_ok[None, :])
        tl.atomic_add(grad_value_ptr + at11[:, None] + channel[None, :], w11[:, None] * spread,
                      mask=in11[:, None] & c_ok[None, :])


def _launch_arguments(value: torch.Tensor, geometry: DCNv4Geometry) -> tuple:
    taps_x, taps_y = geometry.kernel_taps()
    taps_x = torch.tensor(taps_x, dtype=torch.float32, device=value.device)
    taps_y = torch.tensor(taps_y, dtype=torch.float32, device=value.device)
    n = value.shape[0]
    out_h, out_w = geometry.out_size
    origin_y, origin_x = geometry.window_origin()
    queries = n * out_h * out_w
    grid = (triton.cdiv(queries, BLOCK_Q), geometry.group)
    scalars = (queries, geometry.height, geometry.width, out_h, out_w, geometry.offset_mask_width,
               float(geometry.stride[0]), float(geometry.stride[1]), origin_y, origin_x, float(geometry.offset_scale))
    constants = dict(G=geometry.group, C=geometry.group_channels, P=geometry.points, BLOCK_Q=BLOCK_Q,
                     BLOCK_C=triton.next_power_of_2(geometry.group_channels))
    return taps_x, taps_y, grid, scalars, constants


def dcnv4_forward(value: torch.Tensor, offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> torch.Tensor:
    taps_x, taps_y, grid, scalars, constants = _launch_arguments(value, geometry)
    out_h, out_w = geometry.out_size
    out = torch.empty((value.shape[0], out_h, out_w, value.shape[3]), dtype=value.dtype, device=value.device)
    _dcnv4_forward_kernel[grid](value, offset_mask, out, taps_x, taps_y, *scalars, **constants)
    return out


def dcnv4_backward(value: torch.Tensor, offset_mask: torch.Tensor, grad_out: torch.Tensor,
                   geometry: DCNv4Geometry) -> tuple[torch.Tensor, torch.Tensor]:
    taps_x, taps_y, grid, scalars, constants = _launch_arguments(value, geometry)
    grad_value = torch.zeros(value.shape, dtype=torch.float32, device=value.device)
    grad_om = torch.zeros(offset_mask.shape, dtype=torch.float32, device=value.device)
    _dcnv4_backward_kernel[grid](value, offset_mask, grad_out, grad_value, grad_om, taps_x, taps_y, *scalars,
                                 **constants)
    return grad_value.to(value.dtype), grad_om.to(offset_mask.dtype)
