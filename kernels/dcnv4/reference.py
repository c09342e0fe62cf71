"""The DCNv4 reference in plain PyTorch, through grid_sample (bilinear, zero padding,
align_corners=False): slow, differentiable, and the ground truth for the other paths."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kernels.dcnv4.layout import DCNv4Geometry


def sampling_points(offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> tuple[torch.Tensor, ...]:
    """(x, y, mask), each (N, Ho, Wo, G, P), in input pixel coordinates."""
    n, out_h, out_w, _ = offset_mask.shape
    groups, points = geometry.group, geometry.points
    per_group = offset_mask[..., :groups * 3 * points].reshape(n, out_h, out_w, groups, 3 * points)
    dx, dy = per_group[..., 0:2 * points:2], per_group[..., 1:2 * points:2]
    mask = per_group[..., 2 * points:]
    taps_x, taps_y = geometry.kernel_taps()
    origin_y, origin_x = geometry.window_origin()
    options = {"dtype": offset_mask.dtype, "device": offset_mask.device}
    base_x = torch.arange(out_w, **options) * geometry.stride[1] + origin_x
    base_y = torch.arange(out_h, **options) * geometry.stride[0] + origin_y
    scale = geometry.offset_scale
    x = base_x.view(1, 1, out_w, 1, 1) + (torch.tensor(taps_x, **options) + dx) * scale
    y = base_y.view(1, out_h, 1, 1, 1) + (torch.tensor(taps_y, **options) + dy) * scale
    return x, y, mask


def dcnv4_reference(value: torch.Tensor, offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> torch.Tensor:
    n, height, width, _ = value.shape
    groups, channels, points = geometry.group, geometry.group_channels, geometry.points
    out_h, out_w = geometry.out_size
    x, y, mask = sampling_points(offset_mask, geometry)
    grid = torch.stack([(2 * x + 1) / width - 1, (2 * y + 1) / height - 1], dim=-1)  # (N, Ho, Wo, G, P, 2)
    outputs = []
    for g in range(groups):
        value_g = value[..., g * channels:(g + 1) * channels].permute(0, 3, 1, 2)  # (N, C, H, W)
        grid_g = grid[:, :, :, g].reshape(n, out_h, out_w * points, 2)
        sampled = F.grid_sample(value_g, grid_g, mode="bilinear", padding_mode="zeros", align_corners=False)
        sampled = sampled.view(n, channels, out_h, out_w, points)
        outputs.append((sampled * mask[:, :, :, g].unsqueeze(1)).sum(-1))  # (N, C, Ho, Wo)
    return torch.cat(outputs, dim=1).permute(0, 2, 3, 1).contiguous()
