"""FlashInternImage on kernels.dcnv4, in the official state-dict layout.

Stem (two 3x3 stride-2 convs, each followed by a channels-last LayerNorm, GELU between) -> four
stages of channels C*2^i whose blocks are pre-norm `x += DCNv4(LN(x)); x += MLP(LN(x))` (T), or
post-norm with layer scale and a depthwise conv feeding the offsets (S, B) -> a 3x3 stride-2
conv + LN between stages. Module names follow OpenGVLab's FlashInternImage so its checkpoints load as they are
(`load_checkpoint` names missing and unexpected keys). `forward_features` gives the four
stage outputs (strides 4, 8, 16, 32) for dense heads; `forward` the classification logits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from kernels.add_norm import add_layer_norm
from kernels.dcnv4 import dcnv4


@dataclass(frozen=True)
class FlashInternImageConfig:
    channels: int = 64
    depths: tuple[int, ...] = (4, 4, 18, 4)
    groups: tuple[int, ...] = (4, 8, 16, 32)
    offset_scale: float = 1.0
    mlp_ratio: float = 4.0
    layer_scale: float | None = None
    post_norm: bool = False
    dw_kernel_size: int | None = None
    mlp_fc2_bias: bool = False
    dcn_output_bias: bool = False
    drop_path_rate: float = 0.0
    num_classes: int = 1000
    cls_scale: float = 1.5


CONFIGS = {  # the published FlashInternImage-T/S/B (ImageNet-1k, 224 px)
    "t": FlashInternImageConfig(),
    "s": FlashInternImageConfig(channels=80, depths=(4, 4, 21, 4), groups=(5, 10, 20, 40), layer_scale=1e-5,
                                post_norm=True, dw_kernel_size=3),
    "b": FlashInternImageConfig(channels=112, depths=(4, 4, 21, 4), groups=(7, 14, 28, 56), layer_scale=1e-5,
                                offset_scale=0.5, post_norm=True, dw_kernel_size=3),
}


class CheckpointError(ValueError):
    """A checkpoint that does not fit the model: the message lists the keys."""


class ChannelsLast(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 2, 3, 1)


class ChannelsFirst(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 3, 1, 2)


def layer_norm(channels: int) -> nn.Sequential:
    return nn.Sequential(nn.LayerNorm(channels, eps=1e-6))


class DropPath(nn.Module):
    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate == 0.0:
            return x
        keep = torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device) >= self.rate
        return x * keep / (1.0 - self.rate)


class DCNv4Layer(nn.Module):
    """value_proj -> DCNv4 (offsets and masks from offset_mask, fed by a depthwise conv when
    dw_kernel_size is set) -> output_proj, on (N, H, W, C)."""

    def __init__(self, channels: int, group: int, offset_scale: float, dw_kernel_size: int | None,
                 output_bias: bool, kernel_size: int = 3):
        super().__init__()
        self.channels, self.group, self.offset_scale, self.kernel_size = channels, group, offset_scale, kernel_size
        self.group_channels = channels // group
        points = group * kernel_size * kernel_size
        if dw_kernel_size is not None:
            self.offset_mask_dw = nn.Conv2d(channels, channels, dw_kernel_size, padding=(dw_kernel_size - 1) // 2,
                                            groups=channels)
        self.dw_kernel_size = dw_kernel_size
        self.offset_mask = nn.Linear(channels, int(math.ceil(points * 3 / 8) * 8))
        self.value_proj = nn.Linear(channels, channels)
        self.output_proj = nn.Linear(channels, channels, bias=output_bias)
        nn.init.zeros_(self.offset_mask.weight)  # sampling starts on the regular grid
        nn.init.zeros_(self.offset_mask.bias)
        nn.init.xavier_uniform_(self.value_proj.weight)
        nn.init.zeros_(self.value_proj.bias)
        nn.init.xavier_uniform_(self.output_proj.weight)
        if self.output_proj.bias is not None:
            nn.init.zeros_(self.output_proj.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        offsets_from = x
        if self.dw_kernel_size is not None:
            offsets_from = self.offset_mask_dw(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        value = self.value_proj(x).contiguous()
        offset_mask = self.offset_mask(offsets_from).contiguous()
        out = dcnv4(value, offset_mask, kernel_size=self.kernel_size, stride=1, padding=(self.kernel_size - 1) // 2,
                    dilation=1, group=self.group, group_channels=self.group_channels,
                    offset_scale=self.offset_scale)
        return self.output_proj(out)


class MLP(nn.Module):
    def __init__(self, channels: int, hidden: int, fc2_bias: bool):
        super().__init__()
        self.fc1 = nn.Linear(channels, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, channels, bias=fc2_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, channels: int, group: int, config: FlashInternImageConfig, drop_path: float):
        super().__init__()
        self.post_norm = config.post_norm
        self.norm1 = layer_norm(channels)
        self.dcn = DCNv4Layer(channels, group, config.offset_scale, config.dw_kernel_size, config.dcn_output_bias)
        self.norm2 = layer_norm(channels)
        self.mlp = MLP(channels, int(channels * config.mlp_ratio), config.mlp_fc2_bias)
        self.drop_path = DropPath(drop_path)
        self.layer_scale = config.layer_scale is not None
        if self.layer_scale:
            self.gamma1 = nn.Parameter(config.layer_scale * torch.ones(channels))
            self.gamma2 = nn.Parameter(config.layer_scale * torch.ones(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale1 = self.gamma1 if self.layer_scale else 1.0
        scale2 = self.gamma2 if self.layer_scale else 1.0
        if self.post_norm:
            x = x + self.drop_path(scale1 * self.norm1(self.dcn(x)))
            return x + self.drop_path(scale2 * self.norm2(self.mlp(x)))
        branch = self.drop_path(scale1 * self.dcn(self.norm1(x)))
        norm = self.norm2[0]
        x, normed = add_layer_norm(x, branch, norm.weight, norm.bias, norm.eps)  # fused on GPU
        return x + self.drop_path(scale2 * self.mlp(normed))


class Downsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, 2 * channels, 3, stride=2, padding=1, bias=False)
        self.norm = nn.Sequential(ChannelsLast(), nn.LayerNorm(2 * channels, eps=1e-6), ChannelsFirst())

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, H, W, C) -> (N, H/2, W/2, 2C)
        return self.norm(self.conv(x.permute(0, 3, 1, 2))).permute(0, 2, 3, 1)


class Level(nn.Module):
    def __init__(self, channels: int, depth: int, group: int, config: FlashInternImageConfig,
                 drop_paths: list[float], downsample: bool):
        super().__init__()
        self.blocks = nn.ModuleList(Block(channels, group, config, drop_paths[i]) for i in range(depth))
        if not config.post_norm:
            self.norm = layer_norm(channels)
        self.downsample = Downsample(channels) if downsample else None

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for block in self.blocks:
            x = block(x)
        if hasattr(self, "norm"):
            x = self.norm(x)
        features = x
        return (self.downsample(x) if self.downsample is not None else x), features


class Stem(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels // 2, 3, stride=2, padding=1)
        # the official build_norm_layer(..., "LN", "channels_first", ...): permute, LayerNorm(, permute back)
        self.norm1 = nn.Sequential(ChannelsLast(), nn.LayerNorm(channels // 2, eps=1e-6), ChannelsFirst())
        self.act = nn.GELU()
        self.conv2 = nn.Conv2d(channels // 2, channels, 3, stride=2, padding=1)
        self.norm2 = nn.Sequential(ChannelsLast(), nn.LayerNorm(channels, eps=1e-6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, 3, H, W) -> (N, H/4, W/4, C)
        return self.norm2(self.conv2(self.act(self.norm1(self.conv1(x)))))


class FlashInternImage(nn.Module):
    def __init__(self, config: FlashInternImageConfig = FlashInternImageConfig()):
        super().__init__()
        for i, group in enumerate(config.groups):
            if (config.channels * 2 ** i) % group or (config.channels * 2 ** i // group) % 16:
                raise ValueError(f"stage {i}: {config.channels * 2 ** i} channels over {group} groups must give a "
                                 "multiple of 16 channels per group")
        self.config = config
        self.patch_embed = Stem(config.channels)
        rates = torch.linspace(0, config.drop_path_rate, sum(config.depths)).tolist()
        levels, start = [], 0
        for i, (depth, group) in enumerate(zip(config.depths, config.groups)):
            levels.append(Level(config.channels * 2 ** i, depth, group, config, rates[start:start + depth],
                                downsample=i < len(config.depths) - 1))
            start += depth
        self.levels = nn.ModuleList(levels)
        features = config.channels * 2 ** (len(config.depths) - 1)
        head_channels = int(features * config.cls_scale)
        self.conv_head = nn.Sequential(nn.Conv2d(features, head_channels, 1, bias=False),
                                       nn.Sequential(nn.BatchNorm2d(head_channels)), nn.GELU())
        self.head = nn.Linear(head_channels, config.num_classes) if config.num_classes > 0 else nn.Identity()
        own_init = {id(linear) for layer in self.modules() if isinstance(layer, DCNv4Layer)
                    for linear in (layer.offset_mask, layer.value_proj, layer.output_proj)}
        for module in self.modules():
            if isinstance(module, nn.Linear) and id(module) not in own_init:
                nn.init.trunc_normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    @property
    def feature_channels(self) -> list[int]:
        return [self.config.channels * 2 ** i for i in range(len(self.config.depths))]

    def forward_features(self, images: torch.Tensor) -> list[torch.Tensor]:
        """(N, 3, H, W) -> the four stage outputs, (N, C_i, H/4/2^i, W/4/2^i) each."""
        x = self.patch_embed(images)
        outputs = []
        for level in self.levels:
            x, features = level(x)
            outputs.append(features.permute(0, 3, 1, 2))
        return outputs

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        last = self.forward_features(images)[-1]
        pooled = self.conv_head(last).mean(dim=(2, 3))
        return self.head(pooled)


def flash_internimage(size: str = "t", **changes) -> FlashInternImage:
    """FlashInternImage-T/S/B (changes override config fields, e.g. num_classes=0)."""
    if size not in CONFIGS:
        raise ValueError(f"unknown FlashInternImage size {size!r}; sizes: {', '.join(CONFIGS)}")
    from dataclasses import replace

    return FlashInternImage(replace(CONFIGS[size], **changes))


def load_checkpoint(model: nn.Module, checkpoint: str | Path | dict, *, ignore: tuple[str, ...] = (),
                    ema: bool = False) -> None:
    """Load an official checkpoint: a state dict, or a file holding one, possibly a training
    checkpoint as OpenGVLab saves it (weights under "model", "model_ema" with ema=True, beside the
    optimizer and a config object, which is read as data and never run: perception.checkpoint_file);
    keys possibly prefixed "module.". Any missing, unexpected or mis-shaped key (not starting with
    an `ignore` prefix) is a CheckpointError that lists them."""
    from perception.checkpoint_file import CheckpointReadError, read_checkpoint, state_dict_of

    try:
        state = state_dict_of(checkpoint if isinstance(checkpoint, dict) else read_checkpoint(checkpoint), ema=ema)
    except CheckpointReadError as error:
        raise CheckpointError(str(error)) from error
    own = model.state_dict()
    kept = lambda k: not k.startswith(ignore) if ignore else True  # noqa: E731
    missing = sorted(k for k in own if k not in state and kept(k))
    unexpected = sorted(k for k in state if k not in own and kept(k))
    mismatched = sorted(f"{k} {tuple(state[k].shape)} != {tuple(own[k].shape)}" for k in own
                        if k in state and kept(k) and tuple(state[k].shape) != tuple(own[k].shape))
    problems = [f"{name} ({len(keys)}): {', '.join(keys[:10])}{' ...' if len(keys) > 10 else ''}"
                for name, keys in (("missing keys", missing), ("unexpected keys", unexpected),
                                   ("shape mismatches", mismatched)) if keys]
    if problems:
        raise CheckpointError("the checkpoint does not fit the model: " + "; ".join(problems))
    model.load_state_dict({k: v for k, v in state.items() if k in own}, strict=False)
