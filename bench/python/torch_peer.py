#!/usr/bin/python3
"""PyTorch peer of the streamlearn benchmark: the same MLP (784 -> 100 ReLU -> 10 softmax, Adam, lr 0.001) on the
same kind of synthetic data (random 784-dim inputs, 10 classes), one thread.

  torch_peer.py train --batch 32 --reps 3 --seconds 3   prequential step: forward, argmax hits from its logits
                                                        (the parameters before the update), cross-entropy,
                                                        backward, Adam step
  torch_peer.py infer --batch 64 --reps 3 --seconds 2   no-grad forward + softmax
  torch_peer.py info                                    torch version, threads and the BLAS actually loaded
  torch_peer.py openblas --lib FILE...                  what the given OpenBLAS libraries report under this
                                                        environment (version, kernel, threads): for ND4J's copy

Prints one JSON object on stdout. Run it with OMP_NUM_THREADS=1 exported (bin/benchmark does).
"""
import argparse
import ctypes
import json
import os
import re
import time

import torch

INPUT, HIDDEN, CLASSES = 784, 100, 10
POOL = 4096  # distinct synthetic rows cycled through, as on the JVM side


def network():
    torch.manual_seed(42)
    return torch.nn.Sequential(torch.nn.Linear(INPUT, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, CLASSES))


def data():
    g = torch.Generator().manual_seed(7)
    x = torch.rand(POOL, INPUT, generator=g)
    y = torch.randint(0, CLASSES, (POOL,), generator=g)
    return x, y


def timed_reps(step, batch, reps, seconds, warmup):
    """Runs step(start) for warmup seconds, then reps windows of about `seconds`; returns, per window, samples per
    wall-clock second and per CPU-second of this process."""
    start = 0

    def run_for(duration):
        nonlocal start
        done = 0
        t0 = time.perf_counter()
        c0 = time.process_time()
        while True:
            step(start)
            start = (start + batch) % (POOL - batch + 1)
            done += batch
            elapsed = time.perf_counter() - t0
            if elapsed >= duration:
                return done / elapsed, done / max(time.process_time() - c0, 1e-9)

    run_for(warmup)
    return [run_for(seconds) for _ in range(reps)]


def train(args):
    model = network()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = data()
    hits = [0]

    def step(i):
        xb, yb = x[i:i + args.batch], y[i:i + args.batch]
        optimizer.zero_grad(set_to_none=True)
        logits = model(xb)
        hits[0] += int((logits.detach().argmax(dim=1) == yb).sum())  # test with the training forward ...
        loss = loss_fn(logits, yb)  # ... then train
        loss.backward()
        optimizer.step()
        loss.item()

    return timed_reps(step, args.batch, args.reps, args.seconds, args.warmup)


def infer(args):
    model = network().eval()
    x, _ = data()

    def step(i):
        with torch.no_grad():
            torch.softmax(model(x[i:i + args.batch]), dim=1)

    return timed_reps(step, args.batch, args.reps, args.seconds, args.warmup)


def describe_openblas(path):
    lib = ctypes.CDLL(path)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_get_config.restype = ctypes.c_char_p
    return {"openblas_corename": lib.openblas_get_corename().decode(),
            "openblas_config": lib.openblas_get_config().decode().strip(),
            "openblas_threads": lib.openblas_get_num_threads()}


def blas():
    """Which BLAS this process has mapped, and what OpenBLAS says about itself (threads, kernel)."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if re.search(r"lib(open)?blas|libmkl|libblis", path):
                libs.add(path)
    info = {"mapped": sorted(libs)}
    blas_info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    info["torch_blas_info"] = blas_info.group(1) if blas_info else None
    for path in sorted(libs):
        if "openblas" in path:
            info.update(describe_openblas(path))
            break
    return info


def peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "infer", "info", "openblas"])
    parser.add_argument("--lib", nargs="*", default=[])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    if args.mode == "openblas":
        print(json.dumps({path: describe_openblas(path) for path in args.lib}))
        return
    torch.set_num_threads(1)
    out = {"mode": args.mode, "torch": torch.__version__, "threads": torch.get_num_threads(),
           "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
           "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE")}
    if args.mode != "info":
        out["batch"] = args.batch
        windows = (train if args.mode == "train" else infer)(args)
        out["rates"] = [wall for wall, _ in windows]
        out["cpu_rates"] = [cpu for _, cpu in windows]
        out["unit"] = "samples/s"
    out["blas"] = blas()  # after the work, so that lazily loaded libraries are mapped
    out["vmhwm_kb"] = peak_rss_kb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
