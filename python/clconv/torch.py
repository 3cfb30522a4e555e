"""clconv.torch: PyTorch's conv2d on a clconv device.

conv2d(x, weight, bias, stride, padding, dilation, groups) is a
torch.autograd.Function whose forward and backward run on a clconv context,
so autograd, optimizers and training loops work unchanged; Conv2d is an
nn.Module with nn.Conv2d's parameters and initialization, LazyConv2d the
notebook's lazy layer (nn.LazyConv2d). Inputs are (N, C, H, W) or, unbatched,
(C, H, W).

    import clconv.torch
    conv = clconv.torch.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    loss = ((conv(X) - Y) ** 2).sum(); loss.backward()

Tensors are CPU tensors on the PyTorch side (clconv copies them to and from
its device); the computation is float32, and results come back in the
input's dtype (float64 input warns that it is computed in float32).
Padding modes other than zeros and the odd side of an uneven 'same'
padding are added by PyTorch (torch.nn.functional.pad) before clconv runs;
what clconv cannot do raises NotImplementedError naming it.
"""
import math
import warnings

import torch

from . import _core

__all__ = ["Conv2d", "LazyConv2d", "conv2d", "set_context", "get_context"]

_context = None


def set_context(ctx):
    """Makes ctx (a clconv.Context) the one clconv.torch uses by default."""
    global _context
    _context = ctx


def get_context():
    """The context clconv.torch uses: the one set, else clconv's default
    context ($CLCONV_DEVICE, else the default device)."""
    if _context is not None and _context._handle is not None:
        return _context
    return _core.default_context()


def _numpy32(t, name):
    """t as a float32 NumPy array, refusing complex values and finite
    values beyond float32's range (_core._float32_array)."""
    if t.is_complex():
        raise TypeError(f"{name} is complex ({t.dtype}): clconv computes on "
                        "real numbers")
    t = t.detach().to("cpu")
    if t.dtype in (torch.float32, torch.float16, torch.bfloat16):
        return t.to(torch.float32).contiguous().numpy()  # always in range
    if t.dtype == torch.float64:
        warnings.warn("clconv computes in float32: float64 tensors are "
                      "rounded to float32 and the results come back as "
                      "float64 (within the float32 bound of docs/design.md)",
                      stacklevel=4)
    return _core._float32_array(name, t.numpy())


def _pair(name, value):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} takes an int or two, got {value!r}")
        return tuple(_core._integer(name, v) for v in value)
    number = _core._integer(name, value)
    return (number, number)


def _padding(padding, kernel, dilation):
    """Resolves 'valid', 'same' and numbers to the padding of each side,
    (top, bottom, left, right): 'same' puts the odd one at the bottom and
    the right, as PyTorch does."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        sides = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            sides += [total // 2, total - total // 2]
        return tuple(sides)
    if isinstance(padding, str):
        raise ValueError(f"padding takes 'valid', 'same' or numbers, got "
                         f"{padding!r}")
    ph, pw = _pair("padding", padding)
    return (ph, ph, pw, pw)


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _padded(x, sides, mode):
    """x and the symmetric padding left for clconv: the rest of @sides
    (an uneven side, or every side for a mode other than zeros) added by
    torch.nn.functional.pad, which autograd differentiates."""
    top, bottom, left, right = sides
    if mode == "zeros":
        ph, pw = min(top, bottom), min(left, right)
        extra = (left - pw, right - pw, top - ph, bottom - ph)
        if any(extra):
            x = torch.nn.functional.pad(x, extra)
        return x, (ph, pw)
    return torch.nn.functional.pad(x, (left, right, top, bottom),
                                   mode=mode), (0, 0)


class _Conv2dFunction(torch.autograd.Function):
    """y = conv2d(x, weight, bias) on a clconv context. Its gradients are
    correlations again (_BackwardData, _BackwardWeight), each differentiable
    in turn, so second derivatives (create_graph=True: a gradient penalty,
    gradgradcheck) are right too."""

    @staticmethod
    def forward(ctx, x, weight, bias, spec):
        options, context = spec
        xn, wn = _numpy32(x, "input"), _numpy32(weight, "weight")
        bn = None if bias is None else _numpy32(bias, "bias")
        y = context.conv2d(xn, wn, bn, **options).numpy()
        ctx.save_for_backward(x, weight)
        ctx.spec, ctx.has_bias = spec, bias is not None
        return torch.from_numpy(y).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_y):
        x, weight = ctx.saved_tensors
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = _BackwardData.apply(grad_y, weight, tuple(x.shape), ctx.spec)
        if ctx.needs_input_grad[1]:
            dw = _BackwardWeight.apply(x, grad_y, tuple(weight.shape),
                                       ctx.spec)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            db = grad_y.sum((0, 2, 3))  # differentiable as it is
        return dx, dw, db, None


class _BackwardData(torch.autograd.Function):
    """dx = the input gradient of conv2d from dy and the weight: linear in
    each, so its own gradients are conv2d(g, weight) for dy and the weight
    gradient of input g and output gradient dy for the weight."""

    @staticmethod
    def forward(ctx, dy, weight, x_shape, spec):
        options, context = spec
        dx = context.conv2d_backward_data(_numpy32(dy, "grad_output"),
                                          _numpy32(weight, "weight"), x_shape,
                                          **options)
        ctx.save_for_backward(dy, weight)
        ctx.spec = spec
        return torch.from_numpy(dx.numpy()).to(dy.dtype)

    @staticmethod
    def backward(ctx, g):
        dy, weight = ctx.saved_tensors
        d_dy = d_weight = None
        if ctx.needs_input_grad[0]:
            d_dy = _Conv2dFunction.apply(g, weight, None, ctx.spec)
        if ctx.needs_input_grad[1]:
            d_weight = _BackwardWeight.apply(g, dy, tuple(weight.shape),
                                             ctx.spec)
        return d_dy, d_weight, None, None


class _BackwardWeight(torch.autograd.Function):
    """dW = the weight gradient of conv2d from x and dy: linear in each, so
    its own gradients are the input gradient of dy with weight g for x and
    conv2d(x, g) for dy."""

    @staticmethod
    def forward(ctx, x, dy, w_shape, spec):
        options, context = spec
        dw = context.conv2d_backward_weight(_numpy32(x, "input"),
                                            _numpy32(dy, "grad_output"),
                                            w_shape, **options)
        ctx.save_for_backward(x, dy)
        ctx.spec = spec
        return torch.from_numpy(dw.numpy()).to(dy.dtype)

    @staticmethod
    def backward(ctx, g):
        x, dy = ctx.saved_tensors
        d_x = d_dy = None
        if ctx.needs_input_grad[0]:
            d_x = _BackwardData.apply(dy, g, tuple(x.shape), ctx.spec)
        if ctx.needs_input_grad[1]:
            d_dy = _Conv2dFunction.apply(x, g, None, ctx.spec)
        return d_x, d_dy, None, None


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
           algo="auto", context=None, padding_mode="zeros"):
    """torch.nn.functional.conv2d on a clconv device (see the module's
    text). algo: "auto", "direct", "gemm", "winograd", "winograd4x4";
    padding_mode, as nn.Conv2d's: "zeros", "reflect", "replicate" or
    "circular" (the last three, and the odd side of an uneven 'same', padded
    by PyTorch before clconv runs)."""
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of "
                         f"{', '.join(_PADDING_MODES)}, got {padding_mode!r}")
    if x.dim() == 3:  # unbatched (C, H, W), as PyTorch takes it
        return conv2d(x.unsqueeze(0), weight, bias, stride, padding,
                      dilation, groups, algo, context,
                      padding_mode).squeeze(0)
    if x.dim() != 4:
        raise ValueError(f"clconv.torch.conv2d takes a 4-D (N, C, H, W) "
                         f"or 3-D (C, H, W) input, got {x.dim()}-D")
    kernel = tuple(weight.shape[2:])
    dilation = _pair("dilation", dilation)
    stride = _pair("stride", stride)
    if padding == "same" and stride != (1, 1):
        raise ValueError("padding='same' needs stride 1, as in PyTorch")
    x, symmetric = _padded(x, _padding(padding, kernel, dilation),
                           padding_mode)
    options = dict(padding=symmetric, stride=stride, dilation=dilation,
                   groups=_core._integer("groups", groups, 1), algo=algo)
    return _Conv2dFunction.apply(x, weight, bias,
                                 (options, context or get_context()))


class Conv2d(torch.nn.Module):
    """nn.Conv2d on a clconv device: the same constructor (in_channels,
    out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
    bias=True, padding_mode='zeros', device=None, dtype=None), the same
    weight and bias Parameters and initialization; plus algo and context
    (a clconv.Context; default: clconv.torch.get_context())."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None, algo="auto",
                 context=None):
        super().__init__()
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of "
                             f"{', '.join(_PADDING_MODES)}, got "
                             f"{padding_mode!r}")
        if device is not None and torch.device(device).type != "cpu":
            raise NotImplementedError(
                "clconv.torch.Conv2d keeps its parameters on the CPU (clconv "
                f"runs them on its own device), not on {device!r}")
        groups = _core._integer("groups", groups, 1)
        in_channels = _core._integer("in_channels", in_channels, 1)
        out_channels = _core._integer("out_channels", out_channels, 1)
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible "
                             "by groups")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair("kernel_size", kernel_size)
        self.stride = _pair("stride", stride)
        self.dilation = _pair("dilation", dilation)
        self.padding = padding if isinstance(padding, str) else _pair(
            "padding", padding)
        _padding(self.padding, self.kernel_size, self.dilation)  # checks it
        self.groups, self.padding_mode = groups, padding_mode
        self.algo, self.context = algo, context
        factory = {"dtype": dtype or torch.float32}
        self.weight = torch.nn.Parameter(torch.empty(
            (out_channels, in_channels // groups) + self.kernel_size,
            **factory))
        if bias:
            self.bias = torch.nn.Parameter(torch.empty(out_channels,
                                                       **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """nn.Conv2d's initialization: kaiming_uniform_(a=sqrt(5)) for the
        weight, uniform in +-1/sqrt(fan_in) for the bias."""
        torch.nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * \
                self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            torch.nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding,
                      self.dilation, self.groups, self.algo, self.context,
                      self.padding_mode)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size="
                f"{self.kernel_size}, stride={self.stride}, padding="
                f"{self.padding}, dilation={self.dilation}, groups="
                f"{self.groups}, bias={self.bias is not None}, algo="
                f"{self.algo!r}")



class LazyConv2d(torch.nn.modules.lazy.LazyModuleMixin, Conv2d):
    """nn.LazyConv2d on a clconv device: Conv2d whose in_channels is
    inferred from the first input (the notebook's layer is lazy), its
    parameters made and initialized then, as PyTorch does."""

    cls_to_become = Conv2d
    _pending = True  # no initialization (no random draw) until materialized

    def __init__(self, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros",
                 device=None, dtype=None, algo="auto", context=None):
        # Made with one input channel per group, then made again below.
        super().__init__(_core._integer("groups", groups, 1), out_channels,
                         kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, algo, context)
        self.weight = torch.nn.parameter.UninitializedParameter(
            dtype=dtype or torch.float32)
        self.out_channels = out_channels
        if bias:
            self.bias = torch.nn.parameter.UninitializedParameter(
                dtype=dtype or torch.float32)

    def reset_parameters(self):
        if not self._pending and not self.has_uninitialized_params():
            super().reset_parameters()

    def initialize_parameters(self, x):
        """Takes in_channels from the first input, (N, C, H, W) or
        (C, H, W), and makes and initializes the parameters."""
        if self.has_uninitialized_params():
            with torch.no_grad():
                self.in_channels = x.shape[-3]
                if self.in_channels % self.groups:
                    raise ValueError(
                        f"in_channels ({self.in_channels}) must be divisible "
                        f"by groups ({self.groups})")
                self.weight.materialize(
                    (self.out_channels, self.in_channels // self.groups)
                    + self.kernel_size)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self._pending = False
                self.reset_parameters()
