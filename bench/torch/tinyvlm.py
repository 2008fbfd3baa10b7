"""The tiny VLM of src/engine/model/{layers,policy}.ts in PyTorch eager, weight for weight.

Weights keep the checkpoint's names and tfjs layouts (a Dense weight is [nIn, nOut], used as
x @ W + b), so gradients compare with the engine's name by name, with no transposes between.
Where tfjs and torch differ in form but not in value the torch form is used (F.gelu's tanh
approximation is the engine's x*sigmoid(2u); F.layer_norm is its centred/rsqrt LayerNorm with
eps 1e-5 and the biased variance; F.embedding is its one-hot matmul): check.py shows the two
are the same function to float32 rounding.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

MASKED = -1e9  # layers.ts MASKED: exp(-1e9 - max) is exactly 0 in float32
PAD, EOS = 0, 2  # tokenizer.ts ids of <pad> and <eos>
THINK, THINK_END, ANSWER, ANSWER_END = 3, 4, 5, 6


def load_checkpoint(directory):
    """(config, {name: float32 tensor}) from a model.json + weights.bin checkpoint (checkpoint.ts)."""
    with open(os.path.join(directory, "model.json")) as f:
        model = json.load(f)
    topo = model["modelTopology"]
    if topo.get("format") != "rft-playground-policy" or topo.get("version") != 1:
        raise ValueError(f"{directory}: not an rft-playground policy checkpoint (version 1)")
    raw = np.fromfile(os.path.join(directory, "weights.bin"), dtype="<f4")
    weights, offset = {}, 0
    for spec in model["weightsManifest"][0]["weights"]:
        if spec["dtype"] != "float32":
            raise ValueError(f"weight {spec['name']} is {spec['dtype']}, expected float32")
        size = int(np.prod(spec["shape"]))
        weights[spec["name"]] = torch.from_numpy(raw[offset:offset + size].copy()).reshape(spec["shape"])
        offset += size
    if offset != raw.size:
        raise ValueError(f"{directory}: weights.bin holds {raw.size} floats, the specs {offset}")
    return topo["config"], weights


def prefix_causal_mask(length, n_prefix):
    """policy.ts buildPrefixCausalMask: 0 where j <= i or j < nPrefix, MASKED elsewhere. [len, len]."""
    i = torch.arange(length).unsqueeze(1)
    j = torch.arange(length).unsqueeze(0)
    allowed = (j <= i) | (j < n_prefix)
    return torch.where(allowed, torch.tensor(0.0), torch.tensor(MASKED))


class TinyVLM:
    """Parameters in a dict by checkpoint name, and the pure functions of policy.ts's TinyVLM."""

    def __init__(self, config, weights, trainable=True):
        self.c = config
        self.d = config["dModel"]
        self.h = config["nHeads"]
        self.dh = self.d // self.h
        self.p = config["patchSize"]
        self.n_patches = (config["imageSize"] // self.p) ** 2
        self.prefix_len = self.n_patches + config["promptLen"]
        self.seq_len = self.prefix_len + config["maxResponseLen"]
        self.w = {k: v.clone().requires_grad_(trainable) for k, v in weights.items()}
        self.causal = prefix_causal_mask(self.seq_len, self.n_patches)

    def params(self, value_head=False):
        """Trainable tensors in checkpoint order; the value head only when asked (GRPO never moves it)."""
        return [v for k, v in self.w.items() if value_head or not k.startswith("value_head.")]

    # --- layers.ts

    def dense(self, name, x, bias=True):
        y = torch.matmul(x, self.w[name + ".w"])
        return y + self.w[name + ".b"] if bias else y

    def ln(self, name, x):
        return F.layer_norm(x, (self.d,), self.w[name + ".g"], self.w[name + ".b"], 1e-5)

    def heads(self, name, x):
        """Q, K, V of x [B, S, C], each [B, H, S, Dh] (one fused QKV projection)."""
        b, s, _ = x.shape
        qkv = self.dense(name + ".qkv", x).reshape(b, s, 3 * self.h, self.dh).transpose(1, 2)
        return qkv.split(self.h, dim=1)

    def attention(self, name, x, mask, past=None, keep=None):
        """keep: the outputs of x's last `keep` positions only (every position's keys and values still)."""
        b, s, c = x.shape
        q, k, v = self.heads(name, x)
        if past is not None:
            k = torch.cat([past[0], k], 2)
            v = torch.cat([past[1], v], 2)
        if keep is not None and keep < s:
            q = q[:, :, s - keep:]
            if mask is not None and mask.shape[2] == s:
                mask = mask[:, :, s - keep:]
            s = keep
        att = torch.matmul(q * (1 / math.sqrt(self.dh)), k.transpose(2, 3))  # q scaled, as the engine does
        if mask is not None:
            att = att + mask
        y = torch.matmul(torch.softmax(att, -1), v).transpose(1, 2).reshape(b, s, c)
        return self.dense(name + ".proj", y), (k, v)

    def block(self, name, x, mask, past=None, keep=None):
        a, kv = self.attention(name + ".attn", self.ln(name + ".ln1", x), mask, past, keep)
        h = x[:, x.shape[1] - a.shape[1]:] + a
        mlp = self.dense(name + ".mlp.proj", F.gelu(self.dense(name + ".mlp.fc", self.ln(name + ".ln2", h)), approximate="tanh"))
        return h + mlp, kv

    # --- policy.ts TinyVLM

    def encode_images(self, images):
        """images [N, H, W, 3] in [0, 1] -> visual tokens [N, P, C]; patches in raster order, (py, px, rgb) inside."""
        n, p = images.shape[0], self.p
        g = self.c["imageSize"] // p
        patches = (images - 0.5).reshape(n, g, p, g, p * 3).permute(0, 1, 3, 2, 4).reshape(n, g * g, p * p * 3)
        x = self.dense("enc.patch", patches) + self.w["enc.pos"]
        for i in range(self.c["encoderLayers"]):
            x, _ = self.block(f"enc.h.{i}", x, None)
        if self.c["encoderLayers"] > 0:
            x = self.ln("enc.ln", x)
        return self.dense("proj.out", F.gelu(self.dense("proj.fc", x), approximate="tanh"))

    def image_summary(self, visual):
        n, p, d = visual.shape
        return self.dense("proj.summary", visual.reshape(n, p * d)).reshape(n, 1, d)

    def embed(self, tokens, start, summary):
        """Token ids [N, L] at positions start.. + the image summary [N, 1, C] -> [N, L, C]."""
        length = tokens.shape[1]
        return F.embedding(tokens, self.w["dec.tok"]) + self.w["dec.pos"][start:start + length] + summary

    def prefix_input(self, visual, prompts, summary):
        return torch.cat([visual + self.w["dec.pos"][: self.n_patches], self.embed(prompts, self.n_patches, summary)], 1)

    def key_mask(self, prompts, length):
        """[N, 1, 1, len]: MASKED at <pad> prompt keys, 0 elsewhere."""
        n = prompts.shape[0]
        pads = (prompts == PAD).float() * MASKED
        parts = [torch.zeros(n, self.n_patches), pads]
        if length > self.prefix_len:
            parts.append(torch.zeros(n, length - self.prefix_len))
        return torch.cat(parts, 1).reshape(n, 1, 1, length)

    def attn_mask(self, prompts, length):
        return self.causal[:length, :length].reshape(1, 1, length, length) + self.key_mask(prompts, length)

    def decode(self, x, mask, pasts=None, keep=None):
        """policy.ts decode: with `keep`, the last block computes its last `keep` positions' outputs only."""
        kvs = []
        last = self.c["nLayers"] - 1
        for i in range(self.c["nLayers"]):
            x, kv = self.block(f"dec.h.{i}", x, mask, pasts[i] if pasts else None, keep if i == last else None)
            kvs.append(kv)
        return self.ln("dec.ln", x), kvs

    def logits(self, h):
        return self.dense("lm_head", h, bias=False)

    def values(self, h):
        return self.dense("value_head", h).squeeze(-1)

    def response_hidden_shared(self, distinct, row, prompts, responses):
        """policy.ts responseHiddenShared: image-only work on the K distinct images, text on the N rows.

        The visual positions attend only to each other, so their keys and values per layer are
        the image's: computed once per image and copied to its rows (index_select, whose
        gradient sums the rows back, as the engine's one-hot matmul does).
        """
        n, t = responses.shape
        p, d = self.n_patches, self.d
        visual = self.encode_images(distinct)  # [K, P, C]
        summary = self.image_summary(visual).index_select(0, row)  # [N, 1, C]
        x = visual + self.w["dec.pos"][:p]
        pasts = []
        for i in range(self.c["nLayers"]):
            name = f"dec.h.{i}"
            if i < self.c["nLayers"] - 1:
                x, (k, v) = self.block(name, x, None)
            else:  # the last layer's outputs are never read, only its keys and values
                _, k, v = self.heads(name + ".attn", self.ln(name + ".ln1", x))
            pasts.append((k.index_select(0, row), v.index_select(0, row)))
        text = self.embed(prompts, p, summary)
        if t > 1:
            text = torch.cat([text, self.embed(responses[:, : t - 1], self.prefix_len, summary)], 1)
        length = self.prefix_len + t - 1
        mask = self.attn_mask(prompts, length)[:, :, p:, :]  # the text rows
        h, _ = self.decode(text, mask, pasts, keep=t)
        return h  # [N, T, C]: text rows S0-1-P.., the last t

    def forward(self, distinct, row, prompts, responses, temperature):
        """Policy.forward: log-probs and entropies [N, T] under softmax(logits / T), values [N, T], and the logits."""
        h = self.response_hidden_shared(distinct, row, prompts, responses)
        logits = self.logits(h)
        logp_all = torch.log_softmax(logits / temperature, -1)
        logp = logp_all.gather(-1, responses.unsqueeze(-1)).squeeze(-1)
        entropy = -(logp_all.exp() * logp_all).sum(-1)
        return {"logp": logp, "entropy": entropy, "values": self.values(h), "logits": logits}
