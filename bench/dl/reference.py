#!/usr/bin/env python3
"""The PyTorch side of bench/dl/run.sh (Debian's python3-torch, python3-openslide, python3-h5py).

    reference.py coords SLIDE PATCH OUT.h5 [MAX]     a CLAM-style coords.h5: level-0 grid of PATCH px patches
    reference.py model IMAGES BATCH                  the ViT-S/14 on random inputs, inference only
    reference.py e2e SLIDE COORDS.h5 BATCH OUT.npy   OpenSlide read_region + numpy preprocessing + the ViT-S/14
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "slidestream-dl", "src", "test", "python"))

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def coords(slide, patch, out, limit=0):
    import h5py
    import openslide
    s = openslide.OpenSlide(slide)
    w, h = s.dimensions
    xy = np.array([(x, y) for y in range(0, h - patch + 1, patch) for x in range(0, w - patch + 1, patch)], np.int64)
    if limit > 0:
        xy = xy[:limit]
    with h5py.File(out, "w") as f:
        d = f.create_dataset("coords", data=xy, maxshape=(None, 2))
        d.attrs["patch_size"] = patch
        d.attrs["patch_level"] = 0
        d.attrs["downsample"] = np.array([1.0, 1.0])
        d.attrs["name"] = os.path.basename(slide)
        d.attrs["slide_path"] = os.path.abspath(slide)
    print(len(xy), "patches")


def model_only(images, batch):
    import torch
    import make_vit
    torch.set_num_threads(os.cpu_count())
    m = make_vit.build("vit-s14")
    x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        m(x[:2])
        t0 = time.perf_counter()
        done = 0
        while done < images:
            n = min(batch, images - done)
            m(x[:n])
            done += n
    s = time.perf_counter() - t0
    print(f"pytorch: {images} images in {s:.2f} s: {images / s:.1f} images/s")


def e2e(slide, coords_file, batch, out):
    import h5py
    import openslide
    import torch
    import make_vit
    torch.set_num_threads(os.cpu_count())
    t0 = time.perf_counter()
    m = make_vit.build("vit-s14")
    s = openslide.OpenSlide(slide)
    with h5py.File(coords_file, "r") as f:
        xy = f["coords"][()]
        ps = int(f["coords"].attrs["patch_size"])
    t1 = time.perf_counter()
    feats = []
    with torch.inference_mode():
        for i in range(0, len(xy), batch):
            imgs = [np.asarray(s.read_region((int(x), int(y)), 0, (ps, ps)).convert("RGB"), np.float32) for x, y in xy[i:i + batch]]
            x = ((np.stack(imgs) / 255.0 - MEAN) / STD).transpose(0, 3, 1, 2).astype(np.float32)
            feats.append(m(torch.from_numpy(np.ascontiguousarray(x)))[1].numpy())
    el = time.perf_counter() - t1
    np.save(out, np.concatenate(feats))
    print(f"pytorch: {len(xy)} patches in {el:.2f} s (+{t1 - t0:.2f} s model load): {len(xy) / el:.1f} patches/s")


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "coords":
        coords(a[1], int(a[2]), a[3], int(a[4]) if len(a) > 4 else 0)
    elif a[0] == "model":
        model_only(int(a[1]), int(a[2]))
    elif a[0] == "e2e":
        e2e(a[1], a[2], int(a[3]), a[4])
    elif a[0] == "compare":
        import h5py
        with h5py.File(a[1], "r") as f:
            j = f["features"][()]
        p = np.load(a[2])
        print(f"features {j.shape}: max abs difference slidestream vs pytorch {np.abs(j - p).max():.2e}")
