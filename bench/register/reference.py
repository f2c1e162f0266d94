"""The Python way, for comparison: whole full-resolution rounds as numpy arrays (tifffile), an
affine (Euclidean) map by OpenCV's ECC on 1/16 then 1/4 downsampled nuclear channels, every
channel warped with cv2.warpAffine, written with tifffile (tiled, zlib, OME). Writes
transforms.json in the same convention as slidestream (reference -> moving, level 0).
Usage: reference.py OUT REFERENCE MOVING..."""
import json
import os
import sys
import time

import cv2
import numpy as np
import tifffile

out, ref_path, moving = sys.argv[1], sys.argv[2], sys.argv[3:]
crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 200, 1e-6)
ref = tifffile.imread(ref_path)  # (C, H, W)
h, w = ref.shape[1:]
ref_dapi = ref[0].astype(np.float32)


def small(a, f):
    s = cv2.resize(a, (a.shape[1] // f, a.shape[0] // f), interpolation=cv2.INTER_AREA)
    return s / max(float(s.max()), 1.0)


rounds = []
for p in moving:
    t0 = time.time()
    name = os.path.basename(p).split(".")[0]
    mov = tifffile.imread(p)
    dapi = mov[0].astype(np.float32)
    warp = np.eye(2, 3, dtype=np.float32)
    status = "success"
    try:
        for f in (16, 4):
            warp[:, 2] *= (16 // f) if f == 4 else 1
            _, warp = cv2.findTransformECC(small(ref_dapi, f), small(dapi, f), warp, cv2.MOTION_EUCLIDEAN, crit, None, 5)
        # ECC's warp maps reference pixels at 1/4 to moving pixels at 1/4; level-0 pixel centres
        # are x0 = 4 x + 1.5, so the level-0 translation is 4 t + 1.5 (1 - row sum of A)
        warp[:, 2] = 4 * warp[:, 2] + 1.5 * (1 - warp[:, :2].sum(axis=1))
        registered = np.stack([cv2.warpAffine(c, warp, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP) for c in mov])
        tifffile.imwrite(os.path.join(out, name + ".registered.ome.tif"), registered, tile=(512, 512), compression="zlib",
                         ome=True, bigtiff=True)
    except cv2.error as e:
        status = "failed: " + str(e).splitlines()[-1]
    rounds.append({"name": name, "status": status, "affine": warp.astype(float).tolist()})
    print(f"python {name}: {status}, {time.time() - t0:.1f} s")
json.dump({"reference": {"name": "round0"}, "rounds": rounds}, open(os.path.join(out, "transforms.json"), "w"))
