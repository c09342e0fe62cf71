"""Triton kernels run on CPU tensors through Triton's interpreter: it must be switched on
before triton is first imported."""

import os

os.environ["TRITON_INTERPRET"] = "1"
