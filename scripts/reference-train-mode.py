#!/usr/bin/python3
"""The official MaDe model (reference code, not part of this project) in training mode with recorded dropout masks.

Same model, weights, inputs and loss as shared/golden/grad-A (the configuration of forward-A's meta.json,
forward-A's state_dict.npz and inputs.npz, `forward(..., is_train=True)`, loss_total = retrieval_loss +
localization_loss), but with every dropout ON at its configured rate: `torch.nn.functional.dropout` -- which
every nn.Dropout and the attention-probability dropout of every nn.MultiheadAttention call -- is replaced by
one that draws its keep-mask from a seeded generator (keep iff uniform >= p, kept values scaled by 1/(1-p), as
torch does) and records it. The fixture holds, per call in call order, the mask (np.packbits of the torch-layout
0/1 mask), its torch shape and rate, then the losses and the gradients at grad-A's indices (the index choice
of scripts/reference-grads-f64.py). A test replays these masks in the Java network and compares.

Usage: /usr/bin/python3 scripts/reference-train-mode.py --ref /tmp/mgsv-ref --shared ../shared \
           --fixture mgsv-model/src/test/resources/train-mode-A/train_mode.npz [--seed 1]
"""
import argparse
import importlib.util
import json
import logging
import os
import sys

import numpy as np


def helpers():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference-grads-f64.py")
    spec = importlib.util.spec_from_file_location("reference_grads_f64", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ref", required=True, help="exported reference checkout (github.com/xxayt/MGSV)")
    p.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fixture", required=True, help="output .npz (compressed)")
    a = p.parse_args()
    h = helpers()

    import torch
    import torch.nn.functional as F

    torch.set_num_threads(a.threads)
    h.install_stand_ins()
    sys.path.insert(0, os.path.abspath(a.ref))
    import model.model_Uni as mu

    fa = os.path.join(a.shared, "golden", "forward-A")
    with open(os.path.join(fa, "meta.json")) as f:
        args = argparse.Namespace(**json.load(f)["args"])
    torch.manual_seed(0)
    load = torch.load
    torch.load = lambda *x, **k: {}  # the AST checkpoint, given to the stand-in only
    try:
        model = mu.Uni_model(args, device=torch.device("cpu"), logger=logging.getLogger("made-ref"))
    finally:
        torch.load = load
    sd = np.load(os.path.join(fa, "state_dict.npz"))
    with torch.no_grad():
        for n, prm in model.named_parameters():
            prm.copy_(torch.from_numpy(sd[n]))
    model.train()

    gen = torch.Generator().manual_seed(a.seed)
    sites = []
    original = F.dropout

    def recording_dropout(x, p=0.5, training=True, inplace=False):
        if not training or p == 0.0:
            return original(x, p, training, inplace)
        keep = torch.rand(x.shape, generator=gen) >= p
        sites.append((tuple(x.shape), float(p), keep.numpy().astype(np.uint8)))
        return x * keep.to(x.dtype) * (1.0 / (1.0 - p))

    F.dropout = recording_dropout  # nn.Dropout and F.multi_head_attention_forward look it up at call time

    parts = h.capture_retrieval_terms(mu, "loss_retrieval_dual", "loss_retrieval_single")

    x = np.load(os.path.join(fa, "inputs.npz"))
    t = {k: torch.from_numpy(x[k]) for k in
         ["frame_feats", "frame_masks", "segment_feats", "segment_masks", "spans_target"]}
    _, loss_map, _, _, _ = model(t["frame_feats"], t["segment_feats"], t["frame_masks"], t["segment_masks"],
                                 t["spans_target"], is_train=True)
    loss = loss_map["retrieval_loss"] * args.ret_loss_weight + loss_map["localization_loss"] * args.loc_loss_weight
    loss.backward()
    F.dropout = original

    out = {}
    for i, (shape, rate, keep) in enumerate(sites):
        out["mask%03d/shape" % i] = np.array(shape, dtype=np.int64)
        out["mask%03d/rate" % i] = np.array([rate], dtype=np.float32)
        out["mask%03d/bits" % i] = np.packbits(keep.ravel())
    losses = dict(parts)
    losses.update(loss_total=loss.item(), loss_retrieval=float(loss_map["retrieval_loss"]),
                  loss_localization=float(loss_map["localization_loss"]))
    for k, v in loss_map["localization_loss_dict"].items():
        losses[k] = float(v)
    names = sorted(losses)
    out["loss/names"] = np.frombuffer("\n".join(names).encode(), dtype=np.uint8)  # UTF-8, one per line
    out["loss/values"] = np.array([losses[k] for k in names], dtype=np.float64)
    grads = {n: (q.grad if q.grad is not None else torch.zeros_like(q)).detach().numpy()
             for n, q in model.named_parameters()}
    tmp = a.fixture + ".grads.npz"
    h.write_fixture(tmp, grads, a.shared)
    for k, v in np.load(tmp).items():
        out["grad/" + k] = v
    os.remove(tmp)
    np.savez_compressed(a.fixture, **out)
    print(json.dumps({"sites": len(sites), "masked_elements": int(sum(k.size for _, _, k in sites)),
                      "rates": sorted(set(r for _, r, _ in sites)), "torch": torch.__version__,
                      "losses": losses}, indent=1))


if __name__ == "__main__":
    main()
