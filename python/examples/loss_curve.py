#!/usr/bin/env python3
"""loss_curve.py: a picture of learning. Runs `clconv fit` on the notebook's
edge image (X, Y = corr2d(X, [[1, -1]])) with --log, for each of a few
learning rates, and plots the loss per epoch (log scale) into a PNG.

usage: python3 python/examples/loss_curve.py [--clconv build/tools/clconv]
           [--epochs 30] [--out loss_curve.png]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clconv", default="build/tools/clconv")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default="loss_curve.png")
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.ones((6, 8), np.float32)
    x[:, 2:6] = 0
    y = x[:, :-1] - x[:, 1:]          # corr2d(X, [[1, -1]])
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    with tempfile.TemporaryDirectory() as folder:
        np.save(os.path.join(folder, "X.npy"), x)
        np.save(os.path.join(folder, "Y.npy"), y)
        for lr in (0.005, 0.01, 0.03):
            log = os.path.join(folder, f"log_{lr}.csv")
            cmd = [args.clconv, "fit", "--input", os.path.join(folder, "X.npy"),
                   "--target", os.path.join(folder, "Y.npy"), "--kernel",
                   "1x2", "--lr", str(lr), "--epochs", str(args.epochs),
                   "--seed", "1", "--log", log, "--weights-out",
                   os.path.join(folder, "W.npy")]
            if args.device:
                cmd += ["--device", args.device]
            done = subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
            if done.returncode != 0:
                sys.exit("clconv fit failed:\n" + done.stdout)
            with open(log) as f:
                rows = list(csv.DictReader(f))
            epochs = [int(r["epoch"]) for r in rows]
            losses = [float(r["loss"]) for r in rows]
            ax.semilogy(epochs, losses, marker=".", label=f"lr {lr}")
            print(f"lr {lr}: loss {losses[0]:.4g} -> {losses[-1]:.3g} in "
                  f"{float(rows[-1]['seconds']) * 1e3:.1f} ms")
    ax.set_xlabel("epoch")
    ax.set_ylabel("squared error (sum)")
    ax.set_title("clconv fit learning the kernel [1, -1] (the notebook)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
