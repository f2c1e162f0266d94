"""Python reference for bench/patch/run.sh: the same work with OpenSlide + OpenCV + numpy + PIL + h5py.

  reference.py coords OUT SEG_LEVEL PATCH_SIZE A_T A_H SLIDE...   CLAM's segmentTissue + process_contours
                                                                   (four_pt, a pool of processes as CLAM) -> coords.h5
  reference.py export FORMAT SLIDE PATCHES_CSV OUTDIR              read_region + PIL save (png/jpeg) or one .npy
"""
import multiprocessing as mp
import os
import sys
import time

import cv2
import h5py
import numpy as np
import openslide


def segment(wsi, seg_level, a_t, a_h, sthresh=8, mthresh=7, close=4, max_n_holes=8, ref_patch_size=512):
    img = np.array(wsi.read_region((0, 0), seg_level, wsi.level_dimensions[seg_level]).convert('RGB'))
    img_hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    img_med = cv2.medianBlur(img_hsv[:, :, 1], mthresh)
    _, img_bin = cv2.threshold(img_med, sthresh, 255, cv2.THRESH_BINARY)
    if close > 0:
        img_bin = cv2.morphologyEx(img_bin, cv2.MORPH_CLOSE, np.ones((close, close), np.uint8))
    w0, h0 = wsi.level_dimensions[0]
    wl, hl = wsi.level_dimensions[seg_level]
    scale = (w0 / wl, h0 / hl)
    area = int(ref_patch_size ** 2 / (scale[0] * scale[1]))
    a_t, a_h = a_t * area, a_h * area
    contours, hierarchy = cv2.findContours(img_bin, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return [], [], scale
    hierarchy = np.squeeze(hierarchy, axis=(0,))[:, 2:]
    fg, holes_all = [], []
    for idx in np.flatnonzero(hierarchy[:, 1] == -1):
        holes = np.flatnonzero(hierarchy[:, 1] == idx)
        a = cv2.contourArea(contours[idx]) - np.array([cv2.contourArea(contours[h]) for h in holes]).sum()
        if a == 0 or not (a_t < a):
            continue
        hs = sorted([contours[h] for h in holes], key=cv2.contourArea, reverse=True)[:max_n_holes]
        fg.append(contours[idx])
        holes_all.append([h for h in hs if cv2.contourArea(h) > a_h])
    sc = np.array(scale)
    return ([np.array(c * sc, dtype='int32') for c in fg],
            [[np.array(h * sc, dtype='int32') for h in hs] for hs in holes_all], scale)


def check(args):
    cont, holes, x, y, size = args
    cx, cy = x + size // 2, y + size // 2
    s = int(size // 2 * 0.5)
    pts = [(cx - s, cy - s), (cx + s, cy + s), (cx + s, cy - s), (cx - s, cy + s)]
    if not any(cv2.pointPolygonTest(cont, (float(px), float(py)), False) >= 0 for px, py in pts):
        return None
    for h in holes:
        if cv2.pointPolygonTest(h, (x + size / 2, y + size / 2), False) > 0:
            return None
    return (x, y)


def coords(out, seg_level, size, a_t, a_h, slides):
    pool = mp.Pool(os.cpu_count())
    total = 0
    for path in slides:
        wsi = openslide.OpenSlide(path)
        conts, holes, _ = segment(wsi, seg_level, a_t, a_h)
        found = []
        for cont, hs in zip(conts, holes):
            x0, y0, w, h = cv2.boundingRect(cont)
            cand = [(cont, hs, x, y, size) for x in range(x0, x0 + w, size) for y in range(y0, y0 + h, size)]
            found += [r for r in pool.map(check, cand, chunksize=256) if r is not None]
        name = os.path.basename(path).split('.')[0]
        os.makedirs(os.path.join(out, name), exist_ok=True)
        with h5py.File(os.path.join(out, name, 'coords.h5'), 'w') as f:
            d = f.create_dataset('coords', data=np.array(found, dtype=np.int64).reshape(-1, 2), maxshape=(None, 2))
            d.attrs['patch_size'] = size
            d.attrs['patch_level'] = 0
            d.attrs['name'] = name
        total += len(set(found))
    pool.close()
    print(total)


def export(fmt, path, csv, outdir):
    xy = np.loadtxt(csv, delimiter=',', skiprows=1, ndmin=2)[:, :2].astype(int)
    wsi = openslide.OpenSlide(path)
    os.makedirs(outdir, exist_ok=True)
    size = 256
    if fmt == 'npy':
        arr = np.lib.format.open_memmap(os.path.join(outdir, 'patches.npy'), mode='w+', dtype=np.uint8,
                                        shape=(len(xy), size, size, 3))
        for i, (x, y) in enumerate(xy):
            arr[i] = np.asarray(wsi.read_region((int(x), int(y)), 0, (size, size)).convert('RGB'))
        arr.flush()
    else:
        ext = 'png' if fmt == 'png' else 'jpg'
        for x, y in xy:
            wsi.read_region((int(x), int(y)), 0, (size, size)).convert('RGB').save(os.path.join(outdir, '%d_%d.%s' % (x, y, ext)))
    print(len(xy))


if __name__ == '__main__':
    if sys.argv[1] == 'coords':
        coords(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7:])
    else:
        export(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
