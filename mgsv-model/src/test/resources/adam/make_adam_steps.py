"""Reference for FusedAdamStepsTest: torch.optim.Adam over 24 steps on three small float32 parameters.

Gradients of varying scale (1e-4 .. 30), sign flips, a parameter whose gradient is zero for three steps, and a
warm-up + cosine learning rate whose first value is 0 (the state advances anyway). Writes adam_steps.npz:
init/<p> (shape of p), grad/<p> and after/<p> ([24, shape of p], row t-1 = step t) and lr [24].
Run in this folder: python3 make_adam_steps.py (torch 1.13 made the file checked in).
"""
import math

import numpy as np
import torch

torch.manual_seed(7)
shapes = {"w": (4, 3), "b": (5,), "s": (1,)}
params = {k: torch.nn.Parameter(torch.randn(*v, dtype=torch.float32)) for k, v in shapes.items()}
opt = torch.optim.Adam(list(params.values()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
steps = 24
warmup = 4
lrs = [1e-3 * t / warmup if t < warmup else 0.5 * 1e-3 * (1 + math.cos(math.pi * (t - warmup) / (steps - warmup)))
       for t in range(steps)]
scales = [1.0, 30.0, 1e-4, 0.5, 2.0, 1e-2, 5.0, 0.1, 1.0, 3.0, 1e-3, 1.0] * 2
out = {f"init/{k}": p.detach().numpy().copy() for k, p in params.items()}
grads = {k: [] for k in shapes}
after = {k: [] for k in shapes}
for t in range(steps):
    for k, p in params.items():
        g = torch.randn(*shapes[k], dtype=torch.float32) * scales[t] * (-1.0 if t % 3 == 2 else 1.0)
        if k == "b" and 7 <= t <= 9:
            g = torch.zeros_like(g)
        p.grad = g
        grads[k].append(g.numpy().copy())
    for group in opt.param_groups:
        group["lr"] = lrs[t]
    opt.step()
    for k, p in params.items():
        after[k].append(p.detach().numpy().copy())
for k in shapes:
    out[f"grad/{k}"] = np.stack(grads[k])
    out[f"after/{k}"] = np.stack(after[k])
out["lr"] = np.array(lrs, dtype=np.float64)
np.savez("adam_steps.npz", **out)
print("torch", torch.__version__, "wrote", len(out), "arrays")
