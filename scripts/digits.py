#!/usr/bin/env python3
"""Regenerates assets/digits.bin, the built-in handwritten digits, from scikit-learn's wheel.

    pip download scikit-learn==1.7.2 --no-deps --only-binary=:all: -d /tmp/sklearn
    python3 scripts/digits.py /tmp/sklearn/scikit_learn-1.7.2-*.whl

sklearn/datasets/data/digits.csv.gz is the test set of UCI's "Optical Recognition of
Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998; UCI Machine Learning Repository, CC BY 4.0):
1 797 images of 8x8 pixels, each pixel the count of set pixels in a 4x4 block of a 32x32
bitmap (0..16), and the digit (0..9). The asset keeps the CSV's order, one record of 65 bytes
per image: the digit, then the 64 pixels row by row. The page's gzip compresses it.
"""

import gzip
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as wheel:
    text = gzip.decompress(wheel.read("sklearn/datasets/data/digits.csv.gz")).decode()
out = bytearray()
for line in text.split("\n"):
    if not line.strip():
        continue
    values = [int(v) for v in line.split(",")]
    assert len(values) == 65 and all(0 <= v <= 16 for v in values[:64]) and 0 <= values[64] <= 9, line
    out.append(values[64])
    out.extend(values[:64])
assert len(out) == 1797 * 65, len(out)
with open("assets/digits.bin", "wb") as f:
    f.write(out)
print(f"assets/digits.bin: {len(out)} bytes, {len(out) // 65} digits")
