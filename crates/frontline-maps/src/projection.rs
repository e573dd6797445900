//! Projection from (lon, lat) degrees to SVG pixels: equirectangular,
//! scaled by the cosine of the map's middle latitude so that shapes keep
//! their proportions at the scale of a country (distortion under 1 % across
//! Iraq's 8° of latitude), fitted into a box with y pointing down.

/// Maps (lon, lat) to (x, y) pixels inside a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lon0: f64,
    lat1: f64,
    kx: f64,
    scale: f64,
    left: f64,
    top: f64,
}

impl Projection {
    /// Fits the points' bounding box into `width` × `height` pixels at
    /// (`left`, `top`), keeping the aspect ratio (centred on the short side).
    pub fn fit(points: impl IntoIterator<Item = (f64, f64)>, left: f64, top: f64, width: f64, height: f64) -> Self {
        let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in points {
            lo_x = lo_x.min(x);
            hi_x = hi_x.max(x);
            lo_y = lo_y.min(y);
            hi_y = hi_y.max(y);
        }
        if lo_x > hi_x {
            (lo_x, hi_x, lo_y, hi_y) = (0.0, 1.0, 0.0, 1.0);
        }
        // A single point or a line still needs an area to draw.
        let pad = |lo: f64, hi: f64| if hi - lo < 1e-9 { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
        let ((lo_x, hi_x), (lo_y, hi_y)) = (pad(lo_x, hi_x), pad(lo_y, hi_y));
        let kx = ((lo_y + hi_y) / 2.0).to_radians().cos().max(0.01);
        let (w, h) = ((hi_x - lo_x) * kx, hi_y - lo_y);
        let scale = (width / w).min(height / h);
        let left = left + (width - w * scale) / 2.0;
        let top = top + (height - h * scale) / 2.0;
        Projection { lon0: lo_x, lat1: hi_y, kx, scale, left, top }
    }

    /// The aspect ratio (width / height) the points need, for sizing a figure.
    pub fn aspect(points: impl IntoIterator<Item = (f64, f64)>) -> f64 {
        let p = Projection::fit(points, 0.0, 0.0, 1000.0, 1000.0);
        let (x0, y0) = p.apply((p.lon0, p.lat1));
        // The box is 1000 × 1000: the used extent is the other corner's distance.
        let extent_x = 1000.0 - 2.0 * x0;
        let extent_y = 1000.0 - 2.0 * y0;
        (extent_x / extent_y).clamp(0.25, 4.0)
    }

    /// Pixels of a (lon, lat) point.
    pub fn apply(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (self.left + (lon - self.lon0) * self.kx * self.scale, self.top + (self.lat1 - lat) * self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_inside_the_box_and_keeps_north_up() {
        let pts = [(39.0, 29.0), (48.5, 37.4)];
        let p = Projection::fit(pts, 10.0, 20.0, 600.0, 400.0);
        let (a, b) = (p.apply(pts[0]), p.apply(pts[1]));
        for (x, y) in [a, b] {
            assert!((10.0 - 1e-9..=610.0 + 1e-9).contains(&x) && (20.0 - 1e-9..=420.0 + 1e-9).contains(&y));
        }
        assert!(b.1 < a.1, "north is up");
        assert!(b.0 > a.0, "east is right");
        // One side touches the box.
        assert!(((b.0 - a.0) - 600.0).abs() < 1e-6 || ((a.1 - b.1) - 400.0).abs() < 1e-6);
    }

    #[test]
    fn a_degree_of_longitude_shrinks_with_latitude() {
        let p = Projection::fit([(40.0, 59.0), (41.0, 61.0)], 0.0, 0.0, 1000.0, 1000.0);
        let dx = p.apply((41.0, 60.0)).0 - p.apply((40.0, 60.0)).0;
        let dy = p.apply((40.0, 59.0)).1 - p.apply((40.0, 60.0)).1;
        assert!((dx / dy - 60f64.to_radians().cos()).abs() < 1e-9);
        assert!((Projection::aspect([(40.0, 59.0), (41.0, 61.0)]) - 0.25).abs() < 0.01);
    }

    #[test]
    fn degenerate_inputs_still_project() {
        let p = Projection::fit([(44.0, 33.0)], 0.0, 0.0, 100.0, 100.0);
        let (x, y) = p.apply((44.0, 33.0));
        assert!(x.is_finite() && y.is_finite());
        let p = Projection::fit(std::iter::empty(), 0.0, 0.0, 100.0, 100.0);
        assert!(p.apply((0.5, 0.5)).0.is_finite());
    }
}
