"""Writes the level-0 tiles of an SVS slide as files, for bench/codecs/run.sh.

Usage: /usr/bin/python3 dump_tiles.py SLIDE OUT_DIR
JPEG slides also get OUT_DIR/tables.bin (the JPEGTables tag).
"""
import os
import sys

import tifffile

slide, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with tifffile.TiffFile(slide) as t, open(slide, "rb") as f:
    page = t.pages[0]
    if page.jpegtables:
        open(os.path.join(out, "tables.bin"), "wb").write(page.jpegtables)
    for i, (offset, length) in enumerate(zip(page.dataoffsets, page.databytecounts)):
        f.seek(offset)
        open(os.path.join(out, "%04d.tile" % i), "wb").write(f.read(length))
