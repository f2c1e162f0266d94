"""HTTP load for a Deep Zoom tile server: CLIENTS threads, each on its own keep-alive connection,
request random tiles of DZI_URL's image for SECONDS (after a warm-up of WARMUP seconds that is not
counted) and count the answers. A tile is drawn uniformly among all tiles of all levels (so mostly
full-resolution ones, as a user panning at high zoom asks for), from a per-client seeded generator:
both servers get the same sequence. Prints one line:
  tiles N seconds S tiles_per_s R failed F bytes B
Usage: load.py DZI_URL CLIENTS SECONDS WARMUP SEED"""
import http.client, random, re, sys, threading, time, urllib.parse, urllib.request

def layout(dzi_url):
    xml = urllib.request.urlopen(dzi_url).read().decode()
    size = int(re.search(r'TileSize="(\d+)"', xml).group(1))
    w = int(re.search(r'Width="(\d+)"', xml).group(1))
    h = int(re.search(r'Height="(\d+)"', xml).group(1))
    return grid_of(w, h, size)

def grid_of(w, h, size):
    """Columns and rows of every Deep Zoom level, level 0 (1 x 1 pixel) first."""
    levels, dims = [], (w, h)
    while True:
        levels.append(dims)
        if dims == (1, 1):
            break
        dims = (max(1, (dims[0] + 1) // 2), max(1, (dims[1] + 1) // 2))
    levels.reverse()  # level 0 is 1 x 1
    grid = [((lw + size - 1) // size, (lh + size - 1) // size) for lw, lh in levels]
    return grid

def picker(grid):
    """A function of a random generator giving (level, col, row), uniform over all tiles of all levels."""
    cumulative, acc = [], 0
    for c, r in grid:
        acc += c * r
        cumulative.append(acc)

    def pick(rng):
        i = rng.randrange(acc)
        level = next(l for l, c in enumerate(cumulative) if i < c)
        j = i - (cumulative[level - 1] if level else 0)
        return level, j % grid[level][0], j // grid[level][0]
    return pick

def main():
    dzi_url, clients, seconds, warmup, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    grid = layout(dzi_url)
    pick = picker(grid)
    u = urllib.parse.urlsplit(dzi_url)
    files = u.path[:-len('.dzi')] + '_files'
    start = time.time() + warmup
    end = start + seconds
    counts, failures, sizes = [0] * clients, [0] * clients, [0] * clients

    def tile(rng):
        return '%s/%d/%d_%d.jpeg' % ((files,) + pick(rng))

    def client(k):
        rng = random.Random(seed * 1000 + k)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        n = failed = nbytes = 0
        while True:
            now = time.time()
            if now >= end:
                break
            path = tile(rng)
            body = b''
            try:
                conn.request('GET', path)
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200 and body[:2] == b'\xff\xd8'
            except Exception:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            if now >= start:
                n += 1
                nbytes += len(body) if ok else 0
                failed += 0 if ok else 1
        counts[k], failures[k], sizes[k] = n, failed, nbytes
        conn.close()

    run_threads(clients, client)
    report(sum(counts), seconds, sum(failures), sum(sizes))

def run_threads(count, work):
    """Runs work(k) for k in 0..count-1, each in its own thread, and waits for all."""
    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

def report(tiles, seconds, failed, nbytes):
    print('tiles %d seconds %.1f tiles_per_s %.1f failed %d bytes %d' % (tiles, seconds, tiles / seconds, failed, nbytes))

if __name__ == '__main__':
    main()
