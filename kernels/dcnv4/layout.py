"""DCNv4's arguments: normalised to pairs, checked against the tensors' layout, and the
geometry every implementation shares (output size, points per group, offset_mask width)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

Pair = int | tuple[int, int]


def pair(value: Pair, name: str) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    if isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    raise ValueError(f"{name} must be an int or a pair of ints (height, width), not {value!r}")


@dataclass(frozen=True)
class DCNv4Geometry:
    """Sizes as (height, width) pairs; points ordered by kernel column (x) outer, row (y) inner."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    group: int
    group_channels: int
    offset_scale: float
    remove_center: bool
    height: int
    width: int

    @property
    def points(self) -> int:
        return self.kernel[0] * self.kernel[1] - int(self.remove_center)

    @property
    def offset_mask_width(self) -> int:
        return int(math.ceil(self.group * self.points * 3 / 8) * 8)

    @property
    def out_size(self) -> tuple[int, int]:
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = self.kernel, self.stride, self.padding, self.dilation
        return ((self.height + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1,
                (self.width + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1)

    def kernel_taps(self) -> tuple[list[float], list[float]]:
        """Per point, the tap offset from the window centre before scaling: (x taps, y taps)."""
        (kh, kw), (dh, dw) = self.kernel, self.dilation
        xs, ys = [], []
        for i in range(kw):
            for j in range(kh):
                if self.remove_center and i == (kw - 1) // 2 and j == (kh - 1) // 2:
                    continue
                xs.append(float(i * dw - (dw * (kw - 1)) // 2))
                ys.append(float(j * dh - (dh * (kh - 1)) // 2))
        return xs, ys

    def window_origin(self) -> tuple[float, float]:
        """(y, x) of output (0, 0)'s window centre in input pixels: -pad + (dilation*(k-1))//2."""
        (kh, kw), (ph, pw), (dh, dw) = self.kernel, self.padding, self.dilation
        return float(-ph + (dh * (kh - 1)) // 2), float(-pw + (dw * (kw - 1)) // 2)


def check(value: torch.Tensor, offset_mask: torch.Tensor, kernel_size: Pair, stride: Pair, padding: Pair,
          dilation: Pair, group: int, group_channels: int, offset_scale: float,
          remove_center: bool) -> DCNv4Geometry:
    """The geometry, or a ValueError naming the expected layout."""
    expected = ("expected value (N, H, W, group*group_channels) and offset_mask (N, H_out, W_out, D), "
                "channels-last and contiguous")
    if value.dim() != 4 or offset_mask.dim() != 4:
        raise ValueError(f"DCNv4: {expected}; got value {tuple(value.shape)} and offset_mask "
                         f"{tuple(offset_mask.shape)}")
    if not value.is_contiguous() or not offset_mask.is_contiguous():
        raise ValueError(f"DCNv4: {expected}; a tensor is not contiguous channels-last (use .contiguous() on the "
                         "(N, H, W, C) layout, not a permuted NCHW view)")
    if not value.dtype.is_floating_point or not offset_mask.dtype.is_floating_point:
        raise ValueError(f"DCNv4: value and offset_mask must be floating point (float32, float16 or bfloat16), not "
                         f"{value.dtype} and {offset_mask.dtype}")
    if not isinstance(group, int) or group < 1:
        raise ValueError(f"DCNv4: group must be a positive int, not {group!r}")
    if group_channels < 1 or group_channels % 16:
        raise ValueError(f"DCNv4: group_channels must be a positive multiple of 16, not {group_channels}")
    if value.shape[3] != group * group_channels:
        raise ValueError(f"DCNv4: value has {value.shape[3]} channels, expected group*group_channels = "
                         f"{group}*{group_channels} = {group * group_channels}")
    geometry = DCNv4Geometry(pair(kernel_size, "kernel_size"), pair(stride, "stride"), pair(padding, "padding"),
                             pair(dilation, "dilation"), group, group_channels, float(offset_scale),
                             bool(remove_center), int(value.shape[1]), int(value.shape[2]))
    kh, kw = geometry.kernel
    if min(kh, kw, *geometry.stride, *geometry.dilation) < 1 or min(geometry.padding) < 0:
        raise ValueError("DCNv4: kernel_size, stride and dilation must be >= 1 and padding >= 0")
    if remove_center and (kh % 2 == 0 or kw % 2 == 0):
        raise ValueError("DCNv4: remove_center needs an odd kernel size")
    out_h, out_w = geometry.out_size
    if out_h < 1 or out_w < 1:
        raise ValueError(f"DCNv4: the input {geometry.height}x{geometry.width} is too small for this kernel")
    wanted = (value.shape[0], out_h, out_w, geometry.offset_mask_width)
    if tuple(offset_mask.shape) != wanted:
        raise ValueError(f"DCNv4: offset_mask must be (N, H_out, W_out, D) = {wanted} (D = ceil(group*points*3/8)*8 "
                         f"with {geometry.points} points per group), got {tuple(offset_mask.shape)}")
    if offset_mask.dtype != value.dtype or offset_mask.device != value.device:
        raise ValueError("DCNv4: value and offset_mask must share dtype and device")
    return geometry
