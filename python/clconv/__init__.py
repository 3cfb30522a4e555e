"""clconv: 2D cross-correlation ("conv2d") layers on any OpenCL device, with
a plain-C reference that checks every result. This package drives the
clconv C library from Python with NumPy arrays; clconv.torch adds a PyTorch
autograd Function and nn.Module.

    import clconv
    clconv.corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    # array([[19., 25.], [37., 43.]], dtype=float32)

    with clconv.Context(device="cpu", verify=True) as ctx:
        y = ctx.conv2d(x, w, b, padding=1).numpy()
"""
from ._core import (Context, Conv2D, DeviceInfo, Error, Tensor, corr2d,
                    default_context, devices)
from ._native import VERSION as __version__
from ._native import library_path

__all__ = ["Context", "Conv2D", "DeviceInfo", "Error", "Tensor", "corr2d",
           "default_context", "devices", "library_path", "__version__"]
