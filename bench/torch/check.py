"""Is the PyTorch port the same function as the engine? Reads the fixture `npm run torch-reference`
writes (inputs and the engine's outputs on the wasm backend) and recomputes every output here.

    /usr/bin/python3 bench/torch/check.py [bench/torch/out/reference.json]

Tolerance, per output: max |torch - tfjs| <= 1e-5 * max(1, max |tfjs|): 1e-5 absolute for an
output whose values stay within +-1, relative to its largest value above that (the logits reach
~12). Not element by element: float32 rounding leaves each side ~1.3e-5 from the float64 logits
(printed below), whatever the element's own size. Prints the max absolute difference of each
output; exits 1 if any output is off. Tokens must match exactly.
"""
import json
import os
import sys

import torch

from grpo import generate, grpo_loss, group_advantages
from tinyvlm import TinyVLM, load_checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOL = 1e-5


def compare(name, ours, theirs, failures):
    """Max |torch - tfjs| of one output, against TOL x max(1, the output's largest |value|)."""
    ours = ours.detach().reshape(-1).double()
    theirs = torch.as_tensor(theirs, dtype=torch.float64).reshape(-1)
    if ours.shape != theirs.shape:
        failures.append(f"{name}: {ours.numel()} values here, {theirs.numel()} in the fixture")
        return 0.0
    diff = float((ours - theirs).abs().max()) if ours.numel() else 0.0
    scale = max(1.0, float(theirs.abs().max())) if theirs.numel() else 1.0
    print(f"  {name:<34} n={ours.numel():>7}  max |diff| {diff:.2e}  (bound {TOL * scale:.1e})")
    if diff > TOL * scale:
        failures.append(f"{name}: max |diff| {diff:.2e} > {TOL * scale:.1e}")
    return diff


def adam_step(params, optim):
    """optim.ts clipScale + Adam.step: clip the global norm, one Adam step; returns the norm before clipping."""
    norm = torch.nn.utils.clip_grad_norm_(params, optim["gradClip"])
    torch.optim.Adam(params, lr=optim["lr"], betas=(0.9, 0.999), eps=1e-8).step()
    return norm


def key_bias_free(name, size, d):
    """Which elements of a weight are not a key bias (the middle third of a fused QKV bias)."""
    keep = torch.ones(size, dtype=torch.bool)
    if name.endswith(".attn.qkv.b"):
        keep[d:2 * d] = False
    return keep


def float64_logits(config, weights, images, row, prompts, tokens):
    """The teacher-forced logits in float64: the value both float32 implementations round."""
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        net = TinyVLM(config, {k: v.double() for k, v in weights.items()}, trainable=False)
        with torch.no_grad():
            return net.forward(images.double(), row, prompts, tokens, 1.0)["logits"]
    finally:
        torch.set_default_dtype(default)


def main(path):
    with open(path) as f:
        ref = json.load(f)
    cfg, inp, out = ref["config"], ref["inputs"], ref["outputs"]
    model_cfg, sampling, objective = cfg["model"], cfg["sampling"], cfg["objective"]
    b, g, steps = sampling["promptsPerIter"], sampling["groupSize"], sampling["maxNewTokens"]
    n, v, size = b * g, model_cfg["vocabSize"], model_cfg["imageSize"]
    temperature = sampling["temperature"]
    config, weights = load_checkpoint(os.path.join(ROOT, "public/checkpoints/digit-sum"))
    assert config == model_cfg, f"checkpoint config {config} differs from the fixture's {model_cfg}"
    net = TinyVLM(config, weights)
    images = torch.tensor(inp["images"], dtype=torch.float32).reshape(b, size, size, 3)
    prompts = torch.tensor(inp["prompts"], dtype=torch.long).reshape(b, -1)
    failures = []

    print("generation (KV cache, the engine's Gumbel noise):")
    noise = torch.tensor(inp["noise"], dtype=torch.float32).reshape(steps, n, v)
    sampled = generate(net, images, prompts, g, steps, temperature, noise=noise, keep_logits=True)
    tokens = torch.tensor(out["tokens"], dtype=torch.long).reshape(n, steps)
    same = int((sampled["tokens"] == tokens).sum())
    print(f"  {'tokens':<34} n={tokens.numel():>7}  {same} equal")
    if same != tokens.numel():
        failures.append(f"tokens: {tokens.numel() - same} differ")
    compare("step logits [N, T, V]", sampled["logits"], out["sampleLogits"], failures)
    compare("sampled log-probs [N, T]", sampled["logp"], out["sampleLogp"], failures)
    compare("mask [N, T]", sampled["mask"], out["mask"], failures)

    print("advantages, teacher-forced pass, loss, gradients (on the engine's tokens):")
    mask = torch.tensor(out["mask"], dtype=torch.float32).reshape(n, steps)
    advantages = group_advantages(torch.tensor(inp["scores"], dtype=torch.float32), g)
    compare("group advantages [N]", advantages, out["advantages"], failures)
    row = torch.arange(n) // g
    prompts_n = prompts.repeat_interleave(g, 0)
    fwd = net.forward(images, row, prompts_n, tokens, temperature)
    compare("teacher-forced logits [N, T, V]", fwd["logits"], out["logits"], failures)
    truth = float64_logits(config, weights, images, row, prompts_n, tokens)
    theirs = torch.tensor(out["logits"], dtype=torch.float64).reshape(truth.shape)
    print(f"  {'(float32 rounding: vs float64 logits)':<34} torch {float((fwd['logits'].double() - truth).abs().max()):.2e}, tfjs {float((theirs - truth).abs().max()):.2e}")
    compare("log-probs [N, T]", fwd["logp"], out["logp"], failures)
    compare("entropies [N, T]", fwd["entropy"], out["entropy"], failures)
    ref_logp = torch.tensor(inp["refLogp"], dtype=torch.float32).reshape(n, steps)
    loss = grpo_loss(fwd["logp"], fwd["logp"].detach(), ref_logp, advantages, mask, objective["epsLow"], objective["epsHigh"], objective["beta"])
    compare("GRPO loss", loss, [out["loss"]], failures)
    params = net.params()
    loss.backward()
    names = [k for k in net.w if not k.startswith("value_head.")]
    assert sorted(names) == sorted(out["grads"]), "the fixture's gradients are not of the policy's weights"
    worst_grad = max(compare(f"grad {k}", net.w[k].grad, out["grads"][k], failures) for k in names)
    print(f"  => largest gradient difference over all {len(names)} weights: {worst_grad:.2e}")
    norm = adam_step(params, cfg["optim"])
    compare("grad norm (before clipping)", norm, [out["gradNorm"]], failures)
    # Adam's first step is lr * g / (|g| + 1e-8): where the true gradient is 0 it is lr times the
    # sign of rounding noise. The key biases are such weights (q . b_k is the same for every key,
    # and softmax ignores it: their gradients are ~1e-9 here and there), so the step from our own
    # gradients is compared without them; the step from the engine's gradients, everywhere.
    engine = TinyVLM(config, weights)
    for k in names:
        engine.w[k].grad = torch.tensor(out["grads"][k], dtype=torch.float32).reshape(engine.w[k].shape)
    adam_step(engine.params(), cfg["optim"])
    worst_w = max(compare(f"Adam step from engine grads: {k}", engine.w[k], out["weightsAfter"][k], failures) for k in names)
    print(f"  => largest weight difference after one clipped Adam step from the engine's gradients: {worst_w:.2e}")
    live = {k: key_bias_free(k, net.w[k].numel(), config["dModel"]) for k in names}
    worst_own = max(compare(f"Adam step from our grads: {k}", net.w[k].reshape(-1)[live[k]], torch.tensor(out["weightsAfter"][k])[live[k]], failures) for k in names)
    print(f"  => from our own gradients: {worst_own:.2e} (the {sum(int((~m).sum()) for m in live.values())} key-bias weights left out)")
    if failures:
        print(f"\nNOT EQUAL ({len(failures)}):\n  " + "\n  ".join(failures))
        return 1
    print(f"\nequal: every output within {TOL:g} x max(1, its largest |value|)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "out", "reference.json")))
