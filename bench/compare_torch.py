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

With --network NAME (resnet50, resnet18, vgg16, mobilenet_v2; the layers
`clconv bench --network` lists, at --batch N, default 8) it alternates layer
by layer and prints, per op, the network's total time on each side (every
layer weighted by how often it occurs) and the median of the per-round
ratios of those totals, then the layers that lose most.

usage: python3 bench/compare_torch.py [--clconv build/tools/clconv]
           [--device SPEC] [--shapes S1,S3 | --network NAME [--batch N]]
           [--ops forward,step] [--algo auto|direct|gemm|winograd|winograd4x4]
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
    """Returns the median, min and max milliseconds of `op` in PyTorch;
    shape is (N, Cin, H, W, Cout, KH, KW, pad, stride[, groups])."""
    n, cin, h, w, cout, kh, kw, pad, stride = shape[:9]
    g = shape[9] if len(shape) > 9 else 1
    F = torch.nn.functional
    gen = torch.Generator().manual_seed(1)
    x = torch.rand((n, cin, h, w), generator=gen).to(device) * 2 - 1
    weight = torch.rand((cout, cin // g, kh, kw),
                        generator=gen).to(device) * 2 - 1
    bias = torch.rand((cout,), generator=gen).to(device) * 2 - 1
    y = F.conv2d(x, weight, bias, stride=stride, padding=pad, groups=g)
    dy = torch.rand(y.shape, generator=gen).to(device) * 2 - 1
    if op == "forward":
        def run():
            with torch.no_grad():
                F.conv2d(x, weight, bias, stride=stride, padding=pad,
                         groups=g)
    elif op == "backward-data":
        def run():
            torch.nn.grad.conv2d_input(x.shape, weight, dy, stride=stride,
                                       padding=pad, groups=g)
    elif op == "backward-weights":
        def run():
            torch.nn.grad.conv2d_weight(x, weight.shape, dy, stride=stride,
                                        padding=pad, groups=g)
    else:  # the training step: forward, loss, all gradients, update
        layer = torch.nn.Conv2d(cin, cout, (kh, kw), stride=stride,
                                padding=pad, groups=g).to(device)
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


def clconv_run(args, selection, op, repeat):
    """Runs `clconv bench` with the arguments @selection for one op (or a
    comma list); returns its JSON records."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "bench.json")
        cmd = [args.clconv, "bench"] + selection + [
            "--ops", op, "--repeat", str(repeat), "--json", out]
        if args.device:
            cmd += ["--device", args.device]
        if args.algo:
            cmd += ["--algo", args.algo]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit("clconv bench failed:\n" + done.stdout)
        with open(out) as f:
            return json.load(f)


def clconv_median(args, shape, op):
    """Runs `clconv bench` for one shape (a name, or a problem tuple) and op;
    returns its JSON record."""
    if isinstance(shape, str):
        selection = ["--shapes", shape]
    else:
        selection = ["--problem", ",".join(str(v) for v in shape)]
    return clconv_run(args, selection, op, args.repeat)[0]


def network_layers(args):
    """The layers of --network at --batch, as `clconv bench --network`
    lists them: (name, problem tuple with groups, count). Times each once,
    which also builds their forward programs."""
    records = clconv_run(args, ["--network", args.network, "--batch",
                                str(args.batch)], "forward", 1)
    layers = []
    for r in records:
        d = r["dims"]
        problem = (d["n"], d["cin"], d["h"], d["w"], d["cout"], d["kh"],
                   d["kw"], d["pad"], d["stride"], d.get("groups", 1))
        layers.append((r["shape"], problem, r.get("count", 1)))
    return layers


def compare_network(args, torch, ops):
    """--network: alternates clconv and PyTorch layer by layer, op by op;
    prints each op's weighted totals and the median of the per-round
    ratios of those totals, then the five layers that lose most."""
    layers = network_layers(args)
    round_totals = {op: [] for op in ops}  # per round: (clconv, torch)
    layer_ratios = {}
    device_name = "?"
    for round_index in range(args.rounds):
        totals = {op: [0.0, 0.0] for op in ops}
        for name, problem, count in layers:
            for op in ops:
                c = clconv_median(args, problem, op)
                device_name = c["device"]
                t, _, _ = torch_timer(torch, args.torch_device, problem, op,
                                      args.repeat)
                totals[op][0] += count * c["median_ms"]
                totals[op][1] += count * t
                layer_ratios.setdefault((name, op), []).append(
                    c["median_ms"] / t)
        for op in ops:
            round_totals[op].append(tuple(totals[op]))
        print(f"round {round_index + 1} of {args.rounds} done",
              file=sys.stderr)
    print(f"{args.network}, batch {args.batch}: clconv on {device_name} vs "
          f"PyTorch {torch.__version__} on {args.torch_device} "
          f"({torch.get_num_threads()} threads); {args.rounds} rounds "
          f"alternating per layer and op, {args.repeat} runs each")
    print(f"{'op':17} {'clconv ms':>11} {'torch ms':>11} {'ratio':>7} "
          f"{'(rounds: min-max)':>18}")
    rows = []
    for op in ops:
        ratios = [c / t for c, t in round_totals[op]]
        c = statistics.median(c for c, _ in round_totals[op])
        t = statistics.median(t for _, t in round_totals[op])
        r = statistics.median(ratios)
        print(f"{op:17} {c:11.1f} {t:11.1f} {r:7.2f} "
              f"{f'{min(ratios):.2f}-{max(ratios):.2f}':>18}")
        rows.append({"network": args.network, "batch": args.batch, "op": op,
                     "clconv_ms": c, "torch_ms": t, "ratio": r,
                     "ratio_min": min(ratios), "ratio_max": max(ratios),
                     "rounds": args.rounds, "device": device_name})
    worst = sorted(((statistics.median(v), k) for k, v in
                    layer_ratios.items()), reverse=True)[:5]
    print("layers that lose most (median ratio):")
    problems = {name: (problem, count) for name, problem, count in layers}
    for r, (name, op) in worst:
        problem, count = problems[name]
        print(f"  {name} x{count} {op:17} {r:6.2f}  (N, Cin, H, W, Cout, KH, "
              f"KW, pad, stride, groups) = {problem}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clconv", default="build/tools/clconv")
    parser.add_argument("--device", default=None, help="clconv --device")
    parser.add_argument("--algo", default=None,
                        help="clconv --algo (default: clconv's auto)")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--network", default=None,
                        help="a network's layers instead of the shapes")
    parser.add_argument("--batch", type=int, default=8,
                        help="the batch of --network")
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
    if args.network:
        compare_network(args, torch, ops)
        return
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
