//! Decoder for the built-in photographs' file, `assets/photos.dct` (written by
//! `scripts/photos.py`): JPEG's 8×8 DCT and quantiser without JPEG's entropy coder, which the
//! page's gzip stands in for: one short function instead of a JPEG crate in the page.
//!
//! Layout: `SAEP`, version 1, the image count, 64 quantiser steps (zigzag order); per image
//! its name (a length byte, then UTF-8), width and height (u16 little-endian, multiples of 8),
//! then the quantised coefficients plane by plane (coefficient k of every block in raster
//! order, k in zigzag order, so the mostly-zero high frequencies sit together) as zigzag
//! LEB128 varints, where a 0 is a run of zeros and is followed by the run's length − 1.

use super::image::Image;

/// The pictures in `bytes`, each with its name, grey values in about [0, 1]; or why not.
pub fn decode(bytes: &[u8]) -> Result<Vec<(String, Image)>, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(5)? != b"SAEP\x01" {
        return Err("The photographs' file does not start with SAEP version 1.".into());
    }
    let count = r.byte()? as usize;
    let steps = r.take(64)?.to_vec();
    let zz = zigzag();
    let basis = basis();
    (0..count)
        .map(|_| {
            let len = r.byte()? as usize;
            let name = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| "A photograph's name is not UTF-8.")?;
            let (w, h) = (r.u16()? as usize, r.u16()? as usize);
            if w == 0 || h == 0 || w % 8 != 0 || h % 8 != 0 {
                return Err(format!("“{name}” is {w}×{h}, not a whole number of 8×8 blocks."));
            }
            let blocks = (w / 8) * (h / 8);
            // coefficients block by block, each block's 64 in natural (row-major) order
            let mut coef = vec![0.0f32; blocks * 64];
            let (mut k, mut b, mut zeros) = (0usize, 0usize, 0u64);
            while k < 64 {
                let v = if zeros > 0 {
                    zeros -= 1;
                    0
                } else {
                    match r.varint()? {
                        0 => {
                            zeros = r.varint()?;
                            0
                        }
                        u => ((u >> 1) as i64) ^ -((u & 1) as i64),
                    }
                };
                coef[b * 64 + zz[k]] = v as f32 * steps[k] as f32;
                b += 1;
                if b == blocks {
                    (b, k) = (0, k + 1);
                }
            }
            if zeros > 0 {
                return Err(format!("“{name}”'s last run of zeros runs past its coefficients."));
            }
            let mut px = vec![0.0f32; w * h];
            for (b, c) in coef.chunks_exact(64).enumerate() {
                let (bx, by) = (b % (w / 8) * 8, b / (w / 8) * 8);
                for y in 0..8 {
                    for x in 0..8 {
                        // separable inverse: Σ_u Σ_v B[u][y] c[u][v] B[v][x]
                        let s: f32 =
                            (0..8).map(|u| basis[u][y] * (0..8).map(|v| c[u * 8 + v] * basis[v][x]).sum::<f32>()).sum();
                        px[(by + y) * w + bx + x] = (s + 128.0) / 255.0;
                    }
                }
            }
            Ok((name, Image::new(w, h, px)?))
        })
        .collect()
}

/// Orthonormal DCT-II basis: B[u][x] = a(u) cos((2x + 1)uπ / 16), a(0) = √(1/8), else √(2/8).
fn basis() -> [[f32; 8]; 8] {
    let mut b = [[0.0f32; 8]; 8];
    for (u, row) in b.iter_mut().enumerate() {
        let a = if u == 0 { (1.0f32 / 8.0).sqrt() } else { (2.0f32 / 8.0).sqrt() };
        for (x, v) in row.iter_mut().enumerate() {
            *v = a * ((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI / 16.0).cos();
        }
    }
    b
}

/// Zigzag position k → row-major index u·8 + v, as the script orders them: diagonal by
/// diagonal, odd diagonals by column and even ones by row.
fn zigzag() -> [usize; 64] {
    let mut out = [0; 64];
    let mut k = 0;
    for s in 0..15usize {
        for t in 0..8usize {
            let (u, v) = if s % 2 == 1 { (s.wrapping_sub(t), t) } else { (t, s.wrapping_sub(t)) };
            if u < 8 && v < 8 {
                out[k] = u * 8 + v;
                k += 1;
            }
        }
    }
    out
}

/// A cursor over the file that says when it ends too soon.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end =
            self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("The photographs' file is cut short.")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7F) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("A number in the photographs' file is longer than 64 bits.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_is_a_permutation_starting_like_the_script() {
        let z = zigzag();
        let mut seen = z.to_vec();
        seen.sort();
        assert_eq!(seen, (0..64).collect::<Vec<_>>());
        assert_eq!(&z[..6], &[0, 8, 1, 2, 9, 16]);
    }

    #[test]
    fn basis_is_orthonormal() {
        let b = basis();
        for u in 0..8 {
            for v in 0..8 {
                let d: f32 = (0..8).map(|x| b[u][x] * b[v][x]).sum();
                assert!((d - (u == v) as u8 as f32).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn a_lone_dc_coefficient_is_a_flat_block_and_bad_files_say_why() {
        // one 8×8 image: DC = 8 steps of 16 = 128 → mean 128 + 128/8 = 144 grey levels
        let mut f = b"SAEP\x01\x01".to_vec();
        f.extend([16u8; 64]);
        f.extend([1, b'a', 8, 0, 8, 0]);
        f.extend([16, 0, 62]); // zigzag(8) = 16, then 63 zeros
        let imgs = decode(&f).unwrap();
        assert_eq!(imgs[0].0, "a");
        assert!(imgs[0].1.pixels.iter().all(|&p| (p * 255.0 - 144.0).abs() < 1e-3), "{:?}", imgs[0].1.pixels);
        assert!(decode(&f[..f.len() - 1]).unwrap_err().contains("cut short"));
        assert!(decode(b"PNG").unwrap_err().contains("cut short"));
        assert!(decode(b"SAEQ\x01\x00").unwrap_err().contains("SAEP"));
    }
}
