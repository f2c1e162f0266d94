"""The reference tile server: OpenSlide's DeepZoomGenerator behind Python's threading HTTP server,
as OpenSlide's deepzoom_server.py serves tiles (get_tile, then JPEG at quality 75), with the
viewer's layout (254 px tiles, overlap 1, limit_bounds=False; on these slides limit_bounds changes
nothing). Addresses as the viewer's: /dzi/ID.dzi and /dzi/ID_files/LEVEL/COL_ROW.jpeg.
Prints 'listening PORT' once ready.
Usage: reference.py serve SLIDE TILE_SIZE
       reference.py direct SLIDE TILE_SIZE CLIENTS SECONDS WARMUP SEED
The second calls get_tile and encodes the JPEG in CLIENTS threads without HTTP, for the same tiles
load.py asks for, and prints a line as load.py does: OpenSlide's rate with no server around it."""
import io, os, random, re, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import openslide
from openslide.deepzoom import DeepZoomGenerator
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load

mode, path, tile_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
slide = openslide.OpenSlide(path)
dz = DeepZoomGenerator(slide, tile_size=tile_size, overlap=1, limit_bounds=False)
ID = os.path.splitext(os.path.basename(path))[0]
TILE = re.compile(r'^/dzi/%s_files/(\d+)/(\d+)_(\d+)\.jpeg$' % re.escape(ID))

class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def answer(self, status, kind, body):
        self.send_response(status)
        self.send_header('Content-Type', kind)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == '/dzi/%s.dzi' % ID:
            return self.answer(200, 'application/xml', dz.get_dzi('jpeg').encode())
        m = TILE.match(self.path)
        if not m:
            return self.answer(404, 'text/plain', b'not found\n')
        try:
            body = jpeg(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return self.answer(404, 'text/plain', b'no such tile\n')
        self.answer(200, 'image/jpeg', body)

    def log_message(self, *args):
        pass

def jpeg(level, col, row):
    buf = io.BytesIO()
    dz.get_tile(level, (col, row)).save(buf, 'jpeg', quality=75)
    return buf.getvalue()

def direct(clients, seconds, warmup, seed):
    w, h = slide.dimensions
    pick = load.picker(load.grid_of(w, h, tile_size))
    start = time.time() + warmup
    end = start + seconds
    counts, sizes = [0] * clients, [0] * clients

    def work(k):
        rng = random.Random(seed * 1000 + k)
        while True:
            now = time.time()
            if now >= end:
                break
            body = jpeg(*pick(rng))
            if now >= start:
                counts[k] += 1
                sizes[k] += len(body)
    load.run_threads(clients, work)
    load.report(sum(counts), seconds, 0, sum(sizes))

if mode == 'direct':
    direct(int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]))
    sys.exit(0)
server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
server.daemon_threads = True
print('listening %d' % server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
