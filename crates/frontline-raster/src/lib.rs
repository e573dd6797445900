//! # frontline-raster
//!
//! PNG pictures of the SVG maps and charts that the views draw, so that a
//! picture can go into a slide, a chat or a document that takes no SVG.
//! Rendering is resvg's (a well-kept pure-Rust SVG renderer); text is drawn
//! with the system's fonts (the SVGs ask for Helvetica, Arial or any
//! sans-serif: the first of Liberation Sans, DejaVu Sans, Noto Sans and
//! FreeSans that is installed stands in for them).
//!
//! This crate is a view: it turns SVG text into PNG bytes. It must not
//! draw SVGs itself, read tables or write files.

#![warn(missing_docs)]

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// Pixels per SVG pixel: PNGs are drawn at twice the SVG's size, sharp on
/// high-density screens and in print.
pub const SCALE: f32 = 2.0;

/// The most pixels a PNG may have (a 16-megapixel cap against a runaway size).
const MAX_PIXELS: u64 = 16_000_000;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            let families: Vec<String> = db.faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect();
            if let Some(sans) = ["Liberation Sans", "DejaVu Sans", "Noto Sans", "FreeSans"]
                .into_iter()
                .find(|want| families.iter().any(|f| f == want))
            {
                db.set_sans_serif_family(sans);
            }
            Arc::new(db)
        })
        .clone()
}

/// Whether the system has a font to draw text with; without one a PNG's
/// shapes are drawn but not its text.
pub fn has_fonts() -> bool {
    !fonts().is_empty()
}

/// A PNG of an SVG document, at [`SCALE`] times its size, on its own
/// background (transparent where the SVG draws none).
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let opt = usvg::Options { fontdb: fonts(), font_family: "sans-serif".into(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&rename_families(svg), &opt).map_err(|e| format!("the SVG does not parse: {e}"))?;
    let size = tree.size().to_int_size().scale_by(SCALE).ok_or("the SVG has no size")?;
    if u64::from(size.width()) * u64::from(size.height()) > MAX_PIXELS {
        return Err(format!("the picture would be {}×{} pixels, more than {MAX_PIXELS}", size.width(), size.height()));
    }
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the SVG has an empty size")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("PNG encoding failed: {e}"))
}

/// The SVGs name `Helvetica, Arial, sans-serif`; where neither font is
/// installed, resvg would pick the first face it has rather than the
/// sans-serif stand-in, so the list is read as plain `sans-serif`.
fn rename_families(svg: &str) -> std::borrow::Cow<'_, str> {
    if svg.contains("Helvetica, Arial, sans-serif") {
        std::borrow::Cow::Owned(svg.replace("Helvetica, Arial, sans-serif", "sans-serif"))
    } else {
        std::borrow::Cow::Borrowed(svg)
    }
}

/// Width and height of a PNG, read from its header.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if png.len() < 24 || &png[..8] != SIGNATURE || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&png[16..20]), be(&png[20..24])))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40" font-family="Helvetica, Arial, sans-serif"><rect width="100%" height="100%" fill="#ffffff"/><rect x="10" y="10" width="20" height="20" fill="#e15759"/><text x="40" y="28" font-size="16">Ramadi</text></svg>"##;

    #[test]
    fn a_png_decodes_at_twice_the_svg_size_and_shows_its_shapes() {
        let bytes = png(SVG).unwrap();
        assert_eq!(png_size(&bytes), Some((240, 80)));
        let img = tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        let at = |x: u32, y: u32| img.pixel(x, y).unwrap();
        let red = at(40, 40);
        assert_eq!((red.red(), red.green(), red.blue()), (0xe1, 0x57, 0x59), "the red square");
        let white = at(4, 4);
        assert_eq!((white.red(), white.green(), white.blue()), (255, 255, 255));
        if has_fonts() {
            // The label's pixels are dark somewhere right of the square.
            let dark = (80..240).flat_map(|x| (20..70).map(move |y| (x, y))).any(|(x, y)| at(x, y).red() < 100);
            assert!(dark, "the text is drawn");
        }
    }

    #[test]
    fn bad_svg_is_an_error_not_a_panic() {
        assert!(png("<svg").is_err());
        assert!(png("not svg").is_err());
        assert_eq!(png_size(b"nope"), None);
    }

    #[test]
    fn a_huge_picture_is_refused() {
        let e = png(r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>"#).unwrap_err();
        assert!(e.contains("more than"), "{e}");
    }
}
