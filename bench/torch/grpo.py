"""The default preset's GRPO iteration in PyTorch eager: sampling with a KV cache (sampling.ts),
group advantages (rl/advantages.ts), the clipped surrogate with the k3 reference KL aggregated
seq-mean-token-mean (algorithms/common.ts surrogateObjective, rl/losses.ts), global-norm clipping
and Adam (algorithms/optim.ts). Only the default preset's path is ported: one epoch, one
minibatch, KL in the loss, token-level ratio, no dual clip, no entropy bonus.
"""
import torch

from tinyvlm import EOS, PAD, ANSWER, ANSWER_END, THINK, THINK_END

STD_EPS = 1e-4  # rl/host.ts
ZERO_VARIANCE_RTOL = 1e-6
LOG_RATIO_CLAMP = 20.0


def gumbel(rows, cols, generator=None):
    """Standard Gumbel noise [rows, cols]; u kept inside (0, 1), as sampling.ts gumbelNoise does."""
    u = torch.rand(rows, cols, generator=generator).clamp_(1e-10, 1 - 1e-7)
    return -torch.log(-torch.log(u))


@torch.no_grad()
def generate(net, images, prompts, group, steps, temperature, noise=None, keep_logits=False, stop_when_finished=True):
    """sampling.ts generate with the KV cache and a shared prefix: B prompts -> B*G rows of `steps` tokens.

    The prefill runs on the B prompts and is repeated G times; every step feeds the last token,
    attends to the cache plus itself, and picks argmax(logits/T + Gumbel). `noise[t]` [N, V] is
    the engine's own noise when given (check.py), else drawn here. Like the engine on wasm, it
    stops decoding once every row has finished and fills the rest in (<pad>, mask 0, log-prob 0).
    """
    b = images.shape[0]
    n, v, s0 = b * group, net.c["vocabSize"], net.prefix_len
    visual = net.encode_images(images)
    summary_b = net.image_summary(visual)
    out, kvs = net.decode(net.prefix_input(visual, prompts, summary_b), net.attn_mask(prompts, s0), keep=1)  # out [B, 1, C]: position S0-1
    logits = net.logits(out[:, 0]).repeat_interleave(group, 0)  # [N, V]
    kvs = [(k.repeat_interleave(group, 0), vv.repeat_interleave(group, 0)) for k, vv in kvs]
    summary = summary_b.repeat_interleave(group, 0)
    key_mask = net.key_mask(prompts.repeat_interleave(group, 0), s0 + steps)
    done = torch.zeros(n, dtype=torch.bool)
    tokens, logps, masks, step_logits = [], [], [], []
    for t in range(steps):
        scaled = logits / temperature
        logp_all = torch.log_softmax(scaled, -1)
        z = noise[t] if noise is not None else gumbel(n, v)
        choice = torch.argmax(scaled + z, -1)
        token = torch.where(done, torch.full_like(choice, PAD), choice)
        mask = 1.0 - done.float()
        tokens.append(token)
        logps.append(logp_all.gather(-1, choice.unsqueeze(-1)).squeeze(-1) * mask)
        masks.append(mask)
        if keep_logits:
            step_logits.append(logits)
        done = done | (token == EOS)
        if t == steps - 1:
            break  # the last token is never fed back
        if stop_when_finished and not keep_logits and bool(done.all()):
            for _ in range(steps - 1 - t):
                tokens.append(torch.full_like(token, PAD))
                logps.append(torch.full((n,), -0.0))
                masks.append(torch.zeros(n))
            break
        x = net.embed(token.unsqueeze(1), s0 + t, summary)
        h, kvs = net.decode(x, key_mask[..., : s0 + t + 1], kvs)
        logits = net.logits(h[:, 0])
    result = {"tokens": torch.stack(tokens, 1), "logp": torch.stack(logps, 1), "mask": torch.stack(masks, 1)}
    if keep_logits:
        result["logits"] = torch.stack(step_logits, 1)
    return result


def simple_rewards(tokens, gold_answers, group, format_weight=0.2):
    """A cheap stand-in for rewards/: accuracy (the words between <answer> and </answer> are the
    gold answer's) plus format_weight x (the response is <think> .. </think> <answer> .. </answer> <eos>).
    Rewards only set the advantages' values, never the work the update does."""
    scores = []
    for i, row in enumerate(tokens.tolist()):
        end = row.index(EOS) + 1 if EOS in row else len(row)
        r = row[:end]
        acc = fmt = 0.0
        if ANSWER in r and ANSWER_END in r[r.index(ANSWER):]:
            a = r.index(ANSWER)
            acc = float(r[a + 1: a + r[a:].index(ANSWER_END)] == gold_answers[i // group])
        if r and r[0] == THINK and THINK_END in r and r[-1] == EOS and r[-2:-1] == [ANSWER_END] and ANSWER in r:
            fmt = 1.0
        scores.append(acc + format_weight * fmt)
    return torch.tensor(scores)


def group_advantages(scores, group):
    """rl/advantages.ts groupAdvantages, scale 'group': (r - mean) / (Bessel std + 1e-4), 0 for a group with no spread."""
    grouped = scores.reshape(-1, group)
    mean = grouped.mean(1, keepdim=True)
    std = grouped.std(1, unbiased=True, keepdim=True)
    live = (std > torch.clamp(mean.abs(), min=1) * ZERO_VARIANCE_RTOL).float()
    return ((grouped - mean) * live / (std + STD_EPS)).reshape(-1)


def masked_mean(x, mask, dim=None):
    total = (x * mask).sum() if dim is None else (x * mask).sum(dim)
    count = mask.sum() if dim is None else mask.sum(dim)
    return total / torch.where(count > 0, count, torch.ones_like(count))


def seq_mean_token_mean(per_token, mask):
    """rl/losses.ts aggregate 'seq-mean-token-mean': mean over rows with tokens of each row's masked mean."""
    per_seq = masked_mean(per_token, mask, 1)
    has_tokens = (mask.sum(1) > 0).float()
    return masked_mean(per_seq, has_tokens)


def grpo_loss(logp, old_logp, ref_logp, advantages, mask, eps_low, eps_high, beta):
    """surrogateObjective: -min(rA, clip(r)A) + beta * k3(logp - ref_logp), both aggregated seq-mean-token-mean."""
    valid = mask > 0
    log_ratio = torch.where(valid, logp - old_logp, torch.zeros_like(logp)).clamp(-LOG_RATIO_CLAMP, LOG_RATIO_CLAMP)
    ratio = torch.exp(log_ratio)
    adv = advantages.unsqueeze(1)
    clipped = ratio.clamp(1 - eps_low, 1 + eps_high)
    per_token = torch.maximum(-ratio * adv, -clipped * adv)
    per_token = torch.where(valid, per_token, torch.zeros_like(per_token))
    loss = seq_mean_token_mean(per_token, mask)
    if beta > 0:
        x = torch.where(valid, logp - ref_logp, torch.zeros_like(logp))
        kl = torch.exp(-x) + x - 1
        loss = loss + seq_mean_token_mean(kl, mask) * beta
    return loss

