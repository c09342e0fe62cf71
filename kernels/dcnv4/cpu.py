"""The DCNv4 CPU path: every bilinear corner of every point gathered in one go from the
channels-last value, weighted and summed, in fp32 (or fp64) whatever the input dtype. Its
backward is autograd's through the same ops (gather -> scatter-add)."""

from __future__ import annotations

import torch

from kernels.dcnv4.layout import DCNv4Geometry
from kernels.dcnv4.reference import sampling_points


def dcnv4_cpu(value: torch.Tensor, offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> torch.Tensor:
    compute = torch.float64 if value.dtype == torch.float64 else torch.float32
    value_c, offset_c = value.to(compute), offset_mask.to(compute)
    n, height, width, _ = value.shape
    groups, channels, points = geometry.group, geometry.group_channels, geometry.points
    out_h, out_w = geometry.out_size
    x, y, mask = sampling_points(offset_c, geometry)  # (N, Ho, Wo, G, P)
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, fy = x - x0, y - y0
    x0, y0 = x0.long(), y0.long()
    corners_x = torch.stack([x0, x0 + 1, x0, x0 + 1], dim=-1)  # (N, Ho, Wo, G, P, 4)
    corners_y = torch.stack([y0, y0, y0 + 1, y0 + 1], dim=-1)
    weights = torch.stack([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], dim=-1)
    inside = (corners_x >= 0) & (corners_x < width) & (corners_y >= 0) & (corners_y < height)
    weights = weights * inside * mask.unsqueeze(-1)
    index = (corners_y.clamp(0, height - 1) * width + corners_x.clamp(0, width - 1))  # (N, Ho, Wo, G, P, 4)
    # (N, G, Ho*Wo*P*4) indices into (N, G, H*W, C)
    index = index.permute(0, 3, 1, 2, 4, 5).reshape(n, groups, -1)
    weights = weights.permute(0, 3, 1, 2, 4, 5).reshape(n, groups, out_h * out_w, points * 4, 1)
    source = value_c.view(n, height * width, groups, channels).permute(0, 2, 1, 3)  # (N, G, H*W, C)
    picked = torch.gather(source, 2, index.unsqueeze(-1).expand(-1, -1, -1, channels))
    picked = picked.view(n, groups, out_h * out_w, points * 4, channels)
    out = (picked * weights).sum(3)  # (N, G, Ho*Wo, C)
    out = out.view(n, groups, out_h, out_w, channels).permute(0, 2, 3, 1, 4).reshape(n, out_h, out_w,
                                                                                    groups * channels)
    return out.to(value.dtype)
