//! The report's one figure: each first-level indicator's score against its maximum and the
//! department's self-evaluation, as grouped bars in a PNG. Drawn here (rectangles and text
//! rasterised with ab_glyph) rather than with plotters: plotters 0.3.7 draws text only through
//! font-kit and the C fontconfig/freetype libraries. The Chinese labels need a CJK font: the
//! first of data/report.toml's `[chart] fonts` that exists on the machine (the Noto CJK fonts
//! of Debian's fonts-noto-cjk first, then WenQuanYi, Droid, AR PL); none found → no chart, and
//! the report says so in a warning instead.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use anyhow::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::io::Write;

pub struct Bar {
    pub name: String,
    pub max: Decimal,
    pub score: Option<Decimal>,
    pub own: Option<Decimal>,
}

pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The font file the labels were drawn with.
    pub font: String,
}

/// The first font of `candidates` (`path` or `path#index` for a collection) that loads.
pub fn find_font(candidates: &[String]) -> Option<(FontVec, String)> {
    for c in candidates {
        let (path, index) = match c.rsplit_once('#') {
            Some((p, i)) => (p, i.parse().unwrap_or(0)),
            None => (c.as_str(), 0),
        };
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if let Ok(f) = FontVec::try_from_vec_and_index(bytes, index) {
            if f.glyph_id('评').0 != 0 {
                return Some((f, c.clone()));
            }
        }
    }
    None
}

struct Canvas {
    w: u32,
    h: u32,
    px: Vec<u8>,
}

type Rgb = [u8; 3];
const BLACK: Rgb = [40, 40, 40];
const GRID: Rgb = [215, 215, 215];
const MAX: Rgb = [200, 200, 200];
const SCORE: Rgb = [46, 94, 170];
const OWN: Rgb = [230, 140, 40];

impl Canvas {
    fn new(w: u32, h: u32) -> Canvas {
        Canvas {
            w,
            h,
            px: vec![255; (w * h * 3) as usize],
        }
    }
    fn blend(&mut self, x: i64, y: i64, c: Rgb, a: f32) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 {
            return;
        }
        let i = ((y as u32 * self.w + x as u32) * 3) as usize;
        for (k, v) in c.iter().enumerate() {
            let old = self.px[i + k] as f32;
            self.px[i + k] = (old + (*v as f32 - old) * a.clamp(0.0, 1.0)).round() as u8;
        }
    }
    fn rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, c: Rgb) {
        for y in y0.min(y1)..y0.max(y1) {
            for x in x0.min(x1)..x0.max(x1) {
                self.blend(x, y, c, 1.0);
            }
        }
    }
    fn width_of(font: &FontVec, size: f32, s: &str) -> f32 {
        let sf = font.as_scaled(PxScale::from(size));
        s.chars().map(|c| sf.h_advance(font.glyph_id(c))).sum()
    }
    /// Text with its baseline at `y`, starting at `x` (or centred on `x`).
    fn text(
        &mut self,
        font: &FontVec,
        size: f32,
        (x, y): (f32, f32),
        s: &str,
        c: Rgb,
        center: bool,
    ) {
        let sf = font.as_scaled(PxScale::from(size));
        let mut pen = if center {
            x - Self::width_of(font, size, s) / 2.0
        } else {
            x
        };
        for ch in s.chars() {
            let id = font.glyph_id(ch);
            let g = id.with_scale_and_position(PxScale::from(size), ab_glyph::point(pen, y));
            if let Some(o) = font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| {
                    self.blend(
                        b.min.x as i64 + gx as i64,
                        b.min.y as i64 + gy as i64,
                        c,
                        cov,
                    )
                });
            }
            pen += sf.h_advance(id);
        }
    }
}

fn f(d: Decimal) -> f32 {
    d.to_f32().unwrap_or(0.0)
}

/// Draw the chart. Pixel geometry is f32 (it places pixels; no amount goes through it).
pub fn draw(title: &str, bars: &[Bar], labels: [&str; 3], font: (FontVec, String)) -> Result<Png> {
    let (font, font_name) = font;
    let (w, h) = (960u32, 540u32);
    let mut cv = Canvas::new(w, h);
    let (left, right, top, bottom) = (70.0f32, 30.0f32, 90.0f32, 70.0f32);
    let plot_h = h as f32 - top - bottom;
    let plot_w = w as f32 - left - right;
    let top_value = bars
        .iter()
        .flat_map(|b| [Some(b.max), b.score, b.own])
        .flatten()
        .map(f)
        .fold(1.0f32, f32::max);
    let step = [1.0f32, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .find(|s| top_value / s <= 8.0)
        .unwrap_or(100.0);
    let y_max = (top_value / step).ceil() * step;
    let y_of = |v: f32| top + plot_h * (1.0 - v / y_max);
    cv.text(&font, 24.0, (w as f32 / 2.0, 36.0), title, BLACK, true);
    // Legend.
    let mut lx = left;
    let has_own = bars.iter().any(|b| b.own.is_some());
    for (k, (c, l)) in [MAX, SCORE, OWN].iter().zip(labels).enumerate() {
        if l.is_empty() || (k == 2 && !has_own) {
            continue;
        }
        cv.rect(lx as i64, 56, lx as i64 + 18, 70, *c);
        cv.text(&font, 16.0, (lx + 24.0, 70.0), l, BLACK, false);
        lx += 40.0 + Canvas::width_of(&font, 16.0, l);
    }
    // Grid and axis labels.
    let mut v = 0.0f32;
    while v <= y_max + 0.001 {
        let y = y_of(v);
        cv.rect(
            left as i64,
            y as i64,
            (w as f32 - right) as i64,
            y as i64 + 1,
            GRID,
        );
        let s = format!("{v}");
        let tw = Canvas::width_of(&font, 14.0, &s);
        cv.text(&font, 14.0, (left - 8.0 - tw, y + 5.0), &s, BLACK, false);
        v += step;
    }
    cv.rect(
        left as i64,
        top as i64,
        left as i64 + 1,
        (top + plot_h) as i64,
        BLACK,
    );
    cv.rect(
        left as i64,
        (top + plot_h) as i64,
        (w as f32 - right) as i64,
        (top + plot_h) as i64 + 1,
        BLACK,
    );
    let n = bars.len().max(1) as f32;
    let group = plot_w / n;
    let series = if has_own { 3.0 } else { 2.0 };
    let bw = (group * 0.7 / series).min(60.0);
    for (i, b) in bars.iter().enumerate() {
        let cx = left + group * (i as f32 + 0.5);
        let x0 = cx - bw * series / 2.0;
        let values = [Some(b.max), b.score, b.own];
        for (k, (val, c)) in values.iter().zip([MAX, SCORE, OWN]).enumerate() {
            if k == 2 && series < 3.0 {
                continue;
            }
            let Some(val) = val else { continue };
            let x = x0 + bw * k as f32;
            let y = y_of(f(*val));
            cv.rect(
                x as i64,
                y as i64,
                (x + bw - 2.0) as i64,
                (top + plot_h) as i64,
                c,
            );
            cv.text(
                &font,
                13.0,
                (x + bw / 2.0 - 1.0, y - 4.0),
                &crate::model::money::round2(*val).normalize().to_string(),
                BLACK,
                true,
            );
        }
        cv.text(&font, 17.0, (cx, top + plot_h + 26.0), &b.name, BLACK, true);
    }
    let bytes = png(&cv).context("无法生成图表 PNG")?;
    Ok(Png {
        bytes,
        width: w,
        height: h,
        font: font_name,
    })
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(data);
    out.extend_from_slice(&h.finalize().to_be_bytes());
}

/// An 8-bit RGB PNG, rows unfiltered, zlib-deflated.
fn png(cv: &Canvas) -> Result<Vec<u8>> {
    let mut raw = Vec::with_capacity(((cv.w * 3 + 1) * cv.h) as usize);
    for row in cv.px.chunks((cv.w * 3) as usize) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw)?;
    let idat = z.finish()?;
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&cv.w.to_be_bytes());
    ihdr.extend_from_slice(&cv.h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}
