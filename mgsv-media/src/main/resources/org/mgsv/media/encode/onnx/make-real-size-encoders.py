#!/usr/bin/python3
"""Builds real-size stand-ins of the two published encoders with random weights, as ONNX files:

    /usr/bin/python3 make-real-size-encoders.py OUT_DIR            (what `mgsv bench extract --real-size` runs)
    /usr/bin/python3 make-real-size-encoders.py --tiny OUT_DIR     (a 2-layer, width-64 CLIP-shaped test model)

  OUT_DIR/clip-vit-b32-image.onnx   pixel_values [N,3,224,224] -> image_embeds [N,512]
      CLIP ViT-B/32 image tower (encode_image): conv 32x32/32 (no bias), class token, 50 positions, ln_pre,
      12 residual blocks (width 768, 12 heads, nn.MultiheadAttention, MLP 3072 with QuickGELU), ln_post on the
      class token, projection 768 -> 512; not normalised.
  OUT_DIR/ast-audioset.onnx         fbank [N,1024,128] -> embedding [N,768]
      AST (ViT-B, timm layout): fbank transposed to [N,1,128,1024], conv 16x16 stride 10 -> 12 x 101 = 1,212
      patches, class + distillation tokens (1,214 tokens), 12 pre-norm blocks (width 768, 12 heads, MLP 3072,
      GELU), final LayerNorm, mean of the class and distillation tokens.

Same architectures, opset (14), input/output names and dynamic batch as the export guide in docs/encoders.md;
weights are drawn with each original's initialisation (CLIP's initialize_parameters, timm's trunc_normal 0.02),
seeded, so the files are the same on every run. No download. Needs Debian's python3-torch and python3-onnx.
The files are written to a temporary name and renamed, so an interrupted run leaves nothing that looks complete.
--tiny writes OUT_DIR/tiny-vit.onnx instead: the CLIP tower's graph (every op kind of the real one, same input
and output shapes and names) at width 64, 2 layers, 2 heads, for unit tests of the encoders and the int8 rewrite.
"""
import os
import sys

import torch
from torch import nn

OPSET = 14


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ClipBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), QuickGELU(), nn.Linear(width * 4, width))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class ClipVisual(nn.Module):
    """OpenAI CLIP's VisionTransformer for ViT-B/32 followed by nothing: encode_image's output."""

    def __init__(self, resolution=224, patch=32, width=768, layers=12, heads=12, output_dim=512):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((resolution // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([ClipBlock(width, heads) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))
        # CLIP's initialize_parameters for the transformer
        proj_std = (width ** -0.5) * ((2 * layers) ** -0.5)
        attn_std = width ** -0.5
        fc_std = (2 * width) ** -0.5
        for b in self.blocks:
            nn.init.normal_(b.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(b.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(b.mlp[0].weight, std=fc_std)
            nn.init.normal_(b.mlp[2].weight, std=proj_std)

    def forward(self, pixel_values):
        x = self.conv1(pixel_values)                      # [N, width, 7, 7]
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)               # NLD -> LND, as CLIP
        for b in self.blocks:
            x = b(x)
        x = self.ln_post(x.permute(1, 0, 2)[:, 0, :])
        return x @ self.proj


class AstBlock(nn.Module):
    """timm 0.4.5's ViT Block (what AST uses): pre-norm, fused qkv, GELU MLP."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.qkv = nn.Linear(width, width * 3)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.fc1 = nn.Linear(width, width * 4)
        self.fc2 = nn.Linear(width * 4, width)

    def attn(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)) * ((c // self.heads) ** -0.5)
        a = a.softmax(dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, n, c))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x))))


class Ast(nn.Module):
    """ASTModel(input_tdim=1024, fstride=10, tstride=10) forward up to cls_dist (docs/encoders.md)."""

    def __init__(self, tdim=1024, fdim=128, width=768, layers=12, heads=12):
        super().__init__()
        self.patch = nn.Conv2d(1, width, kernel_size=16, stride=10)
        f_out = (fdim - 16) // 10 + 1                    # 12
        t_out = (tdim - 16) // 10 + 1                    # 101
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embed = nn.Parameter(torch.zeros(1, f_out * t_out + 2, width))
        self.blocks = nn.ModuleList([AstBlock(width, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(width, eps=1e-6)
        for p in (self.cls_token, self.dist_token, self.pos_embed):
            nn.init.trunc_normal_(p, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, fbank):                              # [N, 1024, 128]
        x = fbank.unsqueeze(1).transpose(2, 3)             # [N, 1, 128, 1024]
        x = self.patch(x).flatten(2).transpose(1, 2)       # [N, 1212, width]
        n = x.shape[0]
        x = torch.cat([self.cls_token.expand(n, -1, -1), self.dist_token.expand(n, -1, -1), x], dim=1)
        x = x + self.pos_embed
        for b in self.blocks:
            x = b(x)
        x = self.norm(x)
        return (x[:, 0] + x[:, 1]) / 2


def export(model, example, path, in_name, out_name):
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, example, tmp, input_names=[in_name], output_names=[out_name],
                          opset_version=OPSET, dynamic_axes={in_name: {0: "N"}, out_name: {0: "N"}})
    os.replace(tmp, path)


def main():
    args = sys.argv[1:]
    tiny = args[:1] == ["--tiny"]
    if tiny:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: make-real-size-encoders.py [--tiny] OUT_DIR")
    out = args[0]
    os.makedirs(out, exist_ok=True)
    if tiny:
        torch.manual_seed(7)
        export(ClipVisual(width=64, layers=2, heads=2).eval(), torch.zeros(2, 3, 224, 224),
               os.path.join(out, "tiny-vit.onnx"), "pixel_values", "image_embeds")
        return
    torch.manual_seed(20250)
    export(ClipVisual().eval(), torch.zeros(2, 3, 224, 224), os.path.join(out, "clip-vit-b32-image.onnx"),
           "pixel_values", "image_embeds")
    torch.manual_seed(20251)
    export(Ast().eval(), torch.zeros(2, 1024, 128), os.path.join(out, "ast-audioset.onnx"), "fbank", "embedding")


if __name__ == "__main__":
    main()
