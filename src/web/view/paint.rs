//! The page's palette, as CSS strings for canvas text and as RGBA pixels for [`Rgba`]
//! buffers, plus the one text-style call the views share.
//!
//! [`Rgba`]: crate::raster::Rgba

use web_sys::CanvasRenderingContext2d;

/// Page background #111318 (what the views paint behind everything).
pub const BG_PX: [u8; 4] = [17, 19, 24, 255];
/// Body text #e6e8ee.
pub const TEXT: &str = "#e6e8ee";
/// Secondary text #9aa3b2 (axis ticks, captions' explanations).
pub const MUTED: &str = "#9aa3b2";
/// Accent blue #7cc4ff: "ok" / ordinary data.
pub const ACCENT_PX: [u8; 4] = [124, 196, 255, 255];
/// Amber #ffb454: "active" (units that are always on).
pub const AMBER_PX: [u8; 4] = [255, 180, 84, 255];
/// Red #ff6b6b: "bad".
pub const RED: &str = "#ff6b6b";
/// A muted grey-red for dead units: bad, but quieter than [`RED`] (they are often many).
pub const DEAD_PX: [u8; 4] = [140, 96, 102, 255];
/// Body text as pixels (the dashed target line).
pub const TEXT_PX: [u8; 4] = [230, 232, 238, 255];
/// Faint horizontal grid lines.
pub const GRID_PX: [u8; 4] = [38, 42, 51, 255];
/// Axis lines and tick marks.
pub const AXIS_PX: [u8; 4] = [86, 92, 106, 255];
/// One-pixel frames around images, so a black image still shows its extent.
pub const FRAME_PX: [u8; 4] = [62, 67, 80, 255];

/// Ordinary label font.
pub const FONT: &str = "12px sans-serif";
/// Captions and titles.
pub const FONT_CAPTION: &str = "13px sans-serif";
/// Readouts and headings.
pub const FONT_BIG: &str = "bold 14px sans-serif";

/// Sets font, fill colour and horizontal alignment (`"left"`, `"center"`, `"right"`) for
/// the following `fill_text` calls; text is vertically centred on its y.
pub fn text_style(ctx: &CanvasRenderingContext2d, font: &str, colour: &str, align: &str) {
    ctx.set_font(font);
    ctx.set_fill_style_str(colour);
    ctx.set_text_align(align);
    ctx.set_text_baseline("middle");
}
