#!/usr/bin/env python3
"""notebook.py: the "Convolutions for Images" notebook, step by step, with
clconv: corr2d on the notebook's 3x3 example, a Conv2D layer, edge detection
with the kernel [1, -1] (and its blindness to horizontal edges), and
learning that kernel by gradient descent on the squared loss - once with
clconv.torch.Conv2d in the notebook's own PyTorch loop, once with clconv's
own layer. It prints what the notebook prints; the computed values equal the
notebook's (the learned ones depend on the random start, as there).

usage: python3 python/examples/notebook.py [--device SPEC]
"""
import argparse

import numpy as np

import clconv


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None,
                        help="clconv device (default: $CLCONV_DEVICE, else "
                             "the default device)")
    args = parser.parse_args()
    ctx = clconv.Context(device=args.device, verify=True)
    print(f"clconv {clconv.__version__} on {ctx.device.name} "
          f"(every result checked against the reference backend)\n")

    # corr2d(X, K) on the notebook's example: [[19, 25], [37, 43]].
    X = np.arange(9.0).reshape(3, 3)
    K = np.array([[0.0, 1.0], [2.0, 3.0]])
    print("corr2d(X, K) =\n", ctx.corr2d(X, K), "\n")

    # The Conv2D layer: corr2d with a random weight, plus a bias.
    layer = clconv.Conv2D(ctx, out_channels=1, kernel_size=(2, 2),
                          init="uniform01", seed=0)
    print("model(X) =\n", layer(X[None, None]).numpy()[0, 0], "\n")

    # Edge detection: the kernel [1, -1] finds the vertical edges of X...
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    K = np.array([[1.0, -1.0]])
    Y = ctx.corr2d(X, K)
    print("X =\n", X, "\nY = corr2d(X, K) =\n", Y, "\n")
    # ... and none of the horizontal ones of X.T.
    print("corr2d(X.T, K) =\n", ctx.corr2d(X.T, K), "\n")

    # Learning the kernel with PyTorch's loop, the convolution on clconv.
    try:
        import torch
        import clconv.torch as cltorch
    except ImportError:
        torch = None
        print("(PyTorch is not installed: the clconv.torch part is skipped)")
    if torch is not None:
        cltorch.set_context(ctx)
        torch.manual_seed(0)
        conv2d = cltorch.Conv2d(in_channels=1, out_channels=1,
                                     kernel_size=(1, 2), bias=False)
        Xt = torch.tensor(X, dtype=torch.float32).reshape(1, 1, 6, 8)
        Yt = torch.tensor(Y, dtype=torch.float32).reshape(1, 1, 6, 7)
        lr = 0.03
        for i in range(20):
            Y_hat = conv2d(Xt)
            conv2d.zero_grad()
            loss = ((Y_hat - Yt) ** 2).sum()
            loss.backward()
            with torch.no_grad():
                conv2d.weight -= lr * conv2d.weight.grad
            print(f"epoch={i} | loss={loss:.4f}")
        print("conv2d.weight.data =", conv2d.weight.data.reshape(1, 2), "\n")

    # The same with clconv's own layer, one call per step.
    layer = clconv.Conv2D(ctx, out_channels=1, kernel_size=(1, 2), bias=False,
                          seed=1)
    for i in range(10):
        loss = layer.train_step(X[None, None], Y[None, None], lr=0.03)
        if (i + 1) % 2 == 0:
            print(f"epoch {i + 1}, loss {loss:.3f}")
    print("learned weight =", layer.weight.reshape(1, 2))
    checked = ctx.verify_total()
    print(f"\n{checked['count']} results checked, {checked['mismatches']} "
          f"outside tolerance")
    ctx.close()


if __name__ == "__main__":
    main()
