# Regenerates the torch.save fixtures in this directory. Run once with Debian's PyTorch 1.13:
#   /usr/bin/python3 make_fixtures.py
# Every value is exactly representable in float16, so tests can recompute them without rounding.
import numpy as np
import torch

def ramp(n, center, scale):
    return (torch.arange(n, dtype=torch.float32) - center) / scale

# contiguous float32, shape [2, 3]: (i - 2.5) / 4
torch.save(ramp(6, 2.5, 4).reshape(2, 3), "f32_2x3.pt")
# contiguous float16, shape [3, 4]: (i - 6) / 8
torch.save(ramp(12, 6, 8).reshape(3, 4).half(), "f16_3x4.pt")
# video-feature-like float32 [50, 16]: (i mod 97 - 48) / 16, rows 40..49 zero (padding)
v = ((torch.arange(50 * 16) % 97).float() - 48) / 16
v = v.reshape(50, 16)
v[40:] = 0
torch.save(v, "vit_50x16.pt")
# its mask [50]: 1 for rows 0..39, 0 after
m = torch.zeros(50)
m[:40] = 1
torch.save(m, "mask_50.pt")
# a view with a storage offset and non-contiguous strides, saved as is (the whole 4x6 storage is written):
# base[i][j] = i * 6 + j, view = base[1:, ::2] -> shape [3, 3], offset 6, stride (6, 2)
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
torch.save(base[1:, ::2], "view_offset_stride.pt")
# a transposed view: base.t() -> shape [6, 4], stride (1, 6)
torch.save(base.t(), "view_transposed.pt")
# the legacy (pre-1.6, non-zip) format of the [2, 3] float32 tensor
torch.save(ramp(6, 2.5, 4).reshape(2, 3), "legacy_f32_2x3.pt", _use_new_zipfile_serialization=False)
# not a plain tensor: a dict holding one
torch.save({"a": ramp(2, 0, 1)}, "dict.pt")
# a float64 tensor [4]: i - 1.5
torch.save(ramp(4, 1.5, 1).double(), "f64_4.pt")
# an unsupported dtype: complex64 [2]
torch.save(torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex64), "complex.pt")
# numpy files: float32 [2, 3] (same values as f32_2x3), float16 [3, 4], int64 [5], float64 Fortran-order reject
np.save("f32_2x3.npy", ramp(6, 2.5, 4).reshape(2, 3).numpy())
np.save("f16_3x4.npy", ramp(12, 6, 8).reshape(3, 4).half().numpy())
np.save("i64_5.npy", np.arange(5, dtype=np.int64) * 1000 - 2000)
np.save("f64_2x2.npy", np.array([[0.5, -1.25], [3.0, 1e-3]], dtype=np.float64))
np.save("fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.savez("pair.npz", a=ramp(6, 2.5, 4).reshape(2, 3).numpy(), b=np.arange(3, dtype=np.int64))
np.savez_compressed("pair_compressed.npz", a=ramp(6, 2.5, 4).reshape(2, 3).numpy(), b=np.arange(3, dtype=np.int64))
