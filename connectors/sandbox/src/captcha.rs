//! Image CAPTCHAs: five digits drawn with a small bitmap font and noise lines into a real PNG, and
//! the register of which CAPTCHA each session and each login id is being shown (the test harness
//! reads the answer by login id through `/_sandbox/captcha`).

use std::collections::HashMap;

use crate::session::{random_digits, random_token};

pub const WIDTH: u32 = 160;
pub const HEIGHT: u32 = 60;
const DIGITS: usize = 5;
const SCALE: u32 = 4;

/// 5×7 glyphs of 0–9, one row per byte, bit 4 = leftmost column.
const FONT: [[u8; 7]; 10] = [
    [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
    [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
    [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
    [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
    [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
    [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
    [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
    [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
    [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
];

/// Which CAPTCHA is shown to whom. Ids are random, answers are five random digits.
#[derive(Debug, Default)]
pub struct Captchas {
    answers: HashMap<String, String>,
    shown_to_login: HashMap<String, String>,
}

impl Captchas {
    /// A new CAPTCHA, replacing `previous` (which can no longer be answered); shown to `login` if
    /// the login id is already known. Returns its id.
    pub fn issue(&mut self, previous: Option<&str>, login: Option<&str>) -> String {
        if let Some(previous) = previous {
            self.retire(previous);
        }
        let id = random_token();
        self.answers.insert(id.clone(), random_digits(DIGITS));
        if let Some(login) = login {
            self.shown_to_login.insert(login.to_owned(), id.clone());
        }
        id
    }

    pub fn answer(&self, id: &str) -> Option<&str> {
        self.answers.get(id).map(String::as_str)
    }

    /// The answer of the CAPTCHA now shown to `login`, if one is.
    pub fn answer_for_login(&self, login: &str) -> Option<&str> {
        self.shown_to_login.get(login).and_then(|id| self.answer(id))
    }

    /// Forgets a solved or replaced CAPTCHA.
    pub fn retire(&mut self, id: &str) {
        self.answers.remove(id);
        self.shown_to_login.retain(|_, shown| shown != id);
    }
}

/// The PNG of `answer`. Noise comes from `noise_seed`, so the same CAPTCHA renders identically.
pub fn render_png(answer: &str, noise_seed: &str) -> Vec<u8> {
    let mut noise = Noise::new(noise_seed);
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    for pixel in pixels.chunks_exact_mut(3) {
        let speckle = (noise.next() % 24) as u8;
        pixel.copy_from_slice(&[232 - speckle, 236 - speckle, 222 - speckle]);
    }
    for (position, digit) in answer.bytes().enumerate() {
        let glyph = &FONT[usize::from(digit.wrapping_sub(b'0')).min(9)];
        let left = 8 + position as u32 * 30 + (noise.next() % 6) as u32;
        let top = 6 + (noise.next() % 20) as u32;
        let ink = [(noise.next() % 90) as u8, (noise.next() % 60) as u8, 60 + (noise.next() % 100) as u8];
        for (row, bits) in glyph.iter().enumerate() {
            for column in 0..5u32 {
                if bits & (0b10000 >> column) == 0 {
                    continue;
                }
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        put(&mut pixels, left + column * SCALE + dx, top + row as u32 * SCALE + dy, ink);
                    }
                }
            }
        }
    }
    for _ in 0..7 {
        let from = (noise.next() % WIDTH as u64, noise.next() % HEIGHT as u64);
        let to = (noise.next() % WIDTH as u64, noise.next() % HEIGHT as u64);
        let grey = 90 + (noise.next() % 80) as u8;
        line(&mut pixels, from, to, [grey, grey, grey]);
    }
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header into a Vec");
    writer.write_image_data(&pixels).expect("PNG data into a Vec");
    writer.finish().expect("PNG end into a Vec");
    png_bytes
}

fn put(pixels: &mut [u8], x: u32, y: u32, colour: [u8; 3]) {
    if x < WIDTH && y < HEIGHT {
        let offset = ((y * WIDTH + x) * 3) as usize;
        pixels[offset..offset + 3].copy_from_slice(&colour);
    }
}

/// Bresenham: thin lines across the digits, as real CAPTCHAs have.
fn line(pixels: &mut [u8], from: (u64, u64), to: (u64, u64), colour: [u8; 3]) {
    let (mut x, mut y) = (from.0 as i64, from.1 as i64);
    let (x1, y1) = (to.0 as i64, to.1 as i64);
    let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
    let (step_x, step_y) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
    let mut error = dx + dy;
    loop {
        put(pixels, x as u32, y as u32, colour);
        if x == x1 && y == y1 {
            break;
        }
        let doubled = 2 * error;
        if doubled >= dy {
            error += dy;
            x += step_x;
        }
        if doubled <= dx {
            error += dx;
            y += step_y;
        }
    }
}

/// xorshift64*, seeded from the CAPTCHA id: noise needs no quality, only repeatability.
struct Noise(u64);

impl Noise {
    fn new(seed: &str) -> Noise {
        let hashed = seed
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3));
        Noise(hashed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_decodable_png_of_the_right_size() {
        let bytes = render_png("40719", "seed");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = decoder.read_info().expect("valid PNG");
        assert_eq!((reader.info().width, reader.info().height), (WIDTH, HEIGHT));
        assert_eq!(bytes, render_png("40719", "seed"));
        assert_ne!(bytes, render_png("40718", "seed"));
    }

    #[test]
    fn a_new_captcha_replaces_the_one_shown_to_the_login() {
        let mut captchas = Captchas::default();
        let first = captchas.issue(None, Some("alice"));
        let first_answer = captchas.answer(&first).unwrap().to_owned();
        assert_eq!(captchas.answer_for_login("alice"), Some(first_answer.as_str()));
        let second = captchas.issue(Some(&first), Some("alice"));
        assert!(captchas.answer(&first).is_none());
        assert_eq!(captchas.answer_for_login("alice"), captchas.answer(&second));
        captchas.retire(&second);
        assert!(captchas.answer_for_login("alice").is_none());
    }
}
