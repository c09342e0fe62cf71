"""Fused residual add + LayerNorm: s = x + delta, y = LayerNorm(s), in one pass over memory.

Pre-norm blocks (FlashInternImage, InternViT) do `x = x + branch(norm1(x))` and then
`norm2(x)`; on GPU the add and the next norm read and write the activations once instead of
three times. Triton kernels for forward and backward (fp32 statistics for fp16/bf16 inputs);
CPU tensors use PyTorch's ops. `add_layer_norm(x, delta, weight, bias, eps) -> (s, y)`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

ROWS_PER_PROGRAM = 4


def add_layer_norm_reference(x: torch.Tensor, delta: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                             eps: float = 1e-6) -> tuple[torch.Tensor, torch.Tensor]:
    summed = x + delta
    return summed, F.layer_norm(summed, (summed.shape[-1],), weight, bias, eps)


def add_layer_norm(x: torch.Tensor, delta: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                   eps: float = 1e-6) -> tuple[torch.Tensor, torch.Tensor]:
    if x.shape != delta.shape or weight.shape != (x.shape[-1],) or bias.shape != (x.shape[-1],):
        raise ValueError(f"add_layer_norm: x and delta must share a shape (..., D) and weight, bias be (D,); got "
                         f"{tuple(x.shape)}, {tuple(delta.shape)}, {tuple(weight.shape)}, {tuple(bias.shape)}")
    if not x.is_cuda:
        return add_layer_norm_reference(x, delta, weight, bias, eps)
    return AddLayerNorm.apply(x, delta, weight, bias, eps)


class AddLayerNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, delta, weight, bias, eps):
        from kernels.add_norm_triton import add_layer_norm_forward

        summed, normed, mean, rstd = add_layer_norm_forward(x, delta, weight, bias, eps)
        ctx.save_for_backward(summed, weight, mean, rstd)
        return summed, normed

    @staticmethod
    def backward(ctx, grad_summed, grad_normed):
        from kernels.add_norm_triton import add_layer_norm_backward

        summed, weight, mean, rstd = ctx.saved_tensors
        grad_input, grad_weight, grad_bias = add_layer_norm_backward(
            summed, weight, mean, rstd, grad_normed, grad_summed)
        return grad_input, grad_input, grad_weight, grad_bias, None
