"""test_clconv.py: the clconv package with NumPy: the notebook's values, the
device against a float64 NumPy reference on random problems (every option),
the gradients as adjoints of the forward, the loss and SGD by their
formulas, the layer learning the notebook's kernel, and errors."""
import numpy as np
import pytest

import clconv
import reference

SEED = 20261201


def test_devices_listed_and_default_marked():
    found = clconv.devices()
    assert found, "no OpenCL device: the tests need one (PoCL)"
    assert sum(d.is_default for d in found) == 1
    assert all(d.spec.count(":") == 1 for d in found)


def test_notebook_corr2d(ctx):
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(ctx.corr2d(x, k), [[19, 25], [37, 43]])
    np.testing.assert_array_equal(clconv.corr2d(x, k), [[19, 25], [37, 43]])


def test_notebook_edges(ctx):
    """[1, -1] marks the vertical edges of the notebook's image: 1 where 1
    turns to 0 (column 1), -1 where 0 turns to 1 (column 5); on X.T, whose
    edges are horizontal, it finds nothing."""
    x = np.ones((6, 8))
    x[:, 2:6] = 0
    y = ctx.corr2d(x, [[1.0, -1.0]])
    expected = np.zeros((6, 7))
    expected[:, 1], expected[:, 5] = 1, -1
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(ctx.corr2d(x.T, [[1.0, -1.0]]),
                                  np.zeros((8, 5)))


@pytest.mark.parametrize("index", range(40))
def test_forward_against_float64(ctx, index):
    rng = np.random.default_rng(SEED + index)
    p = reference.random_problem(rng)
    options = {k: p[k] for k in ("padding", "stride", "dilation", "groups")}
    y = ctx.conv2d(p["x"], p["w"], p["b"], **options).numpy()
    want, magnitude = reference.conv2d(p["x"], p["w"], p["b"], **options)
    terms = p["w"].shape[1] * p["w"].shape[2] * p["w"].shape[3]
    assert y.shape == want.shape
    assert np.all(np.abs(y - want) <= reference.tolerance(terms, magnitude))


@pytest.mark.parametrize("index", range(20))
def test_gradients_are_adjoints(ctx, index):
    """dX and dW are the adjoints of the forward without bias:
    <conv(x, w), dy> = <x, dX(dy, w)> = <w, dW(x, dy)>, and db is dy summed
    over all but the channels; each checked in float64."""
    rng = np.random.default_rng(SEED + 100 + index)
    p = reference.random_problem(rng)
    options = {k: p[k] for k in ("padding", "stride", "dilation", "groups")}
    y, _ = reference.conv2d(p["x"], p["w"], None, **options)
    dy = rng.uniform(-1, 1, y.shape).astype(np.float32)
    dx = ctx.conv2d_backward_data(dy, p["w"], p["x"].shape, **options)
    dw = ctx.conv2d_backward_weight(p["x"], dy, p["w"].shape, **options)
    db = ctx.conv2d_backward_bias(dy).numpy()
    inner = float(np.sum(y * dy))
    scale = float(np.sum(np.abs(y) * np.abs(dy))) + 1.0
    assert abs(np.sum(p["x"] * dx.numpy().astype(np.float64)) - inner) \
        <= 1e-5 * scale
    assert abs(np.sum(p["w"] * dw.numpy().astype(np.float64)) - inner) \
        <= 1e-5 * scale
    np.testing.assert_allclose(db, dy.astype(np.float64).sum(axis=(0, 2, 3)),
                               rtol=1e-5, atol=1e-5)


def test_winograd_and_algorithms(ctx):
    rng = np.random.default_rng(SEED + 7)
    x = rng.uniform(-1, 1, (2, 16, 12, 12)).astype(np.float32)
    w = rng.uniform(-1, 1, (8, 16, 3, 3)).astype(np.float32)
    want, _ = reference.conv2d(x, w, padding=(1, 1))
    for algo in ("direct", "winograd", "winograd4x4"):
        assert ctx.algo_chosen(x, w, padding=1, algo=algo) == algo
        y = ctx.conv2d(x, w, padding=1, algo=algo).numpy()
        assert np.max(np.abs(y - want)) < 1e-4
    assert ctx.algo_chosen(x, w, padding=1) == "direct"
    with pytest.raises(clconv.Error, match="params.algo gemm needs"):
        ctx.conv2d(x, w, padding=1, algo="gemm")
    with pytest.raises(ValueError, match="algo must be one of"):
        ctx.conv2d(x, w, algo="fft")


def test_squared_error_and_sgd(ctx):
    """The loss is sum (y_hat - y)^2 (or its mean) with gradient
    2 (y_hat - y) (over the count); SGD with momentum 0.9 and weight decay
    0.1 follows torch.optim.SGD's formulas, computed here."""
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.5, 2.0], [1.0, 6.0]])
    loss, grad = ctx.squared_error(y_hat, y)
    assert loss == pytest.approx(0.25 + 0 + 4 + 4)
    np.testing.assert_allclose(grad.numpy(), 2 * (y_hat - y))
    loss, grad = ctx.squared_error(y_hat, y, reduction="mean")
    assert loss == pytest.approx(8.25 / 4)
    np.testing.assert_allclose(grad.numpy(), (y_hat - y) / 2)

    w0, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    param, buf = ctx.tensor(w0), ctx.tensor(shape=(2,))
    ctx.sgd_step(param, g, lr=0.1, momentum=0.9, weight_decay=0.1,
                 buffer=buf)
    d = g + 0.1 * w0                    # first step: buf = d
    w1 = w0 - 0.1 * d
    np.testing.assert_allclose(param.numpy(), w1, rtol=1e-6)
    ctx.sgd_step(param, g, lr=0.1, momentum=0.9, weight_decay=0.1,
                 buffer=buf, buffer_is_set=True)
    d2 = 0.9 * d + (g + 0.1 * w1)
    np.testing.assert_allclose(param.numpy(), w1 - 0.1 * d2, rtol=1e-6)


def test_layer_learns_the_edge_kernel(ctx):
    """The notebook's learning: from any start, 10 epochs at lr 0.03 on the
    summed loss bring the kernel within 0.15 of [1, -1], the loss falling
    every epoch (the C suite's bound)."""
    x = np.ones((1, 1, 6, 8))
    x[..., 2:6] = 0
    y = ctx.conv2d(x, [[[[1.0, -1.0]]]]).numpy()
    for seed in range(3):
        layer = clconv.Conv2D(ctx, out_channels=1, kernel_size=(1, 2),
                              bias=False, seed=seed)
        losses = [layer.train_step(x, y, lr=0.03) for _ in range(10)]
        assert all(b < a for a, b in zip(losses, losses[1:]))
        assert np.max(np.abs(layer.weight.reshape(2) - [1, -1])) < 0.15


def test_layer_parts_and_ops(ctx):
    layer = clconv.Conv2D(ctx, out_channels=2, kernel_size=3, padding=1)
    x = np.random.default_rng(1).uniform(-1, 1, (1, 3, 5, 5))
    y = layer(x).numpy()
    want, _ = reference.conv2d(x, layer.weight, layer.bias, padding=(1, 1))
    np.testing.assert_allclose(y, want, atol=1e-5)
    layer.set("weight", np.zeros((2, 3, 3, 3)))
    np.testing.assert_array_equal(layer.weight, 0)
    layer.zero_grad()
    dx = layer.backward(x, np.ones_like(y), want_dx=True)
    assert dx.numpy().shape == x.shape
    np.testing.assert_allclose(layer.get("grad_bias"), [25, 25])


def test_errors_name_the_argument(ctx, ref):
    x = np.zeros((1, 3, 5, 5))
    with pytest.raises(clconv.Error) as e:
        ctx.conv2d(x, np.zeros((2, 2, 3, 3)))
    assert e.value.status == "SHAPE_MISMATCH"
    assert "w has 2 input channels per group" in str(e.value)
    with pytest.raises(clconv.Error, match="stride_h must be >= 1"):
        ctx.conv2d(x, np.zeros((2, 3, 3, 3)), stride=0)
    with pytest.raises(clconv.Error, match="DEVICE_NOT_FOUND"):
        clconv.Context(device="no such device anywhere")
    with pytest.raises(ValueError, match="does not fit"):
        ctx.tensor(shape=(2, 2)).write(np.zeros(3))
    t = ref.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="another clconv context"):
        ctx.conv2d_backward_bias(t)


def test_closed_context_refuses(ref):
    other = clconv.Context(device="reference")
    t = other.tensor([1.0])
    other.close()
    with pytest.raises(ValueError, match="closed"):
        t.numpy()
    other.close()  # twice is fine


def test_verify_mode_checks_every_op():
    with clconv.Context(verify=True) as c:
        c.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2))).numpy()
        report = c.verify_total()
        assert report["count"] == 9 and report["mismatches"] == 0


def test_prepare_then_specialized(ctx, tmp_path):
    """Context.prepare builds a problem's kernels ahead into a new disk
    cache; the conv2d after it agrees with float64 NumPy; nothing failed."""
    if ctx.device.type == "reference":
        pytest.skip("the reference backend builds nothing")
    rng = np.random.default_rng(SEED + 77)
    x = rng.uniform(-1, 1, (1, 3, 9, 8)).astype(np.float32)
    w = rng.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    with clconv.Context(device=ctx.device.spec, cache_dir=str(tmp_path),
                        build="async") as c:
        c.prepare([(x.shape, w.shape, dict(padding=1))])
        assert c.builds_pending == 0
        assert c.notes == ""
        y = c.conv2d(x, w, None, padding=1).numpy()
    want, _ = reference.conv2d(x.astype(np.float64), w.astype(np.float64),
                               None, padding=(1, 1))
    assert np.allclose(y, want, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError):
        clconv.Context(build="later")


def test_bad_values_refused_by_name(ctx):
    """What would be silently wrong is refused with the argument's name: a
    shape beyond int64, a seed beyond uint64, a fractional padding, complex
    data (its imaginary part would be dropped), float64 values beyond
    float32's range (they would become infinite), groups of 0."""
    with pytest.raises(ValueError, match=r"shape\[0\]"):
        ctx.tensor(shape=(2**64,))
    with pytest.raises(ValueError, match=r"shape\[1\]"):
        ctx.tensor(shape=(2, -1))
    with pytest.raises(TypeError, match="shape"):
        ctx.tensor(shape=5)
    with pytest.raises(ValueError, match="seed"):
        clconv.Conv2D(ctx, 1, 2, seed=2**70)
    with pytest.raises(TypeError, match="padding"):
        ctx.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), padding=1.7)
    with pytest.raises(TypeError, match="stride"):
        ctx.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), stride="2")
    with pytest.raises(TypeError, match="x is complex"):
        ctx.conv2d(np.ones((1, 1, 4, 4)) * 1j, np.ones((1, 1, 2, 2)))
    with pytest.raises(TypeError, match="data is complex"):
        ctx.tensor(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="w holds 1e\\+300"):
        ctx.conv2d(np.ones((1, 1, 4, 4)), np.full((1, 1, 2, 2), 1e300))
    with pytest.raises(ValueError, match="groups"):
        ctx.conv2d(np.ones((1, 2, 4, 4)), np.ones((2, 2, 2, 2)), groups=0)
    # What stays allowed: infinities and NaN (IEEE values clconv carries),
    # integers, and float64 within range.
    y = ctx.conv2d(np.array([[[[np.inf, 1.0]]]]), np.ones((1, 1, 1, 1)))
    assert np.isinf(y.numpy()[0, 0, 0, 0])
    assert ctx.corr2d(np.arange(9).reshape(3, 3), [[1, -1]]).shape == (3, 2)


def test_one_context_from_many_threads(ctx, ref):
    """Eight threads share one context (as clconv.torch shares the default
    one), each running forwards of its own problem and checking every
    result against the reference: no crash, no wrong number."""
    import threading

    failures = []

    def worker(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(20):
                h = int(rng.integers(3, 12))
                x = rng.integers(-4, 5, size=(1, 2, h, h + 1)).astype(
                    np.float32)
                w = rng.integers(-2, 3, size=(3, 2, 2, 2)).astype(np.float32)
                got = ctx.conv2d(x, w, padding=1).numpy()
                want = ref.conv2d(x, w, padding=1).numpy()
                if not np.array_equal(got, want):
                    failures.append((seed, "differs"))
        except Exception as e:  # noqa: BLE001 - collected for the assert
            failures.append((seed, repr(e)))

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
