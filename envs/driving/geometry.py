"""Vectorised 2-D geometry: oriented boxes and segment crossings."""

from __future__ import annotations

import numpy as np


def box_corners(center: np.ndarray, yaw_deg: np.ndarray, extent: np.ndarray) -> np.ndarray:
    """(N, 4, 2) corners of oriented boxes given centres (N, 2), yaws (N,) and half sizes (N, 2)."""
    center = np.atleast_2d(center)
    yaw = np.radians(np.atleast_1d(yaw_deg))
    extent = np.atleast_2d(extent)
    forward = np.stack([np.cos(yaw), np.sin(yaw)], axis=1) * extent[:, :1]
    right = np.stack([-np.sin(yaw), np.cos(yaw)], axis=1) * extent[:, 1:2]
    signs = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]], dtype=float)
    return center[:, None, :] + signs[None, :, :1] * forward[:, None, :] + signs[None, :, 1:] * right[:, None, :]


def boxes_overlap(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Separating-axis test of one box (4, 2) against boxes (N, 4, 2); returns (N,) bool."""
    if len(others) == 0:
        return np.zeros(0, dtype=bool)
    axes_own = np.stack([box[1] - box[0], box[3] - box[0]])  # (2, 2)
    axes_other = np.stack([others[:, 1] - others[:, 0], others[:, 3] - others[:, 0]], axis=1)  # (N, 2, 2)
    axes = np.concatenate([np.broadcast_to(axes_own, (len(others), 2, 2)), axes_other], axis=1)  # (N, 4, 2)
    own = np.einsum("nad,kd->nak", axes, box)  # (N, 4 axes, 4 corners)
    other = np.einsum("nad,nkd->nak", axes, others)
    separated = (own.max(axis=2) < other.min(axis=2)) | (other.max(axis=2) < own.min(axis=2))
    return ~separated.any(axis=1)


def segments_cross(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """Whether segment a0-a1 (2,) crosses each segment b0-b1 (N, 2); touching counts."""
    def orientation(p, q, r):
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])

    d1 = orientation(b0, b1, a0)
    d2 = orientation(b0, b1, a1)
    d3 = orientation(a0, a1, b0)
    d4 = orientation(a0, a1, b1)
    return (d1 * d2 <= 0) & (d3 * d4 <= 0) & ~((d1 == 0) & (d2 == 0))
