"""reference.py: the cross-correlation in float64 NumPy, written from the
definition (docs/design.md), and the design's tolerance for comparing a
float32 result with it."""
import numpy as np


def conv2d(x, w, b=None, padding=(0, 0), stride=(1, 1), dilation=(1, 1),
           groups=1):
    """y[n, co, i, j] = b[co] + sum over ci in co's group, kh, kw of
    w[co, ci, kh, kw] x[n, ci, i*sh + kh*dh - ph, j*sw + kw*dw - pw]; also
    returns S, the sum of |products| and |b| per output (the tolerance's
    magnitude)."""
    x, w = np.asarray(x, np.float64), np.asarray(w, np.float64)
    n, cin, h, wd = x.shape
    cout, cin_g, kh, kw = w.shape
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    hout = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wout = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    xp = np.zeros((n, cin, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    y = np.zeros((n, cout, hout, wout))
    s = np.zeros_like(y)
    cout_g = cout // groups
    for co in range(cout):
        g = co // cout_g
        for a in range(kh):
            for c in range(kw):
                rows = slice(a * dh, a * dh + sh * (hout - 1) + 1, sh)
                cols = slice(c * dw, c * dw + sw * (wout - 1) + 1, sw)
                patch = xp[:, g * cin_g:(g + 1) * cin_g, rows, cols]
                prod = patch * w[co, :, a, c][None, :, None, None]
                y[:, co] += prod.sum(axis=1)
                s[:, co] += np.abs(prod).sum(axis=1)
    if b is not None:
        b = np.asarray(b, np.float64)
        y += b[None, :, None, None]
        s += np.abs(b)[None, :, None, None]
    return y, s


def tolerance(terms, magnitude):
    """The design's bound: 2 (K + 2) 2^-24 S + 1e-30."""
    return 2.0 * (terms + 2) * 2.0 ** -24 * magnitude + 1e-30


def random_problem(rng):
    """A random configuration: every option of conv2d."""
    groups = int(rng.integers(1, 4))
    cin = groups * int(rng.integers(1, 4))
    cout = groups * int(rng.integers(1, 4))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    h = int(rng.integers(dilation[0] * (kh - 1) + 1, 14))
    w = int(rng.integers(dilation[1] * (kw - 1) + 1, 14))
    n = int(rng.integers(1, 4))
    x = rng.uniform(-1, 1, (n, cin, h, w)).astype(np.float32)
    weight = rng.uniform(-1, 1, (cout, cin // groups, kh, kw)).astype(
        np.float32)
    bias = rng.uniform(-1, 1, cout).astype(np.float32) \
        if rng.integers(0, 2) else None
    return dict(x=x, w=weight, b=bias, padding=padding, stride=stride,
                dilation=dilation, groups=groups)
