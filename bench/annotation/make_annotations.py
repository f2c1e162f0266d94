"""Writes the benchmark's annotations: QuPath GeoJSON for a SIZE x SIZE slide, made from a real
annotation file (a tissue outline with holes, a tumour, a necrosis rectangle) scaled by SCALE and
tiled across the slide, plus ISLETS small tumour islets (copies of the tumour outline, shrunk) per
tile at seeded random places. Coordinates are level-0 pixels.

usage: make_annotations.py SOURCE.geojson SOURCE_W SOURCE_H SIZE SCALE ISLETS OUT.geojson [FACTOR]
FACTOR (default 1) multiplies every coordinate afterwards: the same annotations for a smaller
slide (the Python reference runs at a size whose whole mask fits in memory)."""
import json, random, sys

src, sw, sh, size, scale, islets, out = sys.argv[1:8]
factor = float(sys.argv[8]) if len(sys.argv) > 8 else 1.0
sw, sh, size, scale, islets = int(sw), int(sh), int(size), float(scale), int(islets)
feats = json.load(open(src))['features']
tumor = next(f for f in feats if f['properties']['classification']['name'] == 'Tumor')
t_ring = tumor['geometry']['coordinates'][0]
tx0 = min(p[0] for p in t_ring); ty0 = min(p[1] for p in t_ring)
tx1 = max(p[0] for p in t_ring); ty1 = max(p[1] for p in t_ring)
rnd = random.Random(1)
cw, ch = sw * scale, sh * scale
out_feats = []

def feature(cls, rings):
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": rings},
            "properties": {"objectType": "annotation", "classification": {"name": cls}}}

def place(rings, ox, oy, s):
    return [[[round((ox + x * s) * factor, 3), round((oy + y * s) * factor, 3)] for x, y in r] for r in rings]

ny, nx = int(size // ch) + 1, int(size // cw) + 1
for j in range(ny):
    for i in range(nx):
        ox, oy = i * cw, j * ch
        if ox >= size or oy >= size:
            continue
        for f in feats:
            out_feats.append(feature(f['properties']['classification']['name'], place(f['geometry']['coordinates'], ox, oy, scale)))
        for _ in range(islets):
            s = scale * rnd.uniform(0.03, 0.12)
            x = ox + rnd.uniform(0, cw - (tx1 - tx0) * s) - tx0 * s
            y = oy + rnd.uniform(0, ch - (ty1 - ty0) * s) - ty0 * s
            out_feats.append(feature('Tumor', place([t_ring], x, y, s)))
with open(out, 'w') as fh:
    json.dump({"type": "FeatureCollection", "features": out_feats}, fh, separators=(',', ':'))
print(len(out_feats), "annotations,", sum(sum(len(r) for r in f['geometry']['coordinates']) for f in out_feats), "vertices,",
      sum(len(f['geometry']['coordinates']) for f in out_feats), "rings")
