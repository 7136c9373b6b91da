#!/usr/bin/python3
"""Makes the tiny ONNX encoder fixtures (src/test/resources/onnx/), a few KB each.

    /usr/bin/python3 mgsv-media/src/test/python/make_tiny_onnx.py mgsv-media/src/test/resources

They stand in for the real CLIP image tower and AST (same input/output shapes and names as docs/encoders.md
exports) so the ONNX encoders are tested without 350 MB of weights:
  onnx/tiny_clip.onnx     pixel_values [N,3,224,224] -> image_embeds [N,512]  (conv 16x16/16, relu, pool, linear)
  onnx/tiny_clip_b1.onnx  the same with a fixed batch of 1
  onnx/tiny_ast.onnx      fbank [N,1024,128] -> embedding [N,768]              (pool time x mel, linear, tanh)
  onnx/expected.npz       torch's outputs: clip_<image> for the clip/ fixture images (preprocessed by
                          torchvision), ast_window for the synthetic window ast_input(), for parity tests.
"""
import os
import sys
import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_clip_fixture import transform  # noqa: E402


class TinyClip(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=16, stride=16)
        self.pool = torch.nn.AvgPool2d(7)
        self.fc = torch.nn.Linear(16, 512)

    def forward(self, pixel_values):
        x = torch.relu(self.conv(pixel_values))      # [N,4,14,14]
        x = self.pool(x).flatten(1)                   # [N,16]
        return self.fc(x)


class TinyAst(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(32, 768)

    def forward(self, fbank):
        n = fbank.shape[0]
        x = fbank.reshape(n, 4, 256, 8, 16).mean(dim=(2, 4))   # 4 time blocks x 8 mel blocks
        return torch.tanh(self.fc(x.reshape(n, 32)))


def ast_input():
    """The synthetic window the Java test builds the same way: float32(sin(0.01*t*(m+1))*0.5 - 0.2)."""
    t = np.arange(1024, dtype=np.float64)[:, None]
    m = np.arange(128, dtype=np.float64)[None, :]
    return (np.sin(0.01 * t * (m + 1)) * 0.5 - 0.2).astype(np.float32)


def export(model, example, path, in_name, out_name, dynamic):
    torch.onnx.export(model, example, path, input_names=[in_name], output_names=[out_name], opset_version=13,
                      dynamic_axes={in_name: {0: "N"}, out_name: {0: "N"}} if dynamic else None)


def main():
    res = sys.argv[1]
    out = os.path.join(res, "onnx")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1234)
    clip = TinyClip().eval()
    ast = TinyAst().eval()
    with torch.no_grad():
        export(clip, torch.zeros(2, 3, 224, 224), os.path.join(out, "tiny_clip.onnx"), "pixel_values", "image_embeds", True)
        export(clip, torch.zeros(1, 3, 224, 224), os.path.join(out, "tiny_clip_b1.onnx"), "pixel_values", "image_embeds", False)
        export(ast, torch.zeros(2, 1024, 128), os.path.join(out, "tiny_ast.onnx"), "fbank", "embedding", True)
        expected = {}
        t = transform()
        clip_dir = os.path.join(res, "clip")
        for f in sorted(os.listdir(clip_dir)):
            if f.endswith(".png"):
                x = t(Image.open(os.path.join(clip_dir, f))).unsqueeze(0)
                expected["clip_" + f[:-4]] = clip(x)[0].numpy().astype(np.float32)
        expected["ast_window"] = ast(torch.from_numpy(ast_input()).unsqueeze(0))[0].numpy().astype(np.float32)
    np.savez_compressed(os.path.join(out, "expected.npz"), **expected)


if __name__ == "__main__":
    main()
