"""Median true registration error (level-0 pixels) of each round in a transforms.json against the
synthetic rounds' truth.json: for reference points on a grid, map them to the round with the
estimated transform and back with the true one; the distance to the start is the error."""
import json
import math
import sys

truth = json.load(open(sys.argv[1]))
est = json.load(open(sys.argv[2]))
w, h = truth["width"], truth["height"]
true_by_name = {r["name"]: r for r in truth["rounds"]}


def displacement(d, x, y):
    s, cols, rows = d["spacing"], d["cols"], d["rows"]
    gx = min(max(x / s, 0), cols - 1)
    gy = min(max(y / s, 0), rows - 1)
    i, j = min(int(gx), max(cols - 2, 0)), min(int(gy), max(rows - 2, 0))
    fx, fy = (gx - i if cols > 1 else 0), (gy - j if rows > 1 else 0)
    i1, j1 = min(i + 1, cols - 1), min(j + 1, rows - 1)
    out = []
    for v in (d["dx"], d["dy"]):
        out.append((1 - fx) * (1 - fy) * v[j * cols + i] + fx * (1 - fy) * v[j * cols + i1]
                   + (1 - fx) * fy * v[j1 * cols + i] + fx * fy * v[j1 * cols + i1])
    return out


def to_reference(t, x, y):
    a = math.radians(t["rotation"])
    c, s = math.cos(a), math.sin(a)
    dx, dy = x - t["centreX"], y - t["centreY"]
    k = 2 * math.pi / t["wavelength"]
    return (c * dx - s * dy + t["centreX"] + t["tx"] + t["deformation"] * math.sin(k * y + t["phaseX"]),
            s * dx + c * dy + t["centreY"] + t["ty"] + t["deformation"] * math.sin(k * x + t["phaseY"]))


for r in est["rounds"]:
    if "affine" not in r:
        print(f"  {r['name']}: {r.get('status')} ({r.get('reason', '')})")
        continue
    t = true_by_name[r["name"]]
    m = r["affine"]
    errs = []
    for j in range(20):
        for i in range(20):
            x, y = (i + 0.5) * w / 20, (j + 0.5) * h / 20
            px, py = x, y
            if "displacement" in r:
                d = displacement(r["displacement"], x, y)
                px, py = x + d[0], y + d[1]
            mx = m[0][0] * px + m[0][1] * py + m[0][2]
            my = m[1][0] * px + m[1][1] * py + m[1][2]
            if not (0 <= mx < w and 0 <= my < h):
                continue
            rx, ry = to_reference(t, mx, my)
            errs.append(math.hypot(rx - x, ry - y))
    errs.sort()
    print(f"  {r['name']}: true median error {errs[len(errs) // 2]:.3f} px over {len(errs)} grid points")
