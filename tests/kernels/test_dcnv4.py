"""DCNv4 on fresh random inputs: a loop written from the operator's definition, the grid_sample
reference, the compiled CPU path and the Triton kernels (forward and backward, run by Triton's
interpreter), plus gradcheck and the layout errors."""

import math

import pytest
import torch

from kernels.dcnv4 import dcnv4, dcnv4_reference_op
from kernels.dcnv4.cpu import dcnv4_cpu
from kernels.dcnv4.layout import check
from kernels.dcnv4.reference import dcnv4_reference

CASES = {  # kernel, stride, dilation, remove_center, offset_scale, (N, H, W, G, C)
    "3x3": (3, 1, 1, False, 1.0, (1, 6, 7, 2, 16)),
    "stride 2": (3, 2, 1, False, 1.0, (2, 9, 11, 1, 16)),
    "dilation 2": (3, 1, 2, False, 1.0, (1, 8, 9, 2, 16)),
    "remove centre": (3, 1, 1, True, 1.0, (1, 7, 5, 3, 16)),
    "5x5": (5, 1, 1, False, 1.0, (1, 9, 10, 1, 32)),
    "offset scale": (3, 2, 2, True, 0.6, (1, 13, 11, 2, 48)),
}


def inputs(case, dtype=torch.float64, seed=0):
    kernel, stride, dilation, remove_center, scale, (n, h, w, g, c) = case
    generator = torch.Generator().manual_seed(seed)
    points = kernel * kernel - int(remove_center)
    width = math.ceil(g * points * 3 / 8) * 8
    padding = dilation * (kernel - 1) // 2
    out_h = (h + 2 * padding - (dilation * (kernel - 1) + 1)) // stride + 1
    out_w = (w + 2 * padding - (dilation * (kernel - 1) + 1)) // stride + 1
    value = torch.randn(n, h, w, g * c, generator=generator, dtype=torch.float64)
    offset_mask = torch.randn(n, out_h, out_w, width, generator=generator, dtype=torch.float64) * 1.5
    settings = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation, group=g, group_channels=c,
                    offset_scale=scale, remove_center=remove_center)
    return value.to(dtype), offset_mask.to(dtype), settings


def by_definition(value, offset_mask, settings):
    """The operator, loop by loop, as ../shared/DESIGN.md states it."""
    k, s, pad, d = settings["kernel_size"], settings["stride"], settings["padding"], settings["dilation"]
    g_count, c, scale = settings["group"], settings["group_channels"], settings["offset_scale"]
    n_count, h, w, _ = value.shape
    _, out_h, out_w, _ = offset_mask.shape
    taps = [(i, j) for i in range(k) for j in range(k)
            if not (settings["remove_center"] and i == (k - 1) // 2 and j == (k - 1) // 2)]
    points = len(taps)
    out = torch.zeros(n_count, out_h, out_w, g_count * c, dtype=torch.float64)

    def pixel(n, g, yy, xx):
        if 0 <= yy < h and 0 <= xx < w:
            return value[n, yy, xx, g * c:(g + 1) * c].double()
        return torch.zeros(c, dtype=torch.float64)

    for n in range(n_count):
        for yo in range(out_h):
            for xo in range(out_w):
                for g in range(g_count):
                    row = offset_mask[n, yo, xo, g * 3 * points:(g + 1) * 3 * points].double()
                    for p, (i, j) in enumerate(taps):
                        dx, dy, m = row[2 * p].item(), row[2 * p + 1].item(), row[2 * points + p].item()
                        x = xo * s - pad + (d * (k - 1)) // 2 + (i * d - (d * (k - 1)) // 2 + dx) * scale
                        y = yo * s - pad + (d * (k - 1)) // 2 + (j * d - (d * (k - 1)) // 2 + dy) * scale
                        if not (-1 < y < h and -1 < x < w):
                            continue
                        x0, y0 = math.floor(x), math.floor(y)
                        fx, fy = x - x0, y - y0
                        sample = ((1 - fx) * (1 - fy) * pixel(n, g, y0, x0) + fx * (1 - fy) * pixel(n, g, y0, x0 + 1)
                                  + (1 - fx) * fy * pixel(n, g, y0 + 1, x0) + fx * fy * pixel(n, g, y0 + 1, x0 + 1))
                        out[n, yo, xo, g * c:(g + 1) * c] += m * sample
    return out


@pytest.mark.parametrize("name", ["3x3", "stride 2", "remove centre", "offset scale"])
def test_the_reference_is_the_definition(name):
    value, offset_mask, settings = inputs(CASES[name])
    assert torch.allclose(dcnv4_reference_op(value, offset_mask, **settings),
                          by_definition(value, offset_mask, settings), atol=1e-10)


def test_the_padded_tail_of_offset_mask_is_ignored():
    value, offset_mask, settings = inputs(CASES["3x3"])  # 2 groups x 9 points x 3 = 54 -> D = 56
    assert offset_mask.shape[-1] == 56
    shifted = offset_mask.clone()
    shifted[..., 54:] = 1e3
    assert torch.equal(dcnv4(value, offset_mask, **settings), dcnv4(value, shifted, **settings))


@pytest.mark.parametrize("name", list(CASES))
def test_the_cpu_path_matches_the_reference(name):
    value, offset_mask, settings = inputs(CASES[name], seed=hash(name) % 1000)
    expected = dcnv4_reference_op(value, offset_mask, **settings)
    assert torch.allclose(dcnv4(value, offset_mask, **settings), expected, atol=1e-10)
    value32, offset32 = value.float(), offset_mask.float()
    assert torch.allclose(dcnv4(value32, offset32, **settings).double(), expected, atol=1e-4)


@pytest.mark.parametrize("name", list(CASES))
def test_triton_forward_and_backward_match_the_reference(name):
    from kernels.dcnv4.triton_kernels import dcnv4_backward, dcnv4_forward

    value, offset_mask, settings = inputs(CASES[name], seed=7 + len(name))
    geometry = check(value.float(), offset_mask.float(), settings["kernel_size"], settings["stride"],
                     settings["padding"], settings["dilation"], settings["group"], settings["group_channels"],
                     settings["offset_scale"], settings["remove_center"])
    value64, offset64 = value.clone().requires_grad_(), offset_mask.clone().requires_grad_()
    expected = dcnv4_reference(value64, offset64, geometry)
    got = dcnv4_forward(value.float(), offset_mask.float(), geometry)
    assert torch.allclose(got.double(), expected, atol=1e-4)
    grad_out = torch.randn_like(expected)
    expected.backward(grad_out)
    grad_value, grad_offset = dcnv4_backward(value.float(), offset_mask.float(), grad_out.float().contiguous(),
                                             geometry)
    assert torch.allclose(grad_value.double(), value64.grad, atol=1e-4)
    used = geometry.group * geometry.points * 3
    assert torch.allclose(grad_offset[..., :used].double(), offset64.grad[..., :used], atol=1e-3)
    assert not grad_offset[..., used:].any()


@pytest.mark.parametrize("dtype, tolerance", [(torch.float16, 2e-2), (torch.bfloat16, 8e-2)])
def test_triton_half_precision_inputs_accumulate_in_fp32(dtype, tolerance):
    from kernels.dcnv4.triton_kernels import dcnv4_forward

    value, offset_mask, settings = inputs(CASES["stride 2"], seed=3)
    geometry = check(value.to(dtype), offset_mask.to(dtype), settings["kernel_size"], settings["stride"],
                     settings["padding"], settings["dilation"], settings["group"], settings["group_channels"],
                     settings["offset_scale"], settings["remove_center"])
    got = dcnv4_forward(value.to(dtype), offset_mask.to(dtype), geometry)
    assert got.dtype == dtype
    expected = dcnv4_reference(value.to(dtype).double(), offset_mask.to(dtype).double(), geometry)
    assert (got.double() - expected).abs().max() < tolerance * max(expected.abs().max().item(), 1.0)


def test_gradcheck_of_the_reference_and_of_the_cpu_function():
    value, offset_mask, settings = inputs((3, 2, 1, True, 0.8, (1, 4, 5, 1, 16)), seed=11)
    value.requires_grad_()
    offset_mask.requires_grad_()
    assert torch.autograd.gradcheck(lambda v, o: dcnv4_reference_op(v, o, **settings), (value, offset_mask))
    assert torch.autograd.gradcheck(lambda v, o: dcnv4(v, o, **settings), (value, offset_mask))


def test_the_cpu_function_backward_equals_the_reference_autograd():
    value, offset_mask, settings = inputs(CASES["dilation 2"], seed=5)
    a_value, a_offset = value.clone().requires_grad_(), offset_mask.clone().requires_grad_()
    b_value, b_offset = value.clone().requires_grad_(), offset_mask.clone().requires_grad_()
    grad = torch.randn(dcnv4(value, offset_mask, **settings).shape, dtype=torch.float64)
    dcnv4(a_value, a_offset, **settings).backward(grad)
    dcnv4_reference_op(b_value, b_offset, **settings).backward(grad)
    assert torch.allclose(a_value.grad, b_value.grad, atol=1e-10)
    assert torch.allclose(a_offset.grad, b_offset.grad, atol=1e-10)


@pytest.mark.parametrize("change, message", [
    (lambda v, o: (v[..., :16].contiguous(), o), "value has 16 channels, expected group\\*group_channels"),
    (lambda v, o: (v.permute(0, 3, 1, 2), o), "expected value \\(N, H, W, group\\*group_channels\\)"),
    (lambda v, o: (v.permute(0, 2, 1, 3), o), "not contiguous channels-last"),
    (lambda v, o: (v, o[..., :-8].contiguous()), "offset_mask must be \\(N, H_out, W_out, D\\)"),
])
def test_bad_layouts_name_the_expected_one(change, message):
    value, offset_mask, settings = inputs(CASES["3x3"])
    value, offset_mask = change(value, offset_mask)
    with pytest.raises(ValueError, match=message):
        dcnv4(value, offset_mask, **settings)


@pytest.mark.parametrize("channels, group, group_channels, message", [
    (24, 2, 12, "multiple of 16, not 12"),
    (16, 0, 16, "group must be a positive int, not 0"),
])
def test_group_and_group_channels_are_checked_by_name(channels, group, group_channels, message):
    value = torch.randn(1, 5, 5, channels, dtype=torch.float64)
    offset_mask = torch.randn(1, 5, 5, 32, dtype=torch.float64)
    with pytest.raises(ValueError, match=message):
        dcnv4(value, offset_mask, group=group, group_channels=group_channels)


def test_the_cpu_path_is_what_cpu_tensors_run():
    value, offset_mask, settings = inputs(CASES["5x5"], dtype=torch.float32)
    geometry = check(value, offset_mask, settings["kernel_size"], settings["stride"], settings["padding"],
                     settings["dilation"], settings["group"], settings["group_channels"], settings["offset_scale"],
                     settings["remove_center"])
    assert torch.equal(dcnv4(value, offset_mask, **settings), dcnv4_cpu(value, offset_mask, geometry))


def test_integer_tensors_are_refused():
    value, offset_mask, settings = inputs(CASES["3x3"], dtype=torch.float32)
    with pytest.raises(ValueError, match="must be floating point .* not torch.int64 and torch.int64"):
        dcnv4(value.round().long(), offset_mask.round().long(), **settings)
