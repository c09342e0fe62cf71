"""The Triton kernels of kernels.add_norm (one program per ROWS_PER_PROGRAM rows; the row
fits one block, padded to a power of two)."""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels.add_norm import ROWS_PER_PROGRAM


@triton.jit
def _forward_kernel(x_ptr, delta_ptr, weight_ptr, bias_ptr, summed_ptr, normed_ptr, mean_ptr, rstd_ptr, ROWS, D,
                    eps, ROWS_PER: tl.constexpr, BLOCK_D: tl.constexpr):
    column = tl.arange(0, BLOCK_D)
    inside = column < D
    weight = tl.load(weight_ptr + column, mask=inside, other=0.0).to(tl.float32)
    bias = tl.load(bias_ptr + column, mask=inside, other=0.0).to(tl.float32)
    for r in tl.static_range(ROWS_PER):
        row = tl.program_id(0) * ROWS_PER + r
        if row < ROWS:
            at = row.to(tl.int64) * D + column
            summed = tl.load(x_ptr + at, mask=inside, other=0.0).to(tl.float32) \
                + tl.load(delta_ptr + at, mask=inside, other=0.0).to(tl.float32)
            mean = tl.sum(summed, axis=0) / D
            centred = tl.where(inside, summed - mean, 0.0)
            rstd = 1.0 / tl.sqrt(tl.sum(centred * centred, axis=0) / D + eps)
            tl.store(summed_ptr + at, summed.to(summed_ptr.dtype.element_ty), mask=inside)
            tl.store(normed_ptr + at, (centred * rstd * weight + bias).to(normed_ptr.dtype.element_ty), mask=inside)
            tl.store(mean_ptr + row, mean)
            tl.store(rstd_ptr + row, rstd)


@triton.jit
def _backward_kernel(summed_ptr, weight_ptr, mean_ptr, rstd_ptr, grad_normed_ptr, grad_summed_ptr, grad_input_ptr,
                     partial_weight_ptr, partial_bias_ptr, ROWS, D, HAS_GRAD_SUMMED: tl.constexpr,
                     ROWS_PER: tl.constexpr, BLOCK_D: tl.constexpr):
    column = tl.arange(0, BLOCK_D)
    inside = column < D
    weight = tl.load(weight_ptr + column, mask=inside, other=0.0).to(tl.float32)
    sum_weight = tl.zeros((BLOCK_D,), dtype=tl.float32)
    sum_bias = tl.zeros((BLOCK_D,), dtype=tl.float32)
    for r in tl.static_range(ROWS_PER):
        row = tl.program_id(0) * ROWS_PER + r
        if row < ROWS:
            at = row.to(tl.int64) * D + column
            mean = tl.load(mean_ptr + row)
            rstd = tl.load(rstd_ptr + row)
            xhat = tl.where(inside, (tl.load(summed_ptr + at, mask=inside, other=0.0).to(tl.float32) - mean) * rstd,
                            0.0)
            grad_y = tl.load(grad_normed_ptr + at, mask=inside, other=0.0).to(tl.float32)
            weighted = grad_y * weight
            grad = rstd * (weighted - tl.sum(weighted, axis=0) / D - xhat * tl.sum(weighted * xhat, axis=0) / D)
            if HAS_GRAD_SUMMED:
                grad += tl.load(grad_summed_ptr + at, mask=inside, other=0.0).to(tl.float32)
            tl.store(grad_input_ptr + at, grad.to(grad_input_ptr.dtype.element_ty), mask=inside)
            sum_weight += grad_y * xhat
            sum_bias += grad_y
    tl.store(partial_weight_ptr + tl.program_id(0) * D + column, sum_weight, mask=inside)
    tl.store(partial_bias_ptr + tl.program_id(0) * D + column, sum_bias, mask=inside)


def add_layer_norm_forward(x, delta, weight, bias, eps):
    x2, delta2 = x.contiguous().view(-1, x.shape[-1]), delta.contiguous().view(-1, x.shape[-1])
    rows, width = x2.shape
    summed, normed = torch.empty_like(x2), torch.empty_like(x2)
    mean = torch.empty(rows, dtype=torch.float32, device=x.device)
    rstd = torch.empty(rows, dtype=torch.float32, device=x.device)
    grid = (triton.cdiv(rows, ROWS_PER_PROGRAM),)
    _forward_kernel[grid](x2, delta2, weight, bias, summed, normed, mean, rstd, rows, width, float(eps),
                          ROWS_PER=ROWS_PER_PROGRAM, BLOCK_D=triton.next_power_of_2(width))
    return summed.view(x.shape), normed.view(x.shape), mean, rstd


def add_layer_norm_backward(summed, weight, mean, rstd, grad_normed, grad_summed=None):
    width = summed.shape[-1]
    summed2 = summed.contiguous().view(-1, width)
    rows = summed2.shape[0]
    grad_normed2 = (grad_normed if grad_normed is not None else torch.zeros_like(summed)).contiguous().view(-1, width)
    has_summed = grad_summed is not None
    grad_summed2 = grad_summed.contiguous().view(-1, width) if has_summed else grad_normed2
    grad_input = torch.empty_like(summed2)
    programs = triton.cdiv(rows, ROWS_PER_PROGRAM)
    partial_weight = torch.zeros((programs, width), dtype=torch.float32, device=summed.device)
    partial_bias = torch.zeros((programs, width), dtype=torch.float32, device=summed.device)
    _backward_kernel[(programs,)](summed2, weight, mean, rstd, grad_normed2, grad_summed2, grad_input, partial_weight,
                                  partial_bias, rows, width, HAS_GRAD_SUMMED=has_summed, ROWS_PER=ROWS_PER_PROGRAM,
                                  BLOCK_D=triton.next_power_of_2(width))
    return (grad_input.view(summed.shape), partial_weight.sum(0).to(weight.dtype),
            partial_bias.sum(0).to(weight.dtype))
