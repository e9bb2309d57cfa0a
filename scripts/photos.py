#!/usr/bin/env python3
"""Regenerates assets/photos.dct, the built-in photographs, from scikit-image's wheel.

    pip download scikit-image==0.26.0 --no-deps -d /tmp/skimage
    python3 scripts/photos.py /tmp/skimage/scikit_image-0.26.0-*.whl   # needs numpy, pillow

Only photographs whose docstring in skimage/data/_fetchers.py says public domain or CC0 are
taken (the list and each licence are in src/data/photos.rs and the README). Each is turned grey
(Rec. 601 luma, as uploads are), shrunk by box averaging so its short side is 256 px, cropped
to at most 320 px on the long side, and coded as JPEG's transform and quantisation without
JPEG's entropy coder: 8×8 orthonormal DCT, one quantiser table, coefficients stored plane by
plane (all blocks' coefficient k together, zigzag order) as zigzag LEB128 varints, a run of
zeros as 0 and the run's length − 1. The page's gzip then does the entropy coding; the Rust
decoder (src/data/dct.rs) is one short function and needs no crate.
"""

import gzip
import io
import sys
import zipfile

import numpy as np
from PIL import Image

# (file in skimage/data, licence as its docstring states it); order = order in the asset
PHOTOS = [
    ("camera.png", "CC0 (Lav Varshney)"),
    ("astronaut.png", "public domain (NASA)"),
    ("brick.png", "CC0 (CC0Textures)"),
    ("grass.png", "CC0 (linolafett, DeviantArt)"),
    ("chelsea.png", "CC0 (Stéfan van der Walt)"),
    ("coffee.png", "CC0 (Rachel Michetti)"),
    ("rocket.jpg", "public domain (SpaceX)"),
]
SHORT, LONG = 256, 320
# JPEG's luminance table (ITU T.81 Annex K), scaled like libjpeg's quality setting
JPEG_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]).reshape(8, 8)
QUALITY = int(sys.argv[2]) if len(sys.argv) > 2 else 40


def quant_table(q):
    s = 5000 / q if q < 50 else 200 - 2 * q
    return np.clip((JPEG_LUMA * s + 50) // 100, 1, 255).astype(np.int64)


def zigzag_order():
    idx = sorted(((u, v) for u in range(8) for v in range(8)), key=lambda t: (t[0] + t[1], t[1] if (t[0] + t[1]) % 2 else t[0]))
    return [u * 8 + v for u, v in idx]


def dct_matrix():
    c = np.array([[np.cos((2 * x + 1) * u * np.pi / 16) for x in range(8)] for u in range(8)])
    c[0] *= np.sqrt(1 / 8)
    c[1:] *= np.sqrt(2 / 8)
    return c


def grey(data):
    img = Image.open(io.BytesIO(data)).convert("RGB")
    rgb = np.asarray(img, dtype=np.float64)
    luma = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    h, w = luma.shape
    k = min(h, w) / SHORT
    nw, nh = round(w / k), round(h / k)
    small = np.asarray(Image.fromarray(luma.astype(np.float32), "F").resize((nw, nh), Image.BOX), dtype=np.float64)
    cw, ch = min(nw, LONG) // 8 * 8, min(nh, LONG) // 8 * 8
    x0, y0 = (nw - cw) // 2, (nh - ch) // 2
    return small[y0:y0 + ch, x0:x0 + cw]


def zigzag(v):
    """0, -1, 1, -2, 2 → 0, 1, 2, 3, 4: small magnitudes of either sign take one byte."""
    return 2 * v if v >= 0 else -2 * v - 1


def uvarint(u, out):
    """LEB128: seven bits per byte, high bit set on all but the last."""
    while True:
        b = u & 0x7F
        u >>= 7
        out.append(b | (0x80 if u else 0))
        if not u:
            return


def code(px, q, zz, c):
    """Quantised coefficients (blocks × 64, zigzag order) and the image they decode to."""
    h, w = px.shape
    blocks = (px - 128).reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
    coef = np.einsum("ux,abxy,vy->abuv", c, blocks, c)
    qc = np.rint(coef / q).astype(np.int64)
    rec = np.einsum("ux,abuv,vy->abxy", c, qc * q, c).transpose(0, 2, 1, 3).reshape(h, w) + 128
    return qc.reshape(-1, 64)[:, zz], rec


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    q, zz, c = quant_table(QUALITY), zigzag_order(), dct_matrix()
    out = bytearray(b"SAEP\x01")
    out.append(len(PHOTOS))
    out += bytes(q.reshape(64)[zz].tolist())
    for name, _ in PHOTOS:
        px = grey(wheel.read("skimage/data/" + name))
        h, w = px.shape
        qc, rec = code(px, q, zz, c)
        stem = name.split(".")[0].encode()
        out.append(len(stem))
        out += stem
        out += w.to_bytes(2, "little") + h.to_bytes(2, "little")
        run = 0  # a run of zeros is one 0 and its length − 1: most high frequencies are zero
        for v in qc.T.reshape(-1):
            if v == 0:
                run += 1
                continue
            if run:
                uvarint(0, out)
                uvarint(run - 1, out)
                run = 0
            uvarint(zigzag(int(v)), out)
        if run:
            uvarint(0, out)
            uvarint(run - 1, out)
        err = rec - px
        print(f"{name:14} {w}×{h}  rms error {np.sqrt((err ** 2).mean()):.2f} grey levels  decoded mean {rec.mean():.4f}")
    with open("assets/photos.dct", "wb") as f:
        f.write(out)
    print(f"assets/photos.dct: {len(out)} bytes, gzip -9 {len(gzip.compress(bytes(out), 9))} bytes (quality {QUALITY})")


if __name__ == "__main__":
    main()
