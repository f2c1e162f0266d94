#!/usr/bin/env python3
"""Exports a ViT with fixed random weights to ONNX, with PyTorch's outputs for fixed inputs.

    make_vit.py OUT_DIR               the tiny test model (committed as test resources)
    make_vit.py OUT_DIR --vit-s14     a ViT-S/14-sized model (224 px, 384 wide, 12 blocks) for bench/dl

The model is a standard pre-norm ViT (DINOv2's layout without registers): a strided-conv patch
embedding, a CLS token, learned position embeddings, transformer blocks (multi-head attention and
a GELU MLP) and a final LayerNorm. It has two outputs: `tokens` (B x T x D, CLS first, then the
patch tokens row by row) and `embedding` (B x D, the CLS token after the final norm). The batch
axis is dynamic. Runs with Debian's python3-torch (1.13, ONNX opset <= 17) and python3-onnx.

Written next to the model: inputs.npy (fixed inputs, B x 3 x S x S float32, already normalized)
and the expected outputs tokens.npy, cls.npy, mean.npy (mean of the patch tokens).
"""
import argparse
import os

import numpy as np
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, size, patch, dim, depth, heads, mlp):
        super().__init__()
        grid = size // patch
        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos_embed = nn.Parameter(torch.randn(1, grid * grid + 1, dim) * 0.1)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)          # B x (h*w) x D, row-major grid
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        x = self.norm(x)
        return x, x[:, 0]


CONFIGS = {
    "tiny": dict(size=32, patch=8, dim=64, depth=2, heads=4, mlp=128),
    "vit-s14": dict(size=224, patch=14, dim=384, depth=12, heads=6, mlp=1536),
}


def build(kind="tiny"):
    """The model with its fixed random weights (the same for every run of this torch version)."""
    torch.manual_seed(20261201)
    return ViT(**CONFIGS[kind]).eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--vit-s14", action="store_true", help="the ViT-S/14-sized benchmark model")
    ap.add_argument("--name", default=None, help="model file name (default tiny-vit.onnx / vit-s14.onnx)")
    a = ap.parse_args()
    kind = "vit-s14" if a.vit_s14 else "tiny"
    cfg = CONFIGS[kind]
    os.makedirs(a.out, exist_ok=True)

    model = build(kind)
    size = cfg["size"]
    name = a.name or ("vit-s14.onnx" if a.vit_s14 else "tiny-vit.onnx")
    path = os.path.join(a.out, name)
    example = torch.zeros(2, 3, size, size)
    torch.onnx.export(model, example, path, input_names=["pixel_values"], output_names=["tokens", "embedding"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "tokens": {0: "batch"}, "embedding": {0: "batch"}},
                      opset_version=17, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))

    if kind == "tiny":
        g = torch.Generator().manual_seed(7)
        x = torch.randn(3, 3, size, size, generator=g)
        with torch.no_grad():
            tokens, cls = model(x)
        np.save(os.path.join(a.out, "inputs.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(a.out, "tokens.npy"), tokens.numpy().astype(np.float32))
        np.save(os.path.join(a.out, "cls.npy"), cls.numpy().astype(np.float32))
        np.save(os.path.join(a.out, "mean.npy"), tokens[:, 1:].mean(dim=1).numpy().astype(np.float32))
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
