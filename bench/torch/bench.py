"""Time the default-preset GRPO iteration in PyTorch eager, phase by phase.

    /usr/bin/python3 bench/torch/bench.py [--threads 1] [--warmup 2] [--iterations 7] [--keep-batches 5] [--json]
                                          [--limits ROWSxINNERxCOLS,...]

The iteration the engine's trainer runs with the grpo preset (B x G = 8 x 8, 24 new tokens at
temperature 1, beta 0.04 k3 KL in the loss, 1 epoch x 1 minibatch, grad clip 1, Adam lr 1e-4),
from the digit-sum warm start, split as the engine's bench splits it (src/bench/engineBench.ts):
  generation  B*G samples with the KV cache and a shared prefix (Gumbel noise drawn here)
  reward      simple_rewards on the host (grpo.py; the engine scores with rewards/)
  logprob     the frozen reference's teacher-forced pass (log pi_old is the sampler's own)
  update      advantages, forward, loss, backward, clip, Adam; the weights' RMS (the trainer's
              divergence check); and, while the trainer keeps batches for Inspect
              (run.keepBatches, 5 by default), one more no-grad pass: log pi after the update
--limits also times torch's matmul at the given shapes (the bench's own: src/bench/limits.ts,
passed in by src/cli/torchRatio.ts) and reports each iteration's passLength, so the ratio script
can put both sides' efficiency, as the bench defines it, side by side.
The 8 prompts are the fixture's (npm run torch-reference), the same ones every iteration; the
engine draws and renders 8 new ones per iteration inside its generation time (under 1 ms).
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description="Time the default-preset GRPO iteration in PyTorch eager, phase by phase.")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads, and OpenBLAS's threads unless OPENBLAS_NUM_THREADS is set")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=7)
    ap.add_argument("--fixture", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "reference.json"))
    ap.add_argument("--json", action="store_true", help="one JSON line on stdout (for src/cli/torchRatio.ts)")
    ap.add_argument("--keep-batches", type=int, default=5, help="run.keepBatches: 0 skips the Inspect pass after the update, as the trainer then does")
    ap.add_argument("--limits", default="", help="matmul shapes to time after the iterations, ROWSxINNERxCOLS comma-separated (GFLOP/s of a @ b)")
    return ap.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS:
    # OpenBLAS sizes its thread pool when it loads, with torch: the count must be set before.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))

import torch  # noqa: E402

from grpo import generate, group_advantages, grpo_loss, simple_rewards  # noqa: E402
from tinyvlm import TinyVLM, load_checkpoint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PHASES = ("generation", "reward", "logprob", "update")

# The grpo preset's values (src/engine/config.ts defaults); check.py reads them from the fixture.
B, G, STEPS, TEMPERATURE = 8, 8, 24, 1.0
EPS_LOW = EPS_HIGH = 0.2
BETA, LR, GRAD_CLIP = 0.04, 1e-4, 1.0


def load_prompts(path):
    with open(path) as f:
        inputs = json.load(f)["inputs"]
    images = torch.tensor(inputs["images"], dtype=torch.float32).reshape(B, 32, 32, 3)
    prompts = torch.tensor(inputs["prompts"], dtype=torch.long).reshape(B, -1)
    return images, prompts, inputs["goldAnswers"]


def iteration(policy, ref, adam, images, prompts, gold, keeps_batches):
    """One iteration; returns each phase's wall time in ms."""
    times = {}
    t0 = time.perf_counter()
    s = generate(policy, images, prompts, G, STEPS, TEMPERATURE)
    t1 = time.perf_counter()
    scores = simple_rewards(s["tokens"], gold, G)
    t2 = time.perf_counter()
    row = torch.arange(B * G) // G
    prompts_n = prompts.repeat_interleave(G, 0)
    # Like the engine, the passes stop at the longest response: every row is <pad> after it.
    length = int(s["mask"].sum(1).max().item())
    tokens, mask = s["tokens"][:, :length], s["mask"][:, :length]
    with torch.no_grad():
        ref_logp = ref.forward(images, row, prompts_n, tokens, TEMPERATURE)["logp"]
    t3 = time.perf_counter()
    advantages = group_advantages(scores, G)
    fwd = policy.forward(images, row, prompts_n, tokens, TEMPERATURE)
    loss = grpo_loss(fwd["logp"], fwd["logp"].detach(), ref_logp, advantages, mask, EPS_LOW, EPS_HIGH, BETA)
    adam.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(adam.param_groups[0]["params"], GRAD_CLIP)
    adam.step()
    with torch.no_grad():
        if keeps_batches:
            policy.forward(images, row, prompts_n, tokens, TEMPERATURE)
        weights = policy.params(value_head=True)
        torch.sqrt(sum((w * w).sum() for w in weights) / sum(w.numel() for w in weights)).item()
    t4 = time.perf_counter()
    for name, a, b in zip(PHASES, (t0, t1, t2, t3), (t1, t2, t3, t4)):
        times[name] = (b - a) * 1000
    times["passLength"] = length
    return times


def matmul_gflops(rows, inner, cols, budget_ms=150):
    """GFLOP/s of a @ b at one shape, timed as src/bench/limits.ts times tf.matMul: one warm-up
    call, then the repetitions double until one run takes a third of the budget, and the median
    of three runs of that many counts (a pause in one run must not become the answer)."""
    a = torch.rand(rows, inner) * 2 - 1
    b = torch.rand(inner, cols) * 2 - 1

    def run(reps):
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        return (time.perf_counter() - t) * 1000

    run(1)
    reps = 1
    while True:
        first = run(reps)
        if first < budget_ms / 3 and reps < 1 << 14:
            reps *= 2
            continue
        ms = sorted([first, run(reps), run(reps)])[1]
        if ms >= budget_ms / 3 or reps >= 1 << 14:
            return 2 * rows * inner * cols * reps / (ms * 1e6)


def parse_shapes(text):
    shapes = []
    for part in filter(None, text.split(",")):
        dims = part.split("x")
        if len(dims) != 3 or not all(d.isdigit() and int(d) > 0 for d in dims):
            sys.exit(f"--limits: expected ROWSxINNERxCOLS, got {part!r}")
        shapes.append(tuple(int(d) for d in dims))
    return shapes


def blas_library():
    """The BLAS torch's matmuls run on: Debian's torch links libblas.so.3, whichever library that is."""
    with open("/proc/self/maps") as f:
        paths = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1]})
    kind = "OpenBLAS" if any("openblas" in p for p in paths) else "reference BLAS (netlib)" if paths else "none loaded"
    return {"kind": kind, "paths": paths}


def main():
    args = ARGS
    shapes = parse_shapes(args.limits)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    config, weights = load_checkpoint(os.path.join(ROOT, "public/checkpoints/digit-sum"))
    policy = TinyVLM(config, weights)
    ref = TinyVLM(config, weights, trainable=False)
    adam = torch.optim.Adam(policy.params(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    images, prompts, gold = load_prompts(args.fixture)
    for _ in range(args.warmup):
        iteration(policy, ref, adam, images, prompts, gold, args.keep_batches > 0)
    runs = [iteration(policy, ref, adam, images, prompts, gold, args.keep_batches > 0) for _ in range(args.iterations)]
    median = {p: statistics.median(r[p] for r in runs) for p in PHASES}
    median["total"] = statistics.median(sum(r[p] for p in PHASES) for r in runs)
    if not shapes:
        for r in runs:
            del r["passLength"]
    result = {"env": "torch", "version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "keepBatches": args.keep_batches, "iterations": runs, "median": median}
    if shapes:
        result["limits"] = [{"rows": r, "inner": i, "cols": c, "gflops": matmul_gflops(r, i, c)} for r, i, c in shapes]
    if args.json:
        print(json.dumps(result))
    else:
        print(f"torch {torch.__version__} on {result['blas']['kind']}, {result['threads']} thread(s), median of {args.iterations} after {args.warmup} warm-up:")
        for k, v in median.items():
            print(f"  {k:<10} {v:8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
