# Writes a 3DHISTECH MIRAX slide (NAME.mrxs + NAME/Slidedat.ini, Index.dat, Data000N.dat) from a region
# of a real slide, laid out as the scanner does: camera photos of DIV x DIV images, placed at stored
# positions (VIMSLIDE_POSITION_BUFFER) that overlap their neighbours by OVERLAP pixels and wander by a
# few pixels; each photo has its own exposure (a small brightness offset), so an overlap shows which
# photo a reader drew on top. Level k concatenates 2 x 2 images of level k-1 downsampled by 2. Levels
# are stored as JPEG (0, 1), PNG (2) and 24-bit BMP (3), split over two data files, level 0's index
# records over several pages; macro, label and thumbnail as JPEG non-hierarchical records.
#   mirax_writer.py SOURCE_SLIDE OUT_DIR NAME [PHOTOS_X PHOTOS_Y]
import io, os, struct, sys, zlib
import numpy as np
import openslide
from PIL import Image

src, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
PX = int(sys.argv[4]) if len(sys.argv) > 4 else 3
PY = int(sys.argv[5]) if len(sys.argv) > 5 else 4
DIV, IMG, OVERLAP, LEVELS = 2, 128, 24, 4
PHOTO = DIV * IMG
SLIDE_ID = 'b7c1a9f0-2d3e-4c5b-8a69-0f1e2d3c4b5a'
FORMATS = ['JPEG', 'JPEG', 'PNG', 'BMP24']
rng = np.random.default_rng(7)

# positions: nominal grid minus the overlap, moved by multiples of 2^(LEVELS-1) so that every level
# places images on whole pixels
step = 2 ** (LEVELS - 1)
positions = {}
for py in range(PY):
    for px in range(PX):
        jx, jy = (rng.integers(0, 3, 2) * step) if (px, py) != (0, 0) else (0, 0)
        positions[(px, py)] = (px * (PHOTO - OVERLAP) + int(jx), py * (PHOTO - OVERLAP) + int(jy))
cw = max(x for x, _ in positions.values()) + PHOTO
ch = max(y for _, y in positions.values()) + PHOTO
s = openslide.OpenSlide(src)
canvas = np.asarray(s.read_region((300, 200), 0, (cw, ch)).convert('RGB')).astype(np.int16)

# level 0 images: photo (px, py) is split into DIV x DIV images; image index = y * images_x + x
images_x, images_y = PX * DIV, PY * DIV
level_images = [{}]
for (px, py), (x0, y0) in positions.items():
    tint = int((px * 7 + py * 3) % 5) * 3 - 6  # the photo's exposure
    photo = np.clip(canvas[y0:y0 + PHOTO, x0:x0 + PHOTO] + tint, 0, 255).astype(np.uint8)
    for dy in range(DIV):
        for dx in range(DIV):
            level_images[0][(px * DIV + dx, py * DIV + dy)] = photo[dy * IMG:(dy + 1) * IMG, dx * IMG:(dx + 1) * IMG]
white = np.full((IMG, IMG, 3), 255, np.uint8)
for k in range(1, LEVELS):
    prev, cur, span = level_images[k - 1], {}, 2 ** (k - 1)
    for y in range(0, images_y, 2 * span):
        for x in range(0, images_x, 2 * span):
            quad = [[prev.get((x + i * span, y + j * span), white) for i in range(2)] for j in range(2)]
            if all(prev.get((x + i * span, y + j * span)) is None for i in range(2) for j in range(2)):
                continue
            big = \
                np.concatenate([np.concatenate(quad[0], 1), np.concatenate(quad[1], 1)], 0)
            small = big.reshape(IMG, 2, IMG, 2, 3).astype(np.uint16).mean(axis=(1, 3)).round().astype(np.uint8)
            cur[(x, y)] = small
    level_images.append(cur)


def encode(a, fmt):
    b = io.BytesIO()
    if fmt == 'JPEG':
        Image.fromarray(a).save(b, 'JPEG', quality=90)
    elif fmt == 'PNG':
        Image.fromarray(a).save(b, 'PNG')
    else:
        Image.fromarray(a).save(b, 'BMP')
    return b.getvalue()


d = os.path.join(out, name)
os.makedirs(d, exist_ok=True)
open(os.path.join(out, name + '.mrxs'), 'wb').write(b'')  # the .mrxs itself holds nothing OpenSlide reads
header = b'01.02' + SLIDE_ID.encode()
data = [bytearray(header), bytearray(header)]


def store(blob, fileno):
    off = len(data[fileno])
    data[fileno] += blob
    return off, len(blob), fileno


records = []  # per level: (image_index, offset, length, fileno)
for k in range(LEVELS):
    recs = []
    for (x, y), a in sorted(level_images[k].items(), key=lambda t: (t[0][1], t[0][0])):
        off, ln, fno = store(encode(a, FORMATS[k]), 0 if k < 2 else 1)
        recs.append((y * images_x + x, off, ln, fno))
    records.append(recs)

# non-hierarchical records: positions (9 bytes each: flag, x, y), macro, label, thumbnail
pos = bytearray()
for py in range(PY):
    for px in range(PX):
        x, y = positions[(px, py)]
        pos += struct.pack('<bii', 1, x, y)
macro = np.asarray(s.get_thumbnail((300, 120)).convert('RGB'))
label = np.full((80, 120, 3), 230, np.uint8)
label[20:60, 20:100] = (30, 60, 200)
thumb = np.asarray(Image.fromarray(canvas.clip(0, 255).astype(np.uint8)).resize((cw // 8, ch // 8)))
nonhier = [store(bytes(pos), 1), store(encode(macro, 'JPEG'), 1), store(encode(label, 'JPEG'), 1), store(encode(thumb, 'JPEG'), 1)]

# Index.dat: version, slide id, then the roots of the hierarchical and non-hierarchical tables
idx = bytearray(header)
idx += b'\0' * 8
def i32(v): return struct.pack('<i', v)
def put_at(p, v): idx[p:p + 4] = i32(v)
hier_table = len(idx); idx += b'\0' * 4 * LEVELS
nonhier_table = len(idx); idx += b'\0' * 4 * len(nonhier)
put_at(len(header), hier_table)
put_at(len(header) + 4, nonhier_table)
PAGE = 7  # records per page: level 0 spans several linked pages
for k, recs in enumerate(records):
    head = len(idx); idx += i32(0) + i32(0)
    put_at(hier_table + 4 * k, head)
    pages = [recs[i:i + PAGE] for i in range(0, len(recs), PAGE)] or [[]]
    prev_next = head + 4
    for pg in pages:
        start = len(idx)
        put_at(prev_next, start)
        idx += i32(len(pg)) + i32(0)
        prev_next = start + 4
        for r in pg:
            idx += b''.join(i32(v) for v in r)
    put_at(prev_next, 0)
    # the first pointer of a list is its first page; the last page's "next" is 0
for n, (off, ln, fno) in enumerate(nonhier):
    head = len(idx); idx += i32(0) + i32(head + 8)
    put_at(nonhier_table + 4 * n, head)
    idx += i32(1) + i32(0) + i32(0) + i32(0) + i32(off) + i32(ln) + i32(fno)
open(os.path.join(d, 'Index.dat'), 'wb').write(idx)
for i, b in enumerate(data):
    open(os.path.join(d, 'Data%04d.dat' % i), 'wb').write(b)

ini = ['[GENERAL]', 'SLIDE_VERSION=01.02', 'SLIDE_ID=' + SLIDE_ID, 'SLIDE_NAME=' + name,
       'IMAGENUMBER_X=%d' % images_x, 'IMAGENUMBER_Y=%d' % images_y, 'OBJECTIVE_MAGNIFICATION=20',
       'CameraImageDivisionsPerSide=%d' % DIV, 'SLIDE_CREATIONDATETIME=20240101120000', '',
       '[HIERARCHICAL]', 'HIER_COUNT=1', 'HIER_0_NAME=Slide zoom level', 'HIER_0_COUNT=%d' % LEVELS]
for k in range(LEVELS):
    ini += ['HIER_0_VAL_%d=ZoomLevel_%d' % (k, k), 'HIER_0_VAL_%d_SECTION=LAYER_0_LEVEL_%d_SECTION' % (k, k)]
ini += ['NONHIER_COUNT=2', 'NONHIER_0_NAME=VIMSLIDE_POSITION_BUFFER', 'NONHIER_0_COUNT=1',
        'NONHIER_0_VAL_0=default', 'NONHIER_0_VAL_0_SECTION=NONHIERLAYER_0_SECTION',
        'NONHIER_1_NAME=Scan data layer', 'NONHIER_1_COUNT=3',
        'NONHIER_1_VAL_0=ScanDataLayer_SlideThumbnail', 'NONHIER_1_VAL_0_SECTION=NONHIERLAYER_1_LEVEL_0_SECTION',
        'NONHIER_1_VAL_1=ScanDataLayer_SlideBarcode', 'NONHIER_1_VAL_1_SECTION=NONHIERLAYER_1_LEVEL_1_SECTION',
        'NONHIER_1_VAL_2=ScanDataLayer_SlidePreview', 'NONHIER_1_VAL_2_SECTION=NONHIERLAYER_1_LEVEL_2_SECTION',
        'INDEXFILE=Index.dat', '', '[DATAFILE]', 'FILE_COUNT=2', 'FILE_0=Data0000.dat', 'FILE_1=Data0001.dat', '']
for k in range(LEVELS):
    ini += ['[LAYER_0_LEVEL_%d_SECTION]' % k, 'OVERLAP_X=%d' % (OVERLAP >> k if k else OVERLAP),
            'OVERLAP_Y=%d' % (OVERLAP >> k if k else OVERLAP),
            'MICROMETER_PER_PIXEL_X=%g' % (0.499 * 2 ** k), 'MICROMETER_PER_PIXEL_Y=%g' % (0.499 * 2 ** k),
            'IMAGE_FORMAT=%s' % FORMATS[k], 'IMAGE_FILL_COLOR_BGR=16777215',
            'DIGITIZER_WIDTH=%d' % IMG, 'DIGITIZER_HEIGHT=%d' % IMG, 'IMAGE_CONCAT_FACTOR=%d' % (0 if k == 0 else 1), '']
ini += ['[NONHIERLAYER_0_SECTION]', 'VIMSLIDE_POSITION_DATA_FORMAT_VERSION=1', '',
        '[NONHIERLAYER_1_LEVEL_0_SECTION]', 'THUMBNAIL_IMAGE_TYPE=JPEG', '',
        '[NONHIERLAYER_1_LEVEL_1_SECTION]', 'BARCODE_IMAGE_TYPE=JPEG', '',
        '[NONHIERLAYER_1_LEVEL_2_SECTION]', 'PREVIEW_IMAGE_TYPE=JPEG', '']
open(os.path.join(d, 'Slidedat.ini'), 'w', encoding='utf-8-sig').write('\r\n'.join(ini))
print(cw, ch)
