"""_core.py: clconv's objects for Python: devices, contexts, tensors (to and
from NumPy), the cross-correlation and its gradients, the loss, SGD and the
Conv2D layer. Every failing call raises clconv.Error with the library's
message."""
import ctypes
import functools
import operator
import threading
import weakref
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from . import _native as N
from ._native import lib

# Anything np.asarray takes: arrays, nested lists, numbers.
ArrayLike = Any

_ALGOS = ("auto", "direct", "gemm", "winograd", "winograd4x4")
_PASSES = {"forward": 0, "backward_data": 1, "backward_weight": 2}
_REDUCTIONS = {"sum": 0, "mean": 1}
_INITS = {"pytorch": 0, "uniform01": 1}
_DEVICE_TYPES = ("reference", "cpu", "gpu", "accelerator", "other")


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _integer(name, value, low=None, high=None):
    """value as a Python int, refusing what is not an integer (1.7, "2")
    and what lies outside [low, high], with the argument's name."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {value!r}") from None
    if (low is not None and number < low) or (high is not None
                                               and number > high):
        bounds = (f"at least {low}" if high is None else
                  f"between {low} and {high}")
        raise ValueError(f"{name} must be {bounds}, got {number}")
    return number


def _float32_array(name, data):
    """data as a contiguous float32 NumPy array: numbers only, never a
    complex value (its imaginary part would be dropped) and never a finite
    value beyond float32's range (it would become infinite)."""
    array = np.asarray(data)
    if np.iscomplexobj(array):
        raise TypeError(f"{name} is complex ({array.dtype}): clconv computes "
                        "on real numbers")
    if array.dtype != np.float32 and array.size > 0:
        if not (np.issubdtype(array.dtype, np.number)
                or array.dtype == np.bool_):
            raise TypeError(f"{name} must be numbers, got {array.dtype}")
        if np.issubdtype(array.dtype, np.floating) or \
                np.issubdtype(array.dtype, np.integer):
            with np.errstate(invalid="ignore"):
                finite = np.abs(array[np.isfinite(array)]) \
                    if np.issubdtype(array.dtype, np.floating) \
                    else np.abs(array.astype(np.float64))
            if finite.size and float(finite.max()) > _FLOAT32_MAX:
                raise ValueError(
                    f"{name} holds {float(finite.max()):g}, beyond float32's "
                    f"range (+-{_FLOAT32_MAX:.4g}) in which clconv computes")
    return np.ascontiguousarray(array, dtype=np.float32)


def _shape(name, shape):
    """A tensor shape: 1 to 4 integers, each from 0 to 2**62."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers, got "
                        f"{shape!r}") from None
    return tuple(_integer(f"{name}[{i}]", d, 0, 2**62)
                 for i, d in enumerate(dims))


def _locked(method):
    """Runs a method under its context's lock: a context (and its tensors
    and layers) may be used from any thread, one call at a time."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return run


class Error(RuntimeError):
    """A failing clconv call: .status is the status's name (e.g.
    "SHAPE_MISMATCH"), .code its number, and the message names the bad
    argument or the OpenCL call."""

    def __init__(self, code, message):
        self.code = int(code)
        self.status = N.text(lib.clconv_status_name(code))
        super().__init__(f"{self.status}: {message}" if message
                         else self.status)


def _check(ctx, code):
    if code != 0:
        message = N.text(lib.clconv_context_message(ctx._handle)) if ctx \
            else N.text(lib.clconv_status_string(code))
        raise Error(code, message)


class DeviceInfo:
    """One OpenCL device (or the reference backend) as clconv sees it."""

    def __init__(self, raw, is_default=False):
        self.platform_index = raw.platform_index
        self.device_index = raw.device_index
        self.type = _DEVICE_TYPES[raw.type] if 0 <= raw.type < 5 else "other"
        self.platform_name = N.text(raw.platform_name)
        self.name = N.text(raw.device_name)
        self.vendor = N.text(raw.device_vendor)
        self.driver_version = N.text(raw.driver_version)
        self.opencl_version = N.text(raw.device_version)
        self.compute_units = raw.compute_units
        self.global_mem_bytes = raw.global_mem_bytes
        self.usable = bool(raw.usable)
        self.unusable_reason = N.text(raw.unusable_reason)
        self.is_default = is_default

    @property
    def spec(self):
        """The selection text for this device: "P:D" or "reference"."""
        if self.type == "reference":
            return "reference"
        return f"{self.platform_index}:{self.device_index}"

    def __repr__(self):
        return (f"DeviceInfo({self.spec!r}, {self.name!r}, type={self.type!r},"
                f" usable={self.usable})")


def devices() -> List["DeviceInfo"]:
    """Every OpenCL device of every platform, in `clconv devices` order;
    the default one has is_default set. An empty list when there is no
    OpenCL platform; clconv.Error when listing fails."""
    count = ctypes.c_size_t()
    default = ctypes.c_size_t()
    message = ctypes.create_string_buffer(1024)
    code = lib.clconv_devices_list(None, 0, ctypes.byref(count),
                                   ctypes.byref(default), message, 1024)
    if code == N.STATUS["NO_PLATFORM"]:
        return []
    if code != 0:
        raise Error(code, N.text(message.value))
    infos = (N.DeviceInfo * max(count.value, 1))()
    code = lib.clconv_devices_list(infos, count.value, ctypes.byref(count),
                                   ctypes.byref(default), message, 1024)
    if code != 0:
        raise Error(code, N.text(message.value))
    return [DeviceInfo(infos[i], i == default.value)
            for i in range(count.value)]


def _corr2d_params(padding=0, stride=1, dilation=1, groups=1, algo="auto"):
    p = N.Corr2dParams()
    lib.clconv_corr2d_params_init(ctypes.byref(p), ctypes.sizeof(p))
    p.pad_h, p.pad_w = _pair("padding", padding)
    p.stride_h, p.stride_w = _pair("stride", stride)
    p.dilation_h, p.dilation_w = _pair("dilation", dilation)
    p.groups = _integer("groups", groups, 1, 2**62)
    if algo not in _ALGOS:
        raise ValueError(f"algo must be one of {', '.join(_ALGOS)}, "
                         f"got {algo!r}")
    p.algo = _ALGOS.index(algo)
    return p


def _pair(name, value):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} takes one number or two, got {value!r}")
        return _integer(name, value[0]), _integer(name, value[1])
    number = _integer(name, value)
    return number, number


def _sgd_params(lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                nesterov=False):
    p = N.SgdParams()
    lib.clconv_sgd_params_init(ctypes.byref(p), ctypes.sizeof(p))
    p.lr, p.momentum, p.dampening = float(lr), float(momentum), \
        float(dampening)
    p.weight_decay, p.nesterov = float(weight_decay), int(bool(nesterov))
    return p


class Context:
    """A clconv context on one device: it makes tensors and runs the ops.

    device: a selection text ("reference", "P:D", "gpu", "cpu", or part of a
    name); None: $CLCONV_DEVICE, else the default device. verify: True to
    check every op against the reference backend (clconv.Error with status
    VERIFY_MISMATCH when one differs), None: $CLCONV_VERIFY. build: how the
    kernels of a new problem are built: "async" (generic kernels at once,
    the problem's own built in the background), "sync" (wait for them) or
    "generic" (never build them); None: $CLCONV_BUILD, else "async".
    self_check: False to skip the check of each kernel path on its first
    use (None: on unless $CLCONV_SELF_CHECK is 0). Use it
    as a context manager, or call close(); closing releases its tensors.

    A context may be shared by threads: each call on it, its tensors and
    its layers holds the context's lock, so calls from several threads run
    one at a time (contexts of their own run side by side)."""

    _BUILD_MODES = {"async": 1, "sync": 2, "generic": 3}

    def __init__(self, device: Optional[str] = None,
                 verify: Optional[bool] = None, cache: Optional[bool] = None,
                 cache_dir: Optional[str] = None,
                 build: Optional[str] = None,
                 self_check: Optional[bool] = None) -> None:
        options = N.ContextOptions()
        lib.clconv_context_options_init(ctypes.byref(options),
                                        ctypes.sizeof(options))
        self._lock = threading.RLock()
        self._handle = None
        self._keep = []  # strings the options point to
        if device is not None:
            self._keep.append(str(device).encode())
            options.device = self._keep[-1]
        if verify is not None:
            options.verify = int(bool(verify))
        if cache is not None:
            options.cache = int(bool(cache))
        if self_check is not None:
            options.self_check = int(bool(self_check))
        if cache_dir is not None:
            self._keep.append(str(cache_dir).encode())
            options.cache_dir = self._keep[-1]
        if build is not None:
            if build not in self._BUILD_MODES:
                raise ValueError("build must be 'async', 'sync' or 'generic'")
            options.build = self._BUILD_MODES[build]
        handle = ctypes.c_void_p()
        message = ctypes.create_string_buffer(1024)
        code = lib.clconv_context_create(ctypes.byref(options),
                                         ctypes.byref(handle), message, 1024)
        if code != 0:
            raise Error(code, N.text(message.value))
        self._handle = handle
        self._objects = weakref.WeakSet()  # tensors and layers to release

    # -- lifetime
    @_locked
    def close(self) -> None:
        """Releases every tensor and layer of the context, then the context.
        Using them afterwards raises ValueError."""
        if self._handle is None:
            return
        for obj in list(self._objects):
            obj._release()
        lib.clconv_context_release(self._handle)
        self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _live(self):
        if self._handle is None:
            raise ValueError("the clconv context is closed")
        return self._handle

    # -- about the device
    @property
    @_locked
    def device(self) -> "DeviceInfo":
        """The context's DeviceInfo."""
        info = N.DeviceInfo()
        _check(self, lib.clconv_context_device(self._live(),
                                               ctypes.byref(info)))
        return DeviceInfo(info)

    @_locked
    def finish(self) -> None:
        """Waits for every queued op."""
        _check(self, lib.clconv_context_finish(self._live()))

    # -- first contact
    @_locked
    def prepare(self, problems: Sequence[Tuple[Sequence[int], Sequence[int],
                                               dict]]) -> int:
        """Builds ahead the kernels of each (x_shape, w_shape, params) of
        @problems (params: padding, stride, dilation, groups, algo as for
        conv2d; forward and both gradients), building on this thread and
        the library's builder at once, and waits for them. They land in the
        disk cache, where later contexts find them. Returns the number of
        programs that were built."""
        built = 0
        for x_shape, w_shape, params in problems:
            p = _corr2d_params(**params)
            x = self.tensor(shape=tuple(x_shape))
            w = self.tensor(shape=tuple(w_shape))
            _check(self, lib.clconv_corr2d_prepare(
                self._live(), ctypes.byref(p), x._live(), w._live(), 7))
        while lib.clconv_context_build_next(self._live()):
            built += 1
        _check(self, lib.clconv_context_wait_builds(self._live()))
        return built

    @property
    @_locked
    def notes(self) -> str:
        """What the library decided that you may want to know (a background
        build that failed, a fallback), one line each; "" when nothing."""
        return N.text(lib.clconv_context_notes(self._live()))

    @property
    @_locked
    def builds_pending(self) -> int:
        """Kernel programs queued or building in the background."""
        return int(lib.clconv_context_builds_pending(self._live()))

    @_locked
    def verify_total(self, reset: bool = False) -> dict:
        """The merged verification report since the context was made or last
        reset: a dict (count, mismatches, max_error_ratio, ...)."""
        r = N.VerifyReport()
        _check(self, lib.clconv_context_verify_total(
            self._live(), ctypes.byref(r), int(bool(reset))))
        return {name: getattr(r, name) for name, _ in r._fields_}

    # -- tensors
    @_locked
    def tensor(self, data: Optional[ArrayLike] = None,
               shape: Optional[Sequence[int]] = None) -> "Tensor":
        """A tensor on the device: from an array-like (copied, as float32),
        or, with shape, uninitialized."""
        if data is not None:
            array = _float32_array("data", data)
            t = Tensor(self, array.shape)
            t.write(array)
            return t
        if shape is None:
            raise TypeError("tensor takes data or a shape")
        return Tensor(self, shape)

    @_locked
    def _as_tensor(self, value, name):
        if isinstance(value, Tensor):
            if value._ctx is not self:
                raise ValueError(f"{name} belongs to another clconv context")
            return value
        return self.tensor(_float32_array(name, value))

    # -- cross-correlation
    @_locked
    def conv2d(self, x, w, b=None, padding=0, stride=1, dilation=1, groups=1,
               algo="auto"):
        """y = corr2d(x, w) + b, as torch.nn.functional.conv2d: x (N, Cin,
        H, W), w (Cout, Cin/groups, KH, KW), b (Cout) or None. Arrays or
        Tensors in, a Tensor out (queued; .numpy() waits)."""
        p = _corr2d_params(padding, stride, dilation, groups, algo)
        tx, tw = self._as_tensor(x, "x"), self._as_tensor(w, "w")
        tb = None if b is None else self._as_tensor(b, "b")
        dims = (ctypes.c_int64 * 4)()
        _check(self, lib.clconv_corr2d_output_dims(
            self._live(), ctypes.byref(p), tx._live(), tw._live(), dims))
        y = Tensor(self, tuple(dims))
        _check(self, lib.clconv_corr2d_forward(
            self._live(), ctypes.byref(p), tx._handle, tw._handle,
            tb._live() if tb is not None else None, y._handle))
        return y

    @_locked
    def conv2d_backward_data(self, dy, w, x_shape, padding=0, stride=1,
                             dilation=1, groups=1, algo="auto"):
        """dL/dx (of shape x_shape) from dy = dL/dy and the weights."""
        p = _corr2d_params(padding, stride, dilation, groups, algo)
        tdy, tw = self._as_tensor(dy, "dy"), self._as_tensor(w, "w")
        dx = Tensor(self, tuple(x_shape))
        _check(self, lib.clconv_corr2d_backward_data(
            self._live(), ctypes.byref(p), tdy._live(), tw._live(),
            dx._handle))
        return dx

    @_locked
    def conv2d_backward_weight(self, x, dy, w_shape, padding=0, stride=1,
                               dilation=1, groups=1, algo="auto"):
        """dL/dw (of shape w_shape) from the input x and dy = dL/dy."""
        p = _corr2d_params(padding, stride, dilation, groups, algo)
        tx, tdy = self._as_tensor(x, "x"), self._as_tensor(dy, "dy")
        dw = Tensor(self, tuple(w_shape))
        _check(self, lib.clconv_corr2d_backward_weight(
            self._live(), ctypes.byref(p), tx._live(), tdy._live(),
            dw._handle, 0))
        return dw

    @_locked
    def conv2d_backward_bias(self, dy):
        """dL/db: dy summed over all but the channel axis."""
        tdy = self._as_tensor(dy, "dy")
        if len(tdy.shape) != 4:
            raise ValueError(f"dy must have 4 dimensions, got {tdy.shape}")
        db = Tensor(self, (tdy.shape[1],))
        _check(self, lib.clconv_corr2d_backward_bias(
            self._live(), tdy._live(), db._handle, 0))
        return db

    @_locked
    def algo_chosen(self, x, w, padding=0, stride=1, dilation=1, groups=1,
                    algo="auto", which="forward"):
        """The algorithm ("direct", "gemm", "winograd", ...) that runs pass
        `which` (forward, backward_data, backward_weight) of the problem."""
        p = _corr2d_params(padding, stride, dilation, groups, algo)
        tx, tw = self._as_tensor(x, "x"), self._as_tensor(w, "w")
        out = ctypes.c_int()
        _check(self, lib.clconv_corr2d_algo_chosen(
            self._live(), ctypes.byref(p), tx._live(), tw._live(),
            _PASSES[which], ctypes.byref(out)))
        return N.text(lib.clconv_algo_name(out.value))

    @_locked
    def corr2d(self, x: ArrayLike, k: ArrayLike) -> np.ndarray:
        """The notebook's corr2d: a 2-D array x correlated with a 2-D
        kernel k, as a 2-D NumPy array."""
        x, k = _float32_array("x", x), _float32_array("k", k)
        if x.ndim != 2 or k.ndim != 2:
            raise ValueError(f"corr2d takes 2-D x and k, got {x.ndim}-D and "
                             f"{k.ndim}-D")
        y = self.conv2d(x[None, None], k[None, None])
        return y.numpy()[0, 0]

    # -- loss and update
    @_locked
    def squared_error(self, y_hat, y, reduction="sum"):
        """(loss, dL/dy_hat) of the notebook's loss, sum (or mean) of
        (y_hat - y)^2; the loss is a float (this waits)."""
        if reduction not in _REDUCTIONS:
            raise ValueError("reduction must be 'sum' or 'mean'")
        ty, tt = self._as_tensor(y_hat, "y_hat"), self._as_tensor(y, "y")
        grad = Tensor(self, ty.shape)
        loss = ctypes.c_double()
        _check(self, lib.clconv_squared_error(
            self._live(), _REDUCTIONS[reduction], ty._live(), tt._live(),
            ctypes.byref(loss), grad._handle))
        return loss.value, grad

    @_locked
    def sgd_step(self, param, grad, lr, momentum=0.0, dampening=0.0,
                 weight_decay=0.0, nesterov=False, buffer=None,
                 buffer_is_set=False):
        """One SGD step on the Tensor param in place (PyTorch's semantics);
        with momentum, buffer is the momentum Tensor, filled on the first
        step (buffer_is_set False)."""
        p = _sgd_params(lr, momentum, dampening, weight_decay, nesterov)
        tg = self._as_tensor(grad, "grad")
        if not isinstance(param, Tensor):
            raise TypeError("param must be a clconv Tensor (it is updated)")
        _check(self, lib.clconv_sgd_step(
            self._live(), ctypes.byref(p), param._live(), tg._live(),
            buffer._live() if buffer is not None else None,
            int(bool(buffer_is_set))))


class Tensor:
    """A float32 tensor of rank 1 to 4 on a context's device."""

    def __init__(self, ctx, shape):
        shape = _shape("shape", shape)
        dims = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        handle = ctypes.c_void_p()
        with ctx._lock:
            _check(ctx, lib.clconv_tensor_create(ctx._live(), len(shape),
                                                 dims, ctypes.byref(handle)))
        self._ctx, self._handle, self.shape = ctx, handle, tuple(shape)
        self._lock = ctx._lock
        ctx._objects.add(self)

    @_locked
    def _release(self):
        if self._handle is not None:
            lib.clconv_tensor_release(self._handle)
            self._handle = None

    def __del__(self):
        try:
            if self._ctx._handle is not None:
                self._release()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _live(self):
        self._ctx._live()
        if self._handle is None:
            raise ValueError("the clconv tensor is released")
        return self._handle

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @_locked
    def write(self, data: ArrayLike) -> None:
        """Copies an array of this shape into the tensor."""
        array = _float32_array("data", data)
        if array.shape != self.shape:
            raise ValueError(f"data of shape {array.shape} does not fit a "
                             f"tensor of shape {self.shape}")
        _check(self._ctx, lib.clconv_tensor_write(
            self._live(), array.ctypes.data_as(N.c_float_p), array.size))

    @_locked
    def numpy(self) -> np.ndarray:
        """The tensor as a new float32 NumPy array (waits for its writer)."""
        out = np.empty(self.shape, dtype=np.float32)
        _check(self._ctx, lib.clconv_tensor_read(
            self._live(), out.ctypes.data_as(N.c_float_p), out.size))
        return out

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __repr__(self):
        return f"clconv.Tensor(shape={self.shape})"


class Conv2D:
    """The layer of the notebooks (nn.Conv2d / nn.LazyConv2d) on a context:
    weight (Cout, Cin/groups, KH, KW) and bias, their gradients, momentum
    buffers. in_channels=0 infers them at the first forward."""

    _PARTS = {"weight": 0, "bias": 1, "grad_weight": 2, "grad_bias": 3}

    def __init__(self, ctx, out_channels, kernel_size, in_channels=0,
                 bias=True, padding=0, stride=1, dilation=1, groups=1,
                 algo="auto", init="pytorch", seed=0):
        if init not in _INITS:
            raise ValueError("init must be 'pytorch' or 'uniform01'")
        p = N.Conv2dParams()
        lib.clconv_conv2d_params_init(ctypes.byref(p), ctypes.sizeof(p))
        p.in_channels = _integer("in_channels", in_channels, 0, 2**31 - 1)
        p.out_channels = _integer("out_channels", out_channels, 1,
                                  2**31 - 1)
        p.kernel_h, p.kernel_w = _pair("kernel_size", kernel_size)
        conv = _corr2d_params(padding, stride, dilation, groups, algo)
        for field, _ in N.Corr2dParams._fields_[1:]:
            setattr(p, field, getattr(conv, field))
        p.bias, p.init = int(bool(bias)), _INITS[init]
        p.seed = _integer("seed", seed, 0, 2**64 - 1)
        handle = ctypes.c_void_p()
        with ctx._lock:
            _check(ctx, lib.clconv_conv2d_create(ctx._live(), ctypes.byref(p),
                                                 ctypes.byref(handle)))
        self._ctx, self._handle, self._lock = ctx, handle, ctx._lock
        ctx._objects.add(self)

    @_locked
    def _release(self):
        if self._handle is not None:
            lib.clconv_conv2d_release(self._handle)
            self._handle = None

    def __del__(self):
        try:
            if self._ctx._handle is not None:
                self._release()
        except Exception:  # pragma: no cover
            pass

    def _live(self):
        self._ctx._live()
        if self._handle is None:
            raise ValueError("the clconv layer is released")
        return self._handle

    @_locked
    def forward(self, x):
        """y = the layer applied to x (an array or Tensor); a Tensor."""
        tx = self._ctx._as_tensor(x, "x")
        dims = (ctypes.c_int64 * 4)()
        _check(self._ctx, lib.clconv_conv2d_output_dims(
            self._live(), tx._live(), dims))
        y = Tensor(self._ctx, tuple(dims))
        _check(self._ctx, lib.clconv_conv2d_forward(self._handle, tx._handle,
                                                    y._handle))
        return y

    __call__ = forward

    @_locked
    def backward(self, x, dy, want_dx=False):
        """Adds this batch's dW and db to the gradients; returns dL/dx when
        want_dx."""
        tx = self._ctx._as_tensor(x, "x")
        tdy = self._ctx._as_tensor(dy, "dy")
        dx = Tensor(self._ctx, tx.shape) if want_dx else None
        _check(self._ctx, lib.clconv_conv2d_backward(
            self._live(), tx._live(), tdy._live(),
            dx._handle if dx is not None else None))
        return dx

    @_locked
    def zero_grad(self) -> None:
        _check(self._ctx, lib.clconv_conv2d_zero_grad(self._live()))

    @_locked
    def sgd_step(self, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        """One SGD step from the gradients (momentum buffers kept here)."""
        p = _sgd_params(lr, momentum, dampening, weight_decay, nesterov)
        _check(self._ctx, lib.clconv_conv2d_sgd_step(self._live(),
                                                     ctypes.byref(p)))

    @_locked
    def train_step(self, x, target, lr, reduction="sum", momentum=0.0,
                   dampening=0.0, weight_decay=0.0, nesterov=False):
        """The notebook's loop body in one call (forward, loss, zero_grad,
        backward, SGD); returns the loss (before the update)."""
        if reduction not in _REDUCTIONS:
            raise ValueError("reduction must be 'sum' or 'mean'")
        p = _sgd_params(lr, momentum, dampening, weight_decay, nesterov)
        tx = self._ctx._as_tensor(x, "x")
        tt = self._ctx._as_tensor(target, "target")
        loss = ctypes.c_double()
        _check(self._ctx, lib.clconv_conv2d_train_step(
            self._live(), tx._live(), tt._live(), _REDUCTIONS[reduction],
            ctypes.byref(p), None, None, ctypes.byref(loss)))
        return loss.value

    @_locked
    def get(self, name: str) -> Optional[np.ndarray]:
        """A copy of "weight", "bias", "grad_weight" or "grad_bias" as a
        NumPy array (None when the layer has no bias)."""
        shapes = self._shapes()
        if name not in self._PARTS:
            raise ValueError(f"unknown part {name!r}")
        if shapes.get(name) is None:
            return None
        out = np.empty(shapes[name], dtype=np.float32)
        _check(self._ctx, lib.clconv_conv2d_get(
            self._live(), self._PARTS[name], out.ctypes.data_as(N.c_float_p),
            out.size))
        return out

    @_locked
    def set(self, name: str, value: ArrayLike) -> None:
        """Writes "weight" or "bias" from an array of its shape."""
        shapes = self._shapes()
        if name not in ("weight", "bias") or shapes.get(name) is None:
            raise ValueError(f"cannot set {name!r} of this layer")
        array = _float32_array(name, value)
        if array.shape != shapes[name]:
            raise ValueError(f"{name} has shape {shapes[name]}, got "
                             f"{array.shape}")
        _check(self._ctx, lib.clconv_conv2d_set(
            self._live(), self._PARTS[name], array.ctypes.data_as(N.c_float_p),
            array.size))

    @_locked
    def _shapes(self):
        w = lib.clconv_conv2d_tensor(self._live(), 0)
        b = lib.clconv_conv2d_tensor(self._live(), 1)
        if not w:
            raise ValueError("the layer has no parameters yet: run a forward "
                             "first (in_channels is inferred there)")
        dims = tuple(int(lib.clconv_tensor_dim(w, i)) for i in range(4))
        bias = (dims[0],) if b else None
        return {"weight": dims, "grad_weight": dims, "bias": bias,
                "grad_bias": bias}

    @property
    def weight(self):
        return self.get("weight")

    @property
    def bias(self):
        return self.get("bias")


_default = None
_default_lock = threading.Lock()


def default_context() -> Context:
    """A context on the default device ($CLCONV_DEVICE, else the first GPU,
    else the first device), made at the first use and kept (one for every
    thread: its calls take its lock)."""
    global _default
    with _default_lock:
        if _default is None or _default._handle is None:
            _default = Context()
        return _default


def corr2d(x: ArrayLike, k: ArrayLike) -> np.ndarray:
    """The notebook's corr2d(X, K) on the default device: 2-D arrays in, a
    2-D NumPy array out."""
    return default_context().corr2d(x, k)
