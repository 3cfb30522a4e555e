"""_native.py: the clconv shared library through ctypes: where it is found,
the C structs as ctypes structures, and every function's signature.

The library is looked for, in order, at $CLCONV_LIBRARY (a file), in this
package's lib/ folder (where `pip install ./python` puts it), and by the
system's loader (an installed clconv, `ctypes.util.find_library`).
"""
import ctypes
import ctypes.util
import os

_NAMES = {"win32": ["clconv.dll", "libclconv.dll"],
          "darwin": ["libclconv.dylib"]}


def _candidates():
    env = os.environ.get("CLCONV_LIBRARY")
    if env:
        yield env
        return
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")
    if os.path.isdir(here):
        for name in sorted(os.listdir(here)):
            if name.startswith(("libclconv", "clconv")) and (
                    ".so" in name or name.endswith((".dll", ".dylib"))):
                yield os.path.join(here, name)
    found = ctypes.util.find_library("clconv")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path}: {e}")
    where = "; ".join(tried) if tried else "nothing found"
    raise ImportError(
        "clconv: cannot load the clconv shared library (" + where + "). "
        "Install this package with `pip install ./python` from a clconv "
        "checkout (it builds or copies the library), or set CLCONV_LIBRARY "
        "to the path of libclconv.so / clconv.dll / libclconv.dylib.")


lib, library_path = _load()

c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_float_p = ctypes.POINTER(ctypes.c_float)


class DeviceInfo(ctypes.Structure):
    _fields_ = [("platform_index", ctypes.c_int),
                ("device_index", ctypes.c_int),
                ("type", ctypes.c_int),
                ("platform_name", ctypes.c_char * 128),
                ("platform_version", ctypes.c_char * 128),
                ("device_name", ctypes.c_char * 128),
                ("device_vendor", ctypes.c_char * 128),
                ("driver_version", ctypes.c_char * 64),
                ("device_version", ctypes.c_char * 64),
                ("opencl_c_version", ctypes.c_char * 64),
                ("compute_units", ctypes.c_uint),
                ("max_clock_mhz", ctypes.c_uint),
                ("global_mem_bytes", ctypes.c_uint64),
                ("max_alloc_bytes", ctypes.c_uint64),
                ("local_mem_bytes", ctypes.c_uint64),
                ("max_work_group_size", ctypes.c_size_t),
                ("usable", ctypes.c_int),
                ("unusable_reason", ctypes.c_char * 160)]


class ContextOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("device", ctypes.c_char_p),
                ("verify", ctypes.c_int),
                ("kernel_dir", ctypes.c_char_p),
                ("cache", ctypes.c_int),
                ("cache_dir", ctypes.c_char_p),
                ("verify_sample", ctypes.c_size_t),
                ("cache_max_bytes", ctypes.c_uint64),
                ("build", ctypes.c_int),
                ("on_build", ctypes.c_void_p),
                ("on_build_user", ctypes.c_void_p),
                ("self_check", ctypes.c_int)]


class Corr2dParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("pad_h", ctypes.c_int64), ("pad_w", ctypes.c_int64),
                ("stride_h", ctypes.c_int64), ("stride_w", ctypes.c_int64),
                ("dilation_h", ctypes.c_int64),
                ("dilation_w", ctypes.c_int64),
                ("groups", ctypes.c_int64),
                ("algo", ctypes.c_int)]


class SgdParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("lr", ctypes.c_float), ("momentum", ctypes.c_float),
                ("dampening", ctypes.c_float),
                ("weight_decay", ctypes.c_float),
                ("nesterov", ctypes.c_int)]


class Conv2dParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("in_channels", ctypes.c_int64),
                ("out_channels", ctypes.c_int64),
                ("kernel_h", ctypes.c_int64), ("kernel_w", ctypes.c_int64),
                ("pad_h", ctypes.c_int64), ("pad_w", ctypes.c_int64),
                ("stride_h", ctypes.c_int64), ("stride_w", ctypes.c_int64),
                ("dilation_h", ctypes.c_int64),
                ("dilation_w", ctypes.c_int64),
                ("groups", ctypes.c_int64),
                ("algo", ctypes.c_int),
                ("bias", ctypes.c_int),
                ("init", ctypes.c_int),
                ("seed", ctypes.c_uint64)]


class VerifyReport(ctypes.Structure):
    _fields_ = [("exact", ctypes.c_int), ("count", ctypes.c_size_t),
                ("mismatches", ctypes.c_size_t),
                ("worst_index", ctypes.c_size_t),
                ("worst_device", ctypes.c_double),
                ("worst_reference", ctypes.c_double),
                ("max_abs_error", ctypes.c_double),
                ("mean_abs_error", ctypes.c_double),
                ("max_error_ratio", ctypes.c_double)]


class Peak(ctypes.Structure):
    _fields_ = [("gflops", ctypes.c_double), ("gbps", ctypes.c_double)]


class TuneReport(ctypes.Structure):
    _fields_ = [("candidates", ctypes.c_int), ("rejected", ctypes.c_int),
                ("default_ms", ctypes.c_double), ("best_ms", ctypes.c_double),
                ("default_tiles", ctypes.c_char * 48),
                ("best_tiles", ctypes.c_char * 48),
                ("stored", ctypes.c_int)]


class ReplicasParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("allreduce", ctypes.c_void_p),
                ("allreduce_user", ctypes.c_void_p),
                ("shares", ctypes.POINTER(ctypes.c_double))]


# The C name of each struct copied here.
_STRUCTS = {"clconv_device_info": DeviceInfo,
            "clconv_context_options": ContextOptions,
            "clconv_corr2d_params": Corr2dParams,
            "clconv_sgd_params": SgdParams,
            "clconv_conv2d_params": Conv2dParams,
            "clconv_verify_report": VerifyReport,
            "clconv_peak": Peak,
            "clconv_tune_report": TuneReport,
            "clconv_replicas_params": ReplicasParams}


def _check_layout():
    """Refuses a library whose structs differ from the copies above: the
    size and every field's offset, as the library reports them."""
    layout = lib.clconv_struct_layout
    layout.restype = ctypes.c_size_t
    layout.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    for c_name, struct in _STRUCTS.items():
        wrong = []
        size = layout(c_name.encode(), None)
        if size != ctypes.sizeof(struct):
            wrong.append(f"size {size}, here {ctypes.sizeof(struct)}")
        for field, _ in struct._fields_:
            offset = layout(c_name.encode(), field.encode())
            if offset != getattr(struct, field).offset:
                wrong.append(f"{field} at {offset}, here "
                             f"{getattr(struct, field).offset}")
        if wrong:
            raise ImportError(
                f"clconv: the library {library_path} (version "
                f"{lib.clconv_version_string().decode()}) lays out {c_name} "
                f"differently from this package ({'; '.join(wrong)}): install "
                "the package and the library of the same version")


def _status_codes():
    """Every status name and its number, as the library names them."""
    name = lib.clconv_status_name
    name.restype = ctypes.c_char_p
    name.argtypes = [ctypes.c_int]
    codes = {}
    for code in range(256):
        text = name(code).decode()
        if text == "UNKNOWN":
            break
        codes[text] = code
    return codes


try:
    lib.clconv_struct_layout
except AttributeError:
    raise ImportError(f"clconv: the library {library_path} is older than this "
                      "package (it has no clconv_struct_layout)") from None
_check_layout()
STATUS = _status_codes()
lib.clconv_version_string.restype = ctypes.c_char_p
VERSION = lib.clconv_version_string().decode()


P = ctypes.c_void_p  # an opaque handle: context, tensor, layer
S = ctypes.c_int     # clconv_status
_SIGNATURES = {
    "clconv_version": (ctypes.c_uint, []),
    "clconv_version_string": (ctypes.c_char_p, []),
    "clconv_status_name": (ctypes.c_char_p, [S]),
    "clconv_status_string": (ctypes.c_char_p, [S]),
    "clconv_device_type_name": (ctypes.c_char_p, [ctypes.c_int]),
    "clconv_context_notes": (ctypes.c_char_p, [P]),
    "clconv_context_builds_pending": (ctypes.c_int, [P]),
    "clconv_context_build_next": (ctypes.c_int, [P]),
    "clconv_context_wait_builds": (S, [P]),
    "clconv_corr2d_prepare": (S, [P, ctypes.POINTER(Corr2dParams), P, P,
                                  ctypes.c_uint]),
    "clconv_devices_list": (S, [ctypes.POINTER(DeviceInfo), ctypes.c_size_t,
                                ctypes.POINTER(ctypes.c_size_t),
                                ctypes.POINTER(ctypes.c_size_t),
                                ctypes.c_char_p, ctypes.c_size_t]),
    "clconv_context_options_init": (None, [ctypes.POINTER(ContextOptions),
                                           ctypes.c_size_t]),
    "clconv_context_create": (S, [ctypes.POINTER(ContextOptions),
                                  ctypes.POINTER(P), ctypes.c_char_p,
                                  ctypes.c_size_t]),
    "clconv_context_release": (None, [P]),
    "clconv_context_message": (ctypes.c_char_p, [P]),
    "clconv_context_device": (S, [P, ctypes.POINTER(DeviceInfo)]),
    "clconv_context_finish": (S, [P]),
    "clconv_context_measure_peak": (S, [P, ctypes.POINTER(Peak)]),
    "clconv_context_verify_total": (S, [P, ctypes.POINTER(VerifyReport),
                                        ctypes.c_int]),
    "clconv_tensor_create": (S, [P, ctypes.c_int, c_int64_p,
                                 ctypes.POINTER(P)]),
    "clconv_tensor_release": (None, [P]),
    "clconv_tensor_dim": (ctypes.c_int64, [P, ctypes.c_int]),
    "clconv_tensor_write": (S, [P, c_float_p, ctypes.c_size_t]),
    "clconv_tensor_read": (S, [P, c_float_p, ctypes.c_size_t]),
    "clconv_tensor_fill_uniform": (S, [P, ctypes.c_float, ctypes.c_float,
                                       ctypes.c_uint64]),
    "clconv_algo_name": (ctypes.c_char_p, [ctypes.c_int]),
    "clconv_algo_parse": (S, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
    "clconv_corr2d_params_init": (None, [ctypes.POINTER(Corr2dParams),
                                         ctypes.c_size_t]),
    "clconv_corr2d_output_dims": (S, [P, ctypes.POINTER(Corr2dParams), P, P,
                                      c_int64_p]),
    "clconv_corr2d_algo_chosen": (S, [P, ctypes.POINTER(Corr2dParams), P, P,
                                      ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_int)]),
    "clconv_corr2d_forward": (S, [P, ctypes.POINTER(Corr2dParams), P, P, P,
                                  P]),
    "clconv_corr2d_verify": (S, [P, ctypes.POINTER(Corr2dParams), P, P, P, P,
                                 ctypes.POINTER(VerifyReport)]),
    "clconv_corr2d_backward_data": (S, [P, ctypes.POINTER(Corr2dParams), P,
                                        P, P]),
    "clconv_corr2d_backward_weight": (S, [P, ctypes.POINTER(Corr2dParams), P,
                                          P, P, ctypes.c_int]),
    "clconv_corr2d_backward_bias": (S, [P, P, P, ctypes.c_int]),
    "clconv_squared_error": (S, [P, ctypes.c_int, P, P,
                                 ctypes.POINTER(ctypes.c_double), P]),
    "clconv_sgd_params_init": (None, [ctypes.POINTER(SgdParams),
                                      ctypes.c_size_t]),
    "clconv_sgd_step": (S, [P, ctypes.POINTER(SgdParams), P, P, P,
                            ctypes.c_int]),
    "clconv_conv2d_params_init": (None, [ctypes.POINTER(Conv2dParams),
                                         ctypes.c_size_t]),
    "clconv_conv2d_create": (S, [P, ctypes.POINTER(Conv2dParams),
                                 ctypes.POINTER(P)]),
    "clconv_conv2d_release": (None, [P]),
    "clconv_conv2d_output_dims": (S, [P, P, c_int64_p]),
    "clconv_conv2d_forward": (S, [P, P, P]),
    "clconv_conv2d_backward": (S, [P, P, P, P]),
    "clconv_conv2d_zero_grad": (S, [P]),
    "clconv_conv2d_sgd_step": (S, [P, ctypes.POINTER(SgdParams)]),
    "clconv_conv2d_train_step": (S, [P, P, P, ctypes.c_int,
                                     ctypes.POINTER(SgdParams), P, P,
                                     ctypes.POINTER(ctypes.c_double)]),
    "clconv_conv2d_tensor": (P, [P, ctypes.c_int]),
    "clconv_conv2d_get": (S, [P, ctypes.c_int, c_float_p, ctypes.c_size_t]),
    "clconv_conv2d_set": (S, [P, ctypes.c_int, c_float_p, ctypes.c_size_t]),
}
for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _restype
    _fn.argtypes = _argtypes


def text(raw):
    """A C string from the library as str ('' for NULL)."""
    return raw.decode("utf-8", "replace") if raw else ""

