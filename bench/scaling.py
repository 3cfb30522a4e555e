#!/usr/bin/env python3
"""scaling.py: clconv against PyTorch as layers grow, as a picture.

Sweeps the number of channels (16 to 512, in = out, at 56x56) and the image
size (14 to 224, at 64 channels), for 3x3 (padding 1) and 1x1 layers, and
times the forward pass and the weight gradient with `clconv bench
--problem` (every result checked against the reference) and with PyTorch on
the same machine, one right after the other for each point, round after
round (the medians are drawn). Draws GFLOP/s
against size for both, with the peak `clconv bench` measured as a line, into
a PNG (matplotlib), and writes the numbers as JSON beside it.
A benchmark, not a test: CI does not run it.

usage: python3 bench/scaling.py [--clconv build/tools/clconv] [--device SPEC]
           [--batch 2] [--repeat 3] [--rounds 3] [--out bench/scaling.png]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from compare_torch import torch_timer

CHANNELS = [16, 32, 64, 128, 256, 512]
SIZES = [14, 28, 56, 112, 224]
OPS = ["forward", "backward-weights"]


def flops(shape, op):
    """Multiply-adds x 2 of the forward; the weight gradient does as many."""
    n, cin, h, w, cout, kh, kw, pad, stride = shape
    hout = (h + 2 * pad - kh) // stride + 1
    wout = (w + 2 * pad - kw) // stride + 1
    return 2.0 * n * cout * hout * wout * cin * kh * kw


def clconv_point(args, shape):
    """Runs `clconv bench --problem` for both ops; returns {op: record}."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "bench.json")
        cmd = [args.clconv, "bench", "--problem", ",".join(map(str, shape)),
               "--ops", ",".join(OPS), "--repeat", str(args.repeat), "--json",
               out]
        if args.device:
            cmd += ["--device", args.device]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit("clconv bench failed:\n" + done.stdout)
        with open(out) as f:
            return {r["op"]: r for r in json.load(f)}


def sweep(args, torch):
    """Every point of both sweeps; returns a list of result records."""
    points = []
    for k in (3, 1):
        pad = k // 2
        for c in CHANNELS:
            points.append(("channels", c, k, (args.batch, c, 56, 56, c, k, k,
                                               pad, 1)))
        for s in SIZES:
            points.append(("size", s, k, (args.batch, 64, s, s, 64, k, k, pad,
                                           1)))
    samples = {}
    for round_index in range(args.rounds):
        for sweep_name, x, k, shape in points:
            c = clconv_point(args, shape)
            for op in OPS:
                t, _, _ = torch_timer(torch, "cpu", shape, op, args.repeat)
                key = (sweep_name, x, k, op)
                samples.setdefault(key, []).append(
                    (c[op]["gflops"], flops(shape, op) / (t * 1e-3) * 1e-9,
                     c[op]["peak_gflops"], c[op]["device"], shape))
        print(f"round {round_index + 1} of {args.rounds} done",
              file=sys.stderr)
    results = []
    for (sweep_name, x, k, op), s in samples.items():
        results.append({
            "sweep": sweep_name, "x": x, "kernel": k, "op": op,
            "dims": s[0][4], "rounds": len(s),
            "clconv_gflops": statistics.median(v[0] for v in s),
            "torch_gflops": statistics.median(v[1] for v in s),
            "ratio": statistics.median(v[1] / v[0] for v in s),
            "peak_gflops": statistics.median(v[2] for v in s),
            "device": s[0][3],
        })
    return results


def draw(results, torch_version, threads, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharey=True)
    peak = statistics.median(r["peak_gflops"] for r in results)
    for row, sweep_name in enumerate(("channels", "size")):
        for col, k in enumerate((3, 1)):
            ax = axes[row][col]
            for op, style in (("forward", "-"), ("backward-weights", "--")):
                rs = sorted((r for r in results if r["sweep"] == sweep_name and
                             r["kernel"] == k and r["op"] == op),
                            key=lambda r: r["x"])
                xs = [r["x"] for r in rs]
                ax.plot(xs, [r["clconv_gflops"] for r in rs], "o" + style,
                        color="tab:blue", label=f"clconv {op}")
                ax.plot(xs, [r["torch_gflops"] for r in rs], "s" + style,
                        color="tab:orange", label=f"PyTorch {op}")
            ax.axhline(peak, color="gray", linestyle=":",
                       label=f"measured peak {peak:.0f}")
            ax.set_xscale("log", base=2)
            ax.set_xlabel("channels (in = out), 56x56" if sweep_name ==
                          "channels" else "image side, 64 channels")
            ax.set_title(f"{k}x{k}, by {sweep_name}")
            ax.grid(True, alpha=0.3)
            if col == 0:
                ax.set_ylabel("GFLOP/s")
    axes[0][0].legend(fontsize=8)
    device = results[0]["device"]
    fig.suptitle(f"clconv on {device} vs PyTorch {torch_version} CPU "
                 f"({threads} threads)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clconv", default="build/tools/clconv")
    parser.add_argument("--device", default=None, help="clconv --device")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="bench/scaling.png")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    results = sweep(args, torch)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(results, f, indent=1)
    draw(results, torch.__version__, torch.get_num_threads(), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
