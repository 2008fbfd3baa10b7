"""Time the default-preset GRPO iteration in PyTorch eager, phase by phase.

    /usr/bin/python3 bench/torch/bench.py [--threads 1] [--warmup 2] [--iterations 7] [--keep-batches 5] [--json]

The iteration the engine's trainer runs with the grpo preset (B x G = 8 x 8, 24 new tokens at
temperature 1, beta 0.04 k3 KL in the loss, 1 epoch x 1 minibatch, grad clip 1, Adam lr 1e-4),
from the digit-sum warm start, split as the engine's bench splits it (src/bench/engineBench.ts):
  generation  B*G samples with the KV cache and a shared prefix (Gumbel noise drawn here)
  reward      simple_rewards on the host (grpo.py; the engine scores with rewards/)
  logprob     the frozen reference's teacher-forced pass (log pi_old is the sampler's own)
  update      advantages, forward, loss, backward, clip, Adam; the weights' RMS (the trainer's
              divergence check); and, while the trainer keeps batches for Inspect
              (run.keepBatches, 5 by default), one more no-grad pass: log pi after the update
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
    ap.add_argument("--json", action="store_true", help="one JSON line on stdout (for scripts/torch-ratio.mjs)")
    ap.add_argument("--keep-batches", type=int, default=5, help="run.keepBatches: 0 skips the Inspect pass after the update, as the trainer then does")
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
    return times


def blas_library():
    """The BLAS torch's matmuls run on: Debian's torch links libblas.so.3, whichever library that is."""
    with open("/proc/self/maps") as f:
        paths = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1]})
    kind = "OpenBLAS" if any("openblas" in p for p in paths) else "reference BLAS (netlib)" if paths else "none loaded"
    return {"kind": kind, "paths": paths}


def main():
    args = ARGS
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
    median["total"] = statistics.median(sum(r.values()) for r in runs)
    result = {"env": "torch", "version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "keepBatches": args.keep_batches, "iterations": runs, "median": median}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"torch {torch.__version__} on {result['blas']['kind']}, {result['threads']} thread(s), median of {args.iterations} after {args.warmup} warm-up:")
        for k, v in median.items():
            print(f"  {k:<10} {v:8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
