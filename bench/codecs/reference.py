"""Reference rates for bench/codecs/run.sh: PIL (libjpeg-turbo, OpenJPEG) on the same tile bytes.

Usage: /usr/bin/python3 reference.py TILE_DIR SECONDS
Prints "format op PIL tiles/s" lines, one thread (PIL releases the GIL while decoding, but one
Python thread is how a pipeline calls it).
"""
import glob
import io
import sys
import time

from PIL import Image


def rate(seconds, items, op):
    def run(limit):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < limit:
            op(items[n % len(items)])
            n += 1
        return n / (time.perf_counter() - start)
    run(seconds / 3)
    return run(seconds)


def decode(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def encode(im):
    im.save(io.BytesIO(), "JPEG", quality=90, subsampling=2)


def main():
    d, seconds = sys.argv[1], float(sys.argv[2])
    jpeg = [open(p, "rb").read() for p in sorted(glob.glob(d + "/merged/*.jpg"))]
    j2k = [open(p, "rb").read() for p in sorted(glob.glob(d + "/j2k/*.tile"))]
    images = [decode(b) for b in jpeg]
    print("jpeg decode PIL %.1f" % rate(seconds, jpeg, decode))
    print("jpeg encode PIL %.1f" % rate(seconds, images, encode))
    print("jpeg2000 decode PIL %.1f" % rate(seconds, j2k, decode))


main()
