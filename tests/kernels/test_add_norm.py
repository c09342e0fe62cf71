"""The fused residual add + LayerNorm kernels (Triton's interpreter) against PyTorch in float64."""

import pytest
import torch

from kernels.add_norm import add_layer_norm, add_layer_norm_reference
from kernels.add_norm_triton import add_layer_norm_backward, add_layer_norm_forward


@pytest.mark.parametrize("shape", [(3, 5, 48), (7, 80), (2, 3, 64)])
def test_forward_and_backward_match_pytorch(shape):
    generator = torch.Generator().manual_seed(sum(shape))
    width = shape[-1]
    x, delta = (torch.randn(shape, generator=generator, dtype=torch.float64) for _ in range(2))
    weight = 1 + 0.1 * torch.randn(width, generator=generator, dtype=torch.float64)
    bias = 0.1 * torch.randn(width, generator=generator, dtype=torch.float64)
    leaves = [t.clone().requires_grad_() for t in (x, delta, weight, bias)]
    summed_ref, normed_ref = add_layer_norm_reference(*leaves, eps=1e-6)
    grad_normed = torch.randn(shape, generator=generator, dtype=torch.float64)
    grad_summed = torch.randn(shape, generator=generator, dtype=torch.float64)
    (summed_ref * grad_summed).sum().add((normed_ref * grad_normed).sum()).backward()

    summed, normed, mean, rstd = add_layer_norm_forward(x.float(), delta.float(), weight.float(), bias.float(), 1e-6)
    assert torch.allclose(summed.double(), summed_ref, atol=1e-5)
    assert torch.allclose(normed.double(), normed_ref, atol=1e-4)
    grad_input, grad_weight, grad_bias = add_layer_norm_backward(summed, weight.float(), mean, rstd,
                                                                 grad_normed.float(), grad_summed.float())
    assert torch.allclose(grad_input.double(), leaves[0].grad, atol=1e-4)
    assert torch.allclose(grad_input.double(), leaves[1].grad, atol=1e-4)
    assert torch.allclose(grad_weight.double(), leaves[2].grad, atol=1e-3)
    assert torch.allclose(grad_bias.double(), leaves[3].grad, atol=1e-3)


def test_half_inputs_keep_fp32_statistics():
    generator = torch.Generator().manual_seed(1)
    x = (torch.randn(6, 96, generator=generator) * 30 + 100).half()
    delta = torch.randn(6, 96, generator=generator).half()
    weight, bias = torch.ones(96).half(), torch.zeros(96).half()
    summed, normed, _, _ = add_layer_norm_forward(x, delta, weight, bias, 1e-6)
    _, expected = add_layer_norm_reference(x.double(), delta.double(), weight.double(), bias.double())
    assert normed.dtype == torch.float16
    assert (normed.double() - expected).abs().max() < 2e-2


def test_cpu_tensors_use_pytorch_and_shapes_are_checked():
    x = torch.randn(4, 32)
    summed, normed = add_layer_norm(x, x, torch.ones(32), torch.zeros(32))
    assert torch.allclose(summed, 2 * x)
    with pytest.raises(ValueError, match="weight, bias be \\(D,\\)"):
        add_layer_norm(x, x, torch.ones(16), torch.zeros(32))
