#!/usr/bin/env python3
"""compare_torch.py: clconv against PyTorch on the same machine, same run.

Runs `clconv bench --json` and the same shapes and ops in PyTorch,
alternating per shape and op (clconv, then PyTorch, a few seconds apart), so
both see the same machine load, round after round. Prints, per shape and op,
the median of the per-round ratios clconv / PyTorch (lower is better for
clconv) beside the medians of the times: a slow minute on one side then
moves one round's ratio, not the answer.
A benchmark, not a test: CI does not run it.

PyTorch comes from Debian's python3-torch (or pip). On the CPU it uses as many
threads as there are cores; with --torch-device cuda it runs in fp32 with TF32
off.

usage: python3 bench/compare_torch.py [--clconv build/tools/clconv]
           [--device SPEC] [--shapes S1,S3] [--ops forward,step]
           [--algo auto|direct|gemm|winograd|winograd4x4]
           [--repeat 5] [--rounds 3] [--torch-device cpu|cuda] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SHAPES = {  # N, Cin, H, W, Cout, KH, KW, pad, stride (docs/design.md)
    "S1": (1, 1, 6, 8, 1, 1, 2, 0, 1),
    "S2": (1, 1, 4096, 4096, 1, 3, 3, 1, 1),
    "S3": (8, 64, 56, 56, 64, 3, 3, 1, 1),
    "S4": (8, 3, 224, 224, 64, 7, 7, 3, 2),
    "S5": (8, 256, 28, 28, 128, 1, 1, 0, 1),
}
OPS = ["forward", "backward-data", "backward-weights", "step"]


def torch_timer(torch, device, shape, op, repeat):
    """Returns the median, min and max milliseconds of `op` in PyTorch."""
    n, cin, h, w, cout, kh, kw, pad, stride = shape
    F = torch.nn.functional
    gen = torch.Generator().manual_seed(1)
    x = torch.rand((n, cin, h, w), generator=gen).to(device) * 2 - 1
    weight = torch.rand((cout, cin, kh, kw), generator=gen).to(device) * 2 - 1
    bias = torch.rand((cout,), generator=gen).to(device) * 2 - 1
    y = F.conv2d(x, weight, bias, stride=stride, padding=pad)
    dy = torch.rand(y.shape, generator=gen).to(device) * 2 - 1
    if op == "forward":
        def run():
            with torch.no_grad():
                F.conv2d(x, weight, bias, stride=stride, padding=pad)
    elif op == "backward-data":
        def run():
            torch.nn.grad.conv2d_input(x.shape, weight, dy, stride=stride,
                                       padding=pad)
    elif op == "backward-weights":
        def run():
            torch.nn.grad.conv2d_weight(x, weight.shape, dy, stride=stride,
                                        padding=pad)
    else:  # the training step: forward, loss, all gradients, update
        layer = torch.nn.Conv2d(cin, cout, (kh, kw), stride=stride,
                                padding=pad).to(device)
        opt = torch.optim.SGD(layer.parameters(), lr=1e-6)
        xg = x.clone().requires_grad_(True)
        target = dy

        def run():
            loss = ((layer(xg) - target) ** 2).mean()
            opt.zero_grad()
            xg.grad = None
            loss.backward()
            opt.step()
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    run()
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        sync()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times), max(times)


def clconv_median(args, shape, op):
    """Runs `clconv bench` for one shape and op; returns its JSON record."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "bench.json")
        cmd = [args.clconv, "bench", "--shapes", shape, "--ops", op,
               "--repeat", str(args.repeat), "--json", out]
        if args.device:
            cmd += ["--device", args.device]
        if args.algo:
            cmd += ["--algo", args.algo]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit("clconv bench failed:\n" + done.stdout)
        with open(out) as f:
            return json.load(f)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clconv", default="build/tools/clconv")
    parser.add_argument("--device", default=None, help="clconv --device")
    parser.add_argument("--algo", default=None,
                        help="clconv --algo (default: clconv's auto)")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--ops", default=",".join(OPS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--torch-device", default="cpu")
    parser.add_argument("--json", default=None, help="write the table here")
    args = parser.parse_args()

    import torch
    if args.torch_device == "cpu":
        torch.set_num_threads(os.cpu_count() or 1)
    else:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    shapes = args.shapes.split(",")
    ops = args.ops.split(",")
    clconv, torch_ms, ratios, algos = {}, {}, {}, {}
    device_name = "?"
    for round_index in range(args.rounds):
        for s in shapes:
            for op in ops:
                # clconv first, then PyTorch, for this shape and op alone.
                c = clconv_median(args, s, op)
                device_name = c["device"]
                algos[(s, op)] = c.get("algo", "?")
                t, _, _ = torch_timer(torch, args.torch_device, SHAPES[s], op,
                                      args.repeat)
                clconv.setdefault((s, op), []).append(c["median_ms"])
                torch_ms.setdefault((s, op), []).append(t)
                ratios.setdefault((s, op), []).append(c["median_ms"] / t)
        print(f"round {round_index + 1} of {args.rounds} done", file=sys.stderr)

    threads = torch.get_num_threads()
    print(f"clconv on {device_name} vs PyTorch {torch.__version__} on "
          f"{args.torch_device} ({threads} threads); {args.rounds} rounds "
          f"alternating per shape and op, {args.repeat} runs each")
    print(f"{'shape':5} {'op':17} {'clconv ms':>11} {'torch ms':>11} "
          f"{'ratio':>7} {'(rounds: min-max)':>18}  algo")
    rows = []
    for s in shapes:
        for op in ops:
            c = statistics.median(clconv[(s, op)])
            t = statistics.median(torch_ms[(s, op)])
            r = statistics.median(ratios[(s, op)])
            lo, hi = min(ratios[(s, op)]), max(ratios[(s, op)])
            rows.append({"shape": s, "op": op, "clconv_ms": c, "torch_ms": t,
                         "ratio": r, "ratio_min": lo, "ratio_max": hi,
                         "rounds": args.rounds, "device": device_name,
                         "algo": algos[(s, op)]})
            print(f"{s:5} {op:17} {c:11.3f} {t:11.3f} {r:7.2f} "
                  f"{f'{lo:.2f}-{hi:.2f}':>18}  {algos[(s, op)]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
