#!/usr/bin/python3
"""Training-mode gradients of the official MaDe model (reference code, not part of this project) in float64.

Rebuilds what shared/golden/grad-A was made with -- the reference `model.model_Uni.Uni_model` with the
configuration recorded in forward-A's meta.json (upstream scripts/train_kuai_all_feature.sh), the forward-A
weights and inputs, `model.train()` with p = 0 on every nn.Dropout and dropout = 0 on every
nn.MultiheadAttention, `forward(..., is_train=True)`, loss_total = retrieval_loss + localization_loss -- and
writes the raw gradient of every parameter.

The reference code is imported from --ref (an exported checkout of github.com/xxayt/MGSV); nothing of it is
copied here. Its pretrained-encoder dependencies (clip, AST/timm, DDP) are replaced by parameter-free
stand-ins (the model is fed pre-extracted features, so they are never called), and the two third-party helpers
the forward/loss path calls are re-implemented here: `einops.rearrange` (pure reshapes/permutes) and
`scipy.optimize.linear_sum_assignment` (brute force; the cost matrices are 1x1 here).

--dtype float64: torch's default dtype is set to float64 before the model is built (so the reference's
`torch.zeros(...)` similarity accumulator is float64 too), the model is converted with `model.double()` and
the inputs are converted to float64. Constants that the reference computes with an explicit float32 dtype (the
sinusoidal position tables) keep their float32 values, as in the golden data.

Usage: /usr/bin/python3 scripts/reference-grads-f64.py --ref /tmp/mgsv-ref --shared ../shared \
           --dtype float64 --out /tmp/ref-grads-f64.npz \
           [--fixture mgsv-model/src/test/resources/grad-A-f64/grads_f64.npz]
"""
import argparse
import itertools
import json
import logging
import os
import re
import sys
import types

import numpy as np


def install_stand_ins():
    import torch
    import torch.nn as nn

    # einops.rearrange: only reshape/permute patterns are used by the reference ('b n (h d) -> b h n d', ...)
    def rearrange(t, pattern, **sizes):
        lhs, rhs = (side.strip() for side in pattern.split("->"))

        def groups(side):
            return [g[1:-1].split() if g.startswith("(") else [g] for g in re.findall(r"\([^)]*\)|\S+", side)]

        left, right = groups(lhs), groups(rhs)
        assert len(left) == t.dim(), (pattern, tuple(t.shape))
        dims = dict(sizes)
        for g, n in zip(left, t.shape):
            unknown = [a for a in g if a not in dims]
            known = 1
            for a in g:
                if a in dims:
                    known *= dims[a]
            if unknown:
                assert len(unknown) == 1 and n % known == 0, pattern
                dims[unknown[0]] = n // known
            assert int(np.prod([dims[a] for a in g])) == n, pattern
        axes = [a for g in left for a in g]
        t = t.reshape([dims[a] for a in axes])
        t = t.permute([axes.index(a) for g in right for a in g])
        return t.reshape([int(np.prod([dims[a] for a in g])) for g in right])

    einops = types.ModuleType("einops")
    einops.rearrange = rearrange
    sys.modules["einops"] = einops

    # scipy: `import scipy.stats` (unused on this path) and optimize.linear_sum_assignment (matcher)
    def linear_sum_assignment(cost):
        c = np.asarray(cost, dtype=np.float64)
        rows, cols = c.shape
        best = None
        if rows <= cols:
            for perm in itertools.permutations(range(cols), rows):
                s = sum(c[i, j] for i, j in enumerate(perm))
                if best is None or s < best[0]:
                    best = (s, list(range(rows)), list(perm))
        else:
            for perm in itertools.permutations(range(rows), cols):
                s = sum(c[i, j] for j, i in enumerate(perm))
                if best is None or s < best[0]:
                    pairs = sorted(zip(perm, range(cols)))
                    best = (s, [p[0] for p in pairs], [p[1] for p in pairs])
        return np.array(best[1], dtype=np.int64), np.array(best[2], dtype=np.int64)

    scipy = types.ModuleType("scipy")
    scipy.__path__ = []
    optimize = types.ModuleType("scipy.optimize")
    optimize.linear_sum_assignment = linear_sum_assignment
    stats = types.ModuleType("scipy.stats")
    scipy.optimize, scipy.stats = optimize, stats
    sys.modules.update({"scipy": scipy, "scipy.optimize": optimize, "scipy.stats": stats})

    # pretrained encoders: never called with pre-extracted features; parameter-free stand-ins
    class NoEncoder(nn.Module):
        def __init__(self, *a, **k):
            super().__init__()

        def load_state_dict(self, *a, **k):
            return None

    clip = types.ModuleType("clip")
    clip.load = lambda *a, **k: (NoEncoder(), None)
    sys.modules["clip"] = clip
    ast_models = types.ModuleType("model.ast_models")
    ast_models.ASTModel = NoEncoder
    sys.modules["model.ast_models"] = ast_models
    torch.nn.parallel.DistributedDataParallel = lambda module, *a, **k: module


def capture_retrieval_terms(mu, dual_key, single_key):
    """Wraps the two retrieval losses that model.model_Uni calls; returns the dict their values land in."""
    parts = {}

    def wrap(key, fn):
        def w(*x, **k):
            r = fn(*x, **k)
            parts[key] = (r[0] if isinstance(r, tuple) else r).detach().item()
            return r
        return w

    mu.InfoNCELoss = wrap(dual_key, mu.InfoNCELoss)
    mu.CLIPLoss = wrap(single_key, mu.CLIPLoss)
    return parts


FULL_MAX = 1024


def write_fixture(path, grads, shared):
    ga = os.path.join(shared, "golden", "grad-A")
    sampled = np.load(os.path.join(ga, "grads_sampled.npz"))
    full = np.load(os.path.join(ga, "grads_full.npz"))
    out = {}
    for name, g in grads.items():
        g = g.ravel()
        if "idx/" + name in sampled.files:
            idx = sampled["idx/" + name].astype(np.int64)
        else:
            assert name in full.files, name
            idx = np.arange(g.size, dtype=np.int64) if g.size <= FULL_MAX else \
                np.unique(np.round(np.linspace(0, g.size - 1, 64)).astype(np.int64))
        out["idx/" + name] = idx
        out["val/" + name] = g[idx]
    np.savez_compressed(path, **out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ref", required=True, help="exported reference checkout (github.com/xxayt/MGSV)")
    p.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    p.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True, help=".npz: grad/<name> for every parameter; losses in <out>.json")
    p.add_argument("--fixture", help="also write the small test fixture (.npz): idx/<name> int64 flat indices and "
                   "val/<name> gradient values at them, for every parameter: grad-A's sampled indices "
                   "(grads_sampled.npz), every element of grads_full.npz's parameters with <= %d elements, "
                   "round(linspace(0, numel-1, 64)) of the larger ones" % FULL_MAX)
    a = p.parse_args()

    import torch
    import torch.nn as nn

    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    torch.set_default_dtype(dtype)
    install_stand_ins()
    sys.path.insert(0, os.path.abspath(a.ref))
    import model.model_Uni as mu

    fa = os.path.join(a.shared, "golden", "forward-A")
    with open(os.path.join(fa, "meta.json")) as f:
        args = argparse.Namespace(**json.load(f)["args"])
    logger = logging.getLogger("made-ref")
    torch.manual_seed(0)
    load = torch.load
    torch.load = lambda *x, **k: {}  # the AST checkpoint, given to the stand-in only
    try:
        model = mu.Uni_model(args, device=torch.device("cpu"), logger=logger)
    finally:
        torch.load = load

    sd = np.load(os.path.join(fa, "state_dict.npz"))
    names = [n for n, _ in model.named_parameters()]
    assert sorted(names) == sorted(sd.files), (set(names) ^ set(sd.files))
    with torch.no_grad():
        for n, prm in model.named_parameters():
            prm.copy_(torch.from_numpy(sd[n]))  # float32 values, exact in float64
    model = model.to(dtype)
    model.train()
    n_drop = n_mha = 0
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
            n_drop += 1
        if isinstance(m, nn.MultiheadAttention):
            m.dropout = 0.0
            n_mha += 1
    assert (n_drop, n_mha) == (35, 16), (n_drop, n_mha)

    # capture the two retrieval terms by wrapping the names the model calls (as grad-A did)
    parts = capture_retrieval_terms(mu, "loss_retrieval_dual_infonce", "loss_retrieval_single_clip")

    x = np.load(os.path.join(fa, "inputs.npz"))
    t = {k: torch.from_numpy(x[k]).to(dtype) for k in
         ["frame_feats", "frame_masks", "segment_feats", "segment_masks", "spans_target"]}
    output_map, loss_map, _, _, _ = model(t["frame_feats"], t["segment_feats"], t["frame_masks"],
                                          t["segment_masks"], t["spans_target"], is_train=True)
    loss = loss_map["retrieval_loss"] * args.ret_loss_weight + loss_map["localization_loss"] * args.loc_loss_weight
    loss.backward()

    for prm in model.parameters():
        assert prm.dtype == dtype
    grads = {}
    for n, prm in model.named_parameters():
        grads["grad/" + n] = (prm.grad if prm.grad is not None else torch.zeros_like(prm)).detach().numpy()
    np.savez(a.out, **grads)
    if a.fixture:
        write_fixture(a.fixture, {n[len("grad/"):]: g for n, g in grads.items()}, a.shared)
    losses = dict(parts)
    losses.update(loss_total=loss.item(), loss_retrieval=float(loss_map["retrieval_loss"]),
                  loss_localization=float(loss_map["localization_loss"]))
    for k, v in loss_map["localization_loss_dict"].items():
        losses["loss_dict/" + k] = float(v)
    with open(a.out + ".json", "w") as f:
        json.dump({"dtype": a.dtype, "torch": torch.__version__, "threads": a.threads, "losses": losses,
                   "params_without_grad": [n for n, q in model.named_parameters() if q.grad is None]}, f, indent=1)
    print(json.dumps(losses, indent=1))


if __name__ == "__main__":
    main()
