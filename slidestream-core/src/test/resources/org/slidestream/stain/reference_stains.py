# Reference stain fitting and normalization in numpy (float64), written from the papers:
# Macenko et al. 2009, Reinhard et al. 2001 (in CIELAB), Vahadane et al. 2016, with the conventions
# documented for slidestream's implementation (OD = -ln(max(I,1)/Io); fit on pixels above beta in
# every channel; maxima over pixels above beta in any channel; H = larger red OD).
#
# usage: reference_stains.py fit IMAGE.png METHOD IO BETA ALPHA            -> JSON profile on stdout
#        reference_stains.py normalize SRC.png TARGET.png METHOD IO BETA ALPHA KEEP OUT.png
#        reference_stains.py patches SLIDE X Y W H OUT.png                  (OpenSlide read_region)
#        reference_stains.py apply SRC.png SOURCE.json TARGET.json METHOD KEEP OUT.png  (given profiles)
#        reference_stains.py regions SLIDE TIF SOURCE.json TARGET.json METHOD KEEP OUTDIR SIZE X,Y ...
#          (for each region: OUTDIR/in-X-Y.png from OpenSlide, ref-X-Y.png its numpy normalization,
#           tif-X-Y.png the same region of level 0 of TIF read by tifffile; TARGET.json may be '-':
#           the input is written unchanged as ref)
#        reference_stains.py batch JOBS.json                                -> JSON list of results
#          (jobs: ["fit", ...args] or ["normalize", ...args], the arguments of the commands above)
import json, sys
import numpy as np

LAMBDA, LAMBDA_C, ITERATIONS, MAX_DL = 0.1, 0.01, 100, 100000


def load(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert('RGB')).reshape(-1, 3)


def od_of(rgb, io):
    return -np.log(np.maximum(rgb.astype(np.float64), 1) / io)


def unit(v):
    v = v / np.linalg.norm(v)
    return -v if v.sum() < 0 else v


def tissue(rgb, io, beta):
    od = od_of(rgb, io)
    return od[(od > beta).any(axis=1)]


def macenko_stains(hat, alpha):
    w, v = np.linalg.eigh(np.cov(hat.T))
    e1, e2 = v[:, 2], v[:, 1]
    if e1.sum() < 0: e1 = -e1
    if e2.sum() < 0: e2 = -e2
    proj = hat @ np.stack([e1, e2], axis=1)
    phi = np.arctan2(proj[:, 1], proj[:, 0])
    lo, hi = np.percentile(phi, alpha), np.percentile(phi, 100 - alpha)
    vmin = e1 * np.cos(lo) + e2 * np.sin(lo)
    vmax = e1 * np.cos(hi) + e2 * np.sin(hi)
    h, e = (vmin, vmax) if vmin[0] > vmax[0] else (vmax, vmin)
    return np.stack([unit(h), unit(e)])


def lasso2(x, d, lam):
    """Exact non-negative lasso with two atoms for every row of x (n x 3); d is 2 x 3."""
    g = d @ d.T
    b = x @ d.T - lam
    det = g[0, 0] * g[1, 1] - g[0, 1] ** 2
    a1 = (g[1, 1] * b[:, 0] - g[0, 1] * b[:, 1]) / det
    a2 = (g[0, 0] * b[:, 1] - g[0, 1] * b[:, 0]) / det
    interior = (a1 >= 0) & (a2 >= 0)
    s1 = np.maximum(0, b[:, 0] / g[0, 0])
    s2 = np.maximum(0, b[:, 1] / g[1, 1])
    f1 = 0.5 * g[0, 0] * s1 ** 2 - b[:, 0] * s1
    f2 = 0.5 * g[1, 1] * s2 ** 2 - b[:, 1] * s2
    one = f1 <= f2
    c = np.where(one[:, None], np.stack([s1, np.zeros_like(s1)], 1), np.stack([np.zeros_like(s2), s2], 1))
    return np.where(interior[:, None], np.stack([a1, a2], 1), c)


def vahadane_stains(hat):
    step = max(1, -(-len(hat) // MAX_DL))
    v = hat[::step]
    d = np.stack([unit(np.array([0.650, 0.704, 0.286])), unit(np.array([0.072, 0.990, 0.105]))])
    for _ in range(ITERATIONS):
        c = lasso2(v, d, LAMBDA)
        a = c.T @ c
        bx = c.T @ v
        for j in range(2):
            if a[j, j] < 1e-12 * len(v):
                continue
            u = np.maximum(0, d[j] + (bx[j] - a[:, j] @ d) / a[j, j])
            d[j] = u / max(np.linalg.norm(u), 1)
    h, e = unit(d[0]), unit(d[1])
    return np.stack([h, e]) if h[0] >= e[0] else np.stack([e, h])


M = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb2lab(rgb):
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = lin @ M.T / WHITE
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def lab2rgb(lab):
    fy = (lab[:, 0] + 16) / 116
    f = np.stack([fy + lab[:, 1] / 500, fy, fy - lab[:, 2] / 200], 1)
    xyz = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * WHITE
    lin = xyz @ np.linalg.inv(M).T
    lin = np.clip(lin, 0, None)
    c = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(c * 255), 0, 255)


def fit(rgb, method, io, beta, alpha):
    t = tissue(rgb, io, beta)
    t_rgb = rgb[(od_of(rgb, io) > beta).any(axis=1)]
    lab = rgb2lab(t_rgb.astype(np.float64))
    prof = {'method': method, 'labMean': lab.mean(0).tolist(), 'labStd': lab.std(0).tolist(), 'pixels': len(t)}
    if method == 'reinhard':
        return prof
    hat = t[(t > beta).all(axis=1)]
    s = macenko_stains(hat, alpha) if method == 'macenko' else vahadane_stains(hat)
    c = t @ np.linalg.pinv(s) if method == 'macenko' else lasso2(t, s, LAMBDA_C)
    prof.update(hematoxylin=s[0].tolist(), eosin=s[1].tolist(), maxConcentrations=np.percentile(c, 99, axis=0).tolist())
    return prof


def normalize(src, tgt, method, io, beta, alpha, keep, ps=None, pt=None):
    ps = ps or fit(src, method, io, beta, alpha)
    pt = pt or fit(tgt, method, io, beta, alpha)
    if method == 'reinhard':
        lab = rgb2lab(src.astype(np.float64))
        moved = (lab - ps['labMean']) * (np.array(pt['labStd']) / ps['labStd']) + pt['labMean']
        w = np.clip(2 * od_of(src, io).max(axis=1) / beta - 1, 0, 1)[:, None]
        return lab2rgb(lab + w * (moved - lab))
    od = od_of(src, io)
    s = np.array([ps['hematoxylin'], ps['eosin']])
    r = np.array([pt['hematoxylin'], pt['eosin']])
    c = od @ np.linalg.pinv(s) if method == 'macenko' else lasso2(od, s, LAMBDA_C)
    out = (c * (np.array(pt['maxConcentrations']) / ps['maxConcentrations'])) @ r
    if keep:
        out += od - c @ s
    return np.clip(np.rint(io * np.exp(-out)), 0, 255)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'patches':
        import openslide
        from PIL import Image
        s = openslide.OpenSlide(sys.argv[2])
        x, y, w, h = map(int, sys.argv[3:7])
        s.read_region((x, y), 0, (w, h)).convert('RGB').save(sys.argv[7])
    elif cmd == 'batch':
        from PIL import Image
        results, images, fits = [], {}, {}

        def image(path):
            if path not in images: images[path] = load(path)
            return images[path]

        def fitted(path, method, io, beta, alpha):
            key = (path, method, io, beta, alpha)
            if key not in fits: fits[key] = fit(image(path), method, float(io), float(beta), float(alpha))
            return fits[key]

        for job in json.load(open(sys.argv[2])):
            if job[0] == 'fit':
                results.append(fitted(*job[1:6]))
            else:
                src, tgt, method, io, beta, alpha, keep, out = job[1:]
                im = Image.open(src)
                res = normalize(image(src), image(tgt), method, float(io), float(beta), float(alpha), keep == 'true',
                                fitted(src, method, io, beta, alpha), fitted(tgt, method, io, beta, alpha))
                Image.fromarray(res.reshape(im.size[1], im.size[0], 3).astype(np.uint8)).save(out)
                results.append(out)
        print(json.dumps(results))
    elif cmd == 'apply':
        from PIL import Image
        src, ps, pt, method, keep, out = sys.argv[2:8]
        ps, pt = json.load(open(ps)), json.load(open(pt))
        im = Image.open(src)
        res = normalize(load(src), None, method, pt['io'], pt['beta'], 1, keep == 'true', ps, pt)
        Image.fromarray(res.reshape(im.size[1], im.size[0], 3).astype(np.uint8)).save(out)
    elif cmd == 'regions':
        import openslide, tifffile
        from PIL import Image
        slide, tif, ps, pt, method, keep, outdir, size = sys.argv[2:10]
        size = int(size)
        ps = json.load(open(ps)) if ps != '-' else None
        pt = json.load(open(pt)) if pt != '-' else None
        level0 = tifffile.imread(tif, level=0)
        s = openslide.OpenSlide(slide)
        for xy in sys.argv[10:]:
            x, y = map(int, xy.split(','))
            rgb = np.asarray(s.read_region((x, y), 0, (size, size)).convert('RGB'))
            Image.fromarray(rgb).save(f'{outdir}/in-{x}-{y}.png')
            ref = rgb.reshape(-1, 3) if pt is None else normalize(rgb.reshape(-1, 3), None, method, pt['io'], pt['beta'], 1, keep == 'true', ps, pt)
            Image.fromarray(ref.reshape(size, size, 3).astype(np.uint8)).save(f'{outdir}/ref-{x}-{y}.png')
            Image.fromarray(level0[y:y + size, x:x + size]).save(f'{outdir}/tif-{x}-{y}.png')
    elif cmd == 'fit':
        print(json.dumps(fit(load(sys.argv[2]), sys.argv[3], *map(float, sys.argv[4:7]))))
    elif cmd == 'normalize':
        from PIL import Image
        src, tgt = sys.argv[2], sys.argv[3]
        method, io, beta, alpha, keep, out = sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), sys.argv[8] == 'true', sys.argv[9]
        im = Image.open(src)
        res = normalize(load(src), load(tgt), method, io, beta, alpha, keep)
        Image.fromarray(res.reshape(im.size[1], im.size[0], 3).astype(np.uint8)).save(out)
