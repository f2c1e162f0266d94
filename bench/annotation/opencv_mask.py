"""The Python way: the whole label mask as one numpy array, each annotation drawn with
cv2.fillPoly (classes lowest priority first), then written as a tiled, zlib-compressed TIFF with
tifffile. Prints the seconds spent drawing and in all.

usage: opencv_mask.py ANNOTATIONS.geojson SIZE OUT.tif"""
import json, sys, time
import cv2, numpy as np, tifffile

gj, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0 = time.time()
feats = json.load(open(gj))['features']
mask = np.zeros((size, size), np.uint8)
for cls, value in (('Tissue', 1), ('Tumor', 2), ('Necrosis', 3)):
    for f in feats:
        if f['properties']['classification']['name'] != cls:
            continue
        rings = [np.round(np.array(r)[:, :2] * 256).astype(np.int32) for r in f['geometry']['coordinates']]
        cv2.fillPoly(mask, rings, value, lineType=8, shift=8)
t1 = time.time()
tifffile.imwrite(out, mask, tile=(512, 512), compression='zlib')
t2 = time.time()
print(f"draw {t1 - t0:.1f} s, total {t2 - t0:.1f} s")
