"""DCNv4: Triton kernels (CUDA), a vectorised CPU path and a grid_sample reference."""

from kernels.dcnv4.function import dcnv4, dcnv4_reference_op

__all__ = ["dcnv4", "dcnv4_reference_op"]
