"""Random 256x256 level-0 read_region calls per second with OpenSlide, from 1 or more threads,
reading the same locations as ReaderBench.java (same 64-bit LCG and seeds).
Usage: reference.py SLIDE SECONDS THREADS"""
import sys, threading, time
import openslide

MASK = (1 << 64) - 1
SIZE = 256

def locations(seed, span_x, span_y):
    state = (0x9E3779B97F4A7C15 * (seed + 1)) & MASK
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        x = (state >> 16) % span_x
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        y = (state >> 16) % span_y
        yield x, y

def main():
    path, seconds, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    slide = openslide.OpenSlide(path)
    w, h = slide.dimensions
    span_x, span_y = max(1, w - SIZE), max(1, h - SIZE)
    end = time.time() + 2
    for x, y in locations(99, span_x, span_y):  # warm-up
        slide.read_region((x, y), 0, (SIZE, SIZE))
        if time.time() > end:
            break
    counts = [0] * threads
    deadline = time.time() + seconds

    def work(t):
        n = 0
        for x, y in locations(t, span_x, span_y):
            if time.time() >= deadline:
                break
            slide.read_region((x, y), 0, (SIZE, SIZE))
            n += 1
        counts[t] = n

    t0 = time.time()
    ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()
    s = time.time() - t0
    print("%s openslide %d %.1f" % (path.split("/")[-1], threads, sum(counts) / s))

main()
