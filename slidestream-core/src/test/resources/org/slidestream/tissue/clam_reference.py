"""CLAM's tissue segmentation (WholeSlideImage.segmentTissue and _filter_contours of
create_patches_fp.py) with OpenCV, on a PNG of the segmentation level.

usage: clam_reference.py IMAGE.png SCALE_X SCALE_Y STHRESH MTHRESH CLOSE A_T A_H MAX_N_HOLES OUT_PREFIX
writes OUT_PREFIX_binary.png (threshold + closing), OUT_PREFIX_mask.png (kept contours minus the
inside of kept holes) and prints the kept contour count and their areas."""
import sys
import cv2
import numpy as np

img_path, sx, sy, sthresh, mthresh, close, a_t, a_h, max_n_holes, out = sys.argv[1:]
sx, sy, a_t, a_h = float(sx), float(sy), float(a_t), float(a_h)
sthresh, mthresh, close, max_n_holes = int(sthresh), int(mthresh), int(close), int(max_n_holes)

img = cv2.cvtColor(cv2.imread(img_path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
img_hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
img_med = cv2.medianBlur(img_hsv[:, :, 1], mthresh)
if sthresh < 0:
    _, img_bin = cv2.threshold(img_med, 0, 255, cv2.THRESH_OTSU + cv2.THRESH_BINARY)
else:
    _, img_bin = cv2.threshold(img_med, sthresh, 255, cv2.THRESH_BINARY)
if close > 0:
    kernel = np.ones((close, close), np.uint8)
    img_bin = cv2.morphologyEx(img_bin, cv2.MORPH_CLOSE, kernel)
cv2.imwrite(out + "_binary.png", img_bin)

scaled_ref_patch_area = int(512 ** 2 / (sx * sy))
a_t *= scaled_ref_patch_area
a_h *= scaled_ref_patch_area

contours, hierarchy = cv2.findContours(img_bin, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
mask = np.zeros(img_bin.shape, np.uint8)
kept = []
if hierarchy is not None:
    hierarchy = np.squeeze(hierarchy, axis=(0,))[:, 2:]
    for cont_idx in np.flatnonzero(hierarchy[:, 1] == -1):
        cont = contours[cont_idx]
        holes = np.flatnonzero(hierarchy[:, 1] == cont_idx)
        a = cv2.contourArea(cont) - np.array([cv2.contourArea(contours[h]) for h in holes]).sum()
        if a == 0 or not (a_t < a):
            continue
        hole_list = sorted([contours[h] for h in holes], key=cv2.contourArea, reverse=True)[:max_n_holes]
        hole_list = [h for h in hole_list if cv2.contourArea(h) > a_h]
        m = np.zeros(img_bin.shape, np.uint8)
        cv2.drawContours(m, [cont], -1, 1, -1)
        for h in hole_list:
            cv2.drawContours(m, [h], -1, 0, -1)
            cv2.drawContours(m, [h], -1, 1, 1)
        mask |= m
        kept.append((a, len(hole_list)))
cv2.imwrite(out + "_mask.png", mask * 255)
print(len(kept))
for a, nh in kept:
    print("%.1f %d" % (a, nh))
