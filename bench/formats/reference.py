"""Python references for bench/formats/run.sh: the same work with h5py, numpy and Pillow."""
import os, sys, time
import numpy as np


def patches(slide, n, size, out):
    """N level-0 patches of a real slide (OpenSlide), tiled over it, saved as one .npy for both sides."""
    import openslide
    s = openslide.OpenSlide(slide)
    w, h = s.dimensions
    xs, ys = range(0, w - size, size), range(0, h - size, size)
    grid = [(x, y) for y in ys for x in xs]
    stack = np.stack([np.asarray(s.read_region(grid[i % len(grid)], 0, (size, size)).convert('RGB')) for i in range(n)])
    np.save(out, stack)


def h5(rows, dim, batch, out):
    import h5py
    t0 = time.time()
    buf = np.empty((batch, dim), np.float32)
    with h5py.File(out, 'w') as f:
        d = f.create_dataset('features', shape=(0, dim), maxshape=(None, dim), dtype=np.float32, chunks=True)
        for r in range(0, rows, batch):
            k = min(batch, rows - r)
            buf[:k] = (r + np.arange(k)[:, None]) * 0.001 + np.arange(dim)[None, :]
            d.resize(r + k, axis=0)
            d[r:r + k] = buf[:k]
    s = time.time() - t0
    print(f"h5py: {rows} x {dim} float32 in batches of {batch}: {s:.2f} s, {rows * dim * 4 / 1e6 / s:.0f} MB/s")


def npy(src, n, out):
    """The usual Python way: collect patches in a list, stack, save (memory grows with N)."""
    a = np.load(src)
    t0 = time.time()
    items = [a[i % len(a)].copy() for i in range(n)]  # each patch its own array, as read_region gives them
    np.save(out, np.stack(items))
    s = time.time() - t0
    print(f"numpy npy: {n} patches stacked and saved: {s:.2f} s, {n / s:.0f} patches/s")


def png(src, n, out_dir):
    from PIL import Image
    a = np.load(src)
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    size = 0
    for i in range(n):
        f = os.path.join(out_dir, f"p{i}.png")
        Image.fromarray(a[i % len(a)]).save(f)
        size += os.path.getsize(f)
    s = time.time() - t0
    print(f"Pillow png (level 6 default), 1 process: {n} patches in {s:.2f} s, {n / s:.0f} patches/s, {size / 1024 / n:.0f} KB/patch")


if __name__ == '__main__':
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == 'patches': patches(args[0], int(args[1]), int(args[2]), args[3])
    elif mode == 'h5': h5(int(args[0]), int(args[1]), int(args[2]), args[3])
    elif mode == 'npy': npy(args[0], int(args[1]), args[2])
    elif mode == 'png': png(args[0], int(args[1]), args[2])
