#!/usr/bin/python3
"""Makes the CLIP preprocessing parity fixture (src/test/resources/clip/).

Run with Debian's python3-torchvision (PIL 9.4, torchvision 0.14):
    /usr/bin/python3 mgsv-media/src/test/python/make_clip_fixture.py mgsv-media/src/test/resources/clip
or, to compare images given on the command line (used by the optional live parity test):
    /usr/bin/python3 make_clip_fixture.py --live OUT_DIR W1xH1 W2xH2 ...

For every test image it writes <name>.png (the input, lossless) and, in expected.npz, the tensor
[3,224,224] float32 that the reference's transform gives: Resize(224, BICUBIC) -> CenterCrop(224) ->
RGB -> ToTensor -> Normalize(CLIP mean, std).
"""
import sys
import os
import numpy as np
from PIL import Image
from torchvision.transforms import Compose, Resize, CenterCrop, ToTensor, Normalize, InterpolationMode


def transform():
    return Compose([
        Resize(224, interpolation=InterpolationMode.BICUBIC),
        CenterCrop(224),
        lambda im: im.convert("RGB"),
        ToTensor(),
        Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)),
    ])


def make_image(w, h, seed):
    """Smooth colour gradients, hard-edged shapes (ringing at edges) and noise: exercises clipping."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 127 + 120 * np.sin(x / (7 + seed) + y / 23.0)
    g = 255 * x / max(1, w - 1)
    b = 255 * (((x // 16) + (y // 16)) % 2)
    img = np.stack([r, g, b], axis=-1)
    cy, cx = h * 0.4, w * 0.6
    disc = (x - cx) ** 2 + (y - cy) ** 2 < (min(w, h) * 0.2) ** 2
    img[disc] = [255, 255, 0]
    img[: h // 10, :, :] = 0          # black band: undershoot gets clipped at 0
    img[h - h // 10 :, :, :] = 255    # white band: overshoot gets clipped at 255
    img[:, : w // 3, :] += rng.normal(0, 10, (h, w // 3, 3))  # noise on the left third only (small fixture)
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


def main():
    live = sys.argv[1] == "--live"
    args = sys.argv[2:] if live else sys.argv[1:]
    out = args[0]
    sizes = args[1:] if live else ["320x240", "180x400", "223x225", "420x260"]
    os.makedirs(out, exist_ok=True)
    t = transform()
    expected = {}
    for i, s in enumerate(sizes):
        w, h = (int(v) for v in s.split("x"))
        name = "img_%dx%d" % (w, h)
        img = make_image(w, h, seed=i + 1)
        img.save(os.path.join(out, name + ".png"))
        # like the reference: the transform reads the image from disk
        expected[name] = t(Image.open(os.path.join(out, name + ".png"))).numpy().astype(np.float32)
    np.savez_compressed(os.path.join(out, "expected.npz"), **expected)


if __name__ == "__main__":
    main()
