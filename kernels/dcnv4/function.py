"""`dcnv4(...)`: one autograd Function for every device. CUDA tensors run the Triton kernels,
CPU tensors the compiled CPU loops (forward and backward each). Arguments are checked once, with
errors that name the expected layout."""

from __future__ import annotations

import torch

from kernels.dcnv4.cpu import dcnv4_cpu, dcnv4_cpu_backward
from kernels.dcnv4.layout import DCNv4Geometry, Pair, check


class DCNv4Function(torch.autograd.Function):
    @staticmethod
    def forward(ctx, value: torch.Tensor, offset_mask: torch.Tensor, geometry: DCNv4Geometry) -> torch.Tensor:
        ctx.geometry = geometry
        ctx.save_for_backward(value, offset_mask)
        if value.is_cuda:
            from kernels.dcnv4.triton_kernels import dcnv4_forward

            return dcnv4_forward(value, offset_mask, geometry)
        return dcnv4_cpu(value, offset_mask, geometry)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        value, offset_mask = ctx.saved_tensors
        geometry = ctx.geometry
        if value.is_cuda:
            from kernels.dcnv4.triton_kernels import dcnv4_backward

            grad_value, grad_offset_mask = dcnv4_backward(value, offset_mask, grad_out.contiguous(), geometry)
            return grad_value, grad_offset_mask, None
        grad_value, grad_offset_mask = dcnv4_cpu_backward(value, offset_mask, grad_out, geometry)
        return (grad_value if ctx.needs_input_grad[0] else None,
                grad_offset_mask if ctx.needs_input_grad[1] else None, None)


def dcnv4(value: torch.Tensor, offset_mask: torch.Tensor, *, kernel_size: Pair = 3, stride: Pair = 1,
          padding: Pair = 1, dilation: Pair = 1, group: int, group_channels: int, offset_scale: float = 1.0,
          remove_center: bool = False) -> torch.Tensor:
    """Deformable convolution v4: (N, H, W, G*C) value and (N, Ho, Wo, D) offset_mask ->
    (N, Ho, Wo, G*C). See ../shared/DESIGN.md, section DCNv4, for the exact semantics."""
    geometry = check(value, offset_mask, kernel_size, stride, padding, dilation, group, group_channels, offset_scale,
                     remove_center)
    return DCNv4Function.apply(value, offset_mask, geometry)


def dcnv4_reference_op(value: torch.Tensor, offset_mask: torch.Tensor, *, kernel_size: Pair = 3, stride: Pair = 1,
                       padding: Pair = 1, dilation: Pair = 1, group: int, group_channels: int,
                       offset_scale: float = 1.0, remove_center: bool = False) -> torch.Tensor:
    """The grid_sample reference with the same signature (autograd through PyTorch)."""
    from kernels.dcnv4.reference import dcnv4_reference

    geometry = check(value, offset_mask, kernel_size, stride, padding, dilation, group, group_channels, offset_scale,
                     remove_center)
    return dcnv4_reference(value, offset_mask, geometry)
