//! The training pictures named on the command line: a built-in set, PNG files, or raw f32
//! frames. Every problem comes back as one sentence naming the file and what is wrong.

use std::io::Cursor;
use std::path::Path;

use sae_lab::data::{fit, image_from_rgba, prepare, Dataset, Image};

use crate::cli::DataArgs;

/// Pictures ready for the patch sampler, and what to record in the model's settings.
#[derive(Debug)]
pub struct Source {
    /// Standardised (or whitened) greyscale images.
    pub images: Vec<Image>,
    /// The dataset in the settings: a built-in one, or [`Dataset::Own`] for files.
    pub dataset: Dataset,
    /// The whitening setting in force.
    pub whiten: bool,
    /// What they are, for the report ("natural (image seed 1, whitened)").
    pub describe: String,
}

/// Loads the pictures `args` name. Without a data option the set is `fallback` (with its
/// whitening `fallback_whiten`); a fallback of [`Dataset::Own`] cannot be regenerated, so
/// it is an error that asks for the files.
pub fn load(args: &DataArgs, fallback: Dataset, fallback_whiten: bool) -> Result<Source, String> {
    let whiten_opt = args.whiten;
    if !args.png.is_empty() {
        let whiten = whiten_opt.unwrap_or(fallback_whiten);
        let own = args.png.iter().map(|p| read_png(p)).collect::<Result<Vec<_>, _>>()?;
        let describe = format!("{} PNG file{}{}", own.len(), plural(own.len()), whitened(whiten));
        return Ok(Source { images: prepare(&own, whiten), dataset: Dataset::Own, whiten, describe });
    }
    if let (Some(path), Some(w), Some(h), Some(count)) = (&args.raw, args.width, args.height, args.count) {
        // raw frames are taken as given (IMAGES.mat is whitened already); --whiten on whitens them
        let whiten = whiten_opt.unwrap_or(false);
        let frames = read_raw(path, w, h, count)?;
        let images = if whiten { prepare(&frames, true) } else { frames };
        let describe = format!("{count} raw frame{} of {w}×{h}{}", plural(count), whitened(whiten));
        return Ok(Source { images, dataset: Dataset::Own, whiten, describe });
    }
    let dataset = args.data.unwrap_or(fallback);
    let whiten = whiten_opt.unwrap_or(fallback_whiten);
    let images = dataset.builtin(args.image_seed, whiten).ok_or_else(|| {
        "The model was trained on its own pictures, which it does not contain: give them with --png or --raw."
            .to_string()
    })?;
    let shown = if dataset.whitens() { whitened(whiten) } else { String::new() };
    let describe = format!("{} (image seed {}){shown}", dataset.key(), args.image_seed);
    Ok(Source { images, dataset, whiten, describe })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn whitened(on: bool) -> String {
    if on { ", whitened" } else { ", not whitened" }.to_string()
}

/// The file's bytes, or a sentence saying why they cannot be read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| io_sentence(path, &e))
}

/// "“a.png” does not exist." and the like.
pub fn io_sentence(path: &Path, e: &std::io::Error) -> String {
    let name = path.display();
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("“{name}” does not exist."),
        std::io::ErrorKind::PermissionDenied => format!("“{name}” cannot be read: permission denied."),
        std::io::ErrorKind::IsADirectory => format!("“{name}” is a directory, not a file."),
        _ => format!("“{name}” cannot be read ({e})."),
    }
}

/// A PNG file as a greyscale image, as the page turns an uploaded picture into one.
pub fn read_png(path: &Path) -> Result<Image, String> {
    let name = path.display().to_string();
    let bytes = read_file(path)?;
    let not_png = |e: png::DecodingError| {
        let why = e.to_string();
        format!("“{name}” is not a PNG image that can be decoded ({}).", why.trim_end_matches('.'))
    };
    let mut decoder = png::Decoder::new(Cursor::new(&bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    // room for the largest picture the page accepts (100 megapixels, 8 bits × 4 channels)
    decoder.set_limits(png::Limits { bytes: 512 << 20 });
    let mut reader = decoder.read_info().map_err(not_png)?;
    let (width, height) = (reader.info().width as usize, reader.info().height as usize);
    // refuse empty, tiny or huge pictures before decoding all their pixels
    fit(&name, width, height)?;
    let size = reader.output_buffer_size().ok_or_else(|| format!("“{name}” is too large to decode."))?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(not_png)?;
    let rgba = to_rgba8(&buf[..frame.buffer_size()], frame.color_type)
        .ok_or_else(|| format!("“{name}” has a colour type sae-train cannot read."))?;
    image_from_rgba(&name, width, height, &rgba)
}

/// 8-bit grey, grey+alpha, RGB or RGBA pixels as RGBA.
fn to_rgba8(px: &[u8], color: png::ColorType) -> Option<Vec<u8>> {
    use png::ColorType::*;
    Some(match color {
        Rgba => px.to_vec(),
        Rgb => px.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        GrayscaleAlpha => px.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        Grayscale => px.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        Indexed => return None,
    })
}

/// `count` frames of `width` × `height` little-endian f32, one after another, row-major.
pub fn read_raw(path: &Path, width: usize, height: usize, count: usize) -> Result<Vec<Image>, String> {
    let name = path.display();
    if width == 0 || height == 0 || count == 0 {
        return Err(format!("Raw frames need a width, height and count of at least 1, not {width}×{height}×{count}."));
    }
    let frame = width.checked_mul(height).filter(|&n| n <= 1 << 28);
    let bytes_needed = frame.and_then(|n| n.checked_mul(count)).and_then(|n| n.checked_mul(4));
    let Some(needed) = bytes_needed.filter(|&b| b <= 4 << 30) else {
        return Err(format!("{count} raw frames of {width}×{height} would be larger than the 4 GiB sae-train reads."));
    };
    let size = std::fs::metadata(path).map_err(|e| io_sentence(path, &e))?.len();
    if size != needed as u64 {
        return Err(format!(
            "“{name}” holds {size} bytes, but {count} frame{} of {width}×{height} 4-byte floats need {needed}.",
            plural(count)
        ));
    }
    let bytes = read_file(path)?;
    let pixels: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    if let Some(i) = pixels.iter().position(|v| !v.is_finite()) {
        let (k, at) = (i / (width * height), i % (width * height));
        return Err(format!(
            "“{name}” holds a non-finite value (NaN or infinity) in frame {k} at x = {}, y = {}.",
            at % width,
            at / width
        ));
    }
    pixels
        .chunks_exact(width * height)
        .map(|frame| Image::new(width, height, frame.to_vec()))
        .collect::<Result<Vec<_>, _>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sae-train-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn encode(w: u32, h: u32, color: png::ColorType, depth: png::BitDepth, data: &[u8]) -> Vec<u8> {
        let mut out = vec![];
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        enc.write_header().unwrap().write_image_data(data).unwrap();
        out
    }

    #[test]
    fn raw_frames_are_row_major_one_after_another() {
        // 2 frames of 3×2: value = 100·k + 10·y + x
        let vals: Vec<f32> =
            (0..2).flat_map(|k| (0..2).flat_map(move |y| (0..3).map(move |x| (100 * k + 10 * y + x) as f32))).collect();
        let bytes: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
        let path = temp("frames.f32", &bytes);
        let imgs = read_raw(&path, 3, 2, 2).unwrap();
        assert_eq!(imgs.len(), 2);
        assert_eq!((imgs[1].get(2, 1), imgs[0].get(1, 0)), (112.0, 1.0));
        let e = read_raw(&path, 3, 2, 3).unwrap_err();
        assert!(e.contains("holds 48 bytes") && e.contains("need 72"), "{e}");
        let mut bad = bytes.clone();
        bad[4 * 7..4 * 8].copy_from_slice(&f32::NAN.to_le_bytes());
        let e = read_raw(&temp("nan.f32", &bad), 3, 2, 2).unwrap_err();
        assert!(e.contains("frame 1 at x = 1, y = 0"), "{e}");
        assert!(read_raw(&path, 0, 2, 2).unwrap_err().contains("at least 1"));
        assert!(read_raw(&path, usize::MAX, 2, 2).unwrap_err().contains("larger"));
        assert!(read_raw(Path::new("/nonexistent/x.f32"), 3, 2, 2).unwrap_err().contains("does not exist"));
    }

    #[test]
    fn every_png_colour_type_becomes_the_same_grey() {
        use png::{BitDepth::*, ColorType::*};
        // a 40×40 ramp, grey value 6·x
        let g: Vec<u8> = (0..40 * 40).map(|i| (6 * (i % 40)) as u8).collect();
        let grey = encode(40, 40, Grayscale, Eight, &g);
        let rgb = encode(40, 40, Rgb, Eight, &g.iter().flat_map(|&v| [v, v, v]).collect::<Vec<_>>());
        let rgba16 =
            encode(40, 40, Rgba, Sixteen, &g.iter().flat_map(|&v| [v, 0, v, 0, v, 0, 255, 255]).collect::<Vec<_>>());
        let want = read_png(&temp("g.png", &grey)).unwrap();
        assert_eq!((want.width, want.height), (40, 40));
        assert!((want.get(10, 3) - 60.0 / 255.0).abs() < 1e-6);
        for (name, file) in [("rgb.png", rgb), ("rgba16.png", rgba16)] {
            let img = read_png(&temp(name, &file)).unwrap();
            assert!(img.pixels.iter().zip(&want.pixels).all(|(a, b)| (a - b).abs() < 1e-5), "{name}");
        }
    }

    #[test]
    fn bad_pngs_say_what_is_wrong() {
        let e = read_png(&temp("notes.png", b"this is text, not a picture")).unwrap_err();
        assert!(e.contains("notes.png") && e.contains("not a PNG"), "{e}");
        let tiny = encode(8, 8, png::ColorType::Grayscale, png::BitDepth::Eight, &[7; 64]);
        let e = read_png(&temp("tiny.png", &tiny)).unwrap_err();
        assert!(e.contains("at least 32"), "{e}");
        assert!(read_png(Path::new("/nonexistent/a.png")).unwrap_err().contains("does not exist"));
    }
}
