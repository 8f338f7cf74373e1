//! The random stream every selection draws from, documented so that anyone can redraw it:
//!
//! - generator: ChaCha20 (`rand_chacha::ChaCha20Rng`), key = the seed as 8 little-endian bytes
//!   followed by 24 zero bytes, stream 0, from the first output word;
//! - `next_u64`: two consecutive 32-bit words, low word first — i.e. the standard ChaCha20
//!   keystream (RFC 8439, nonce and block counter zero) read as little-endian u64s; the pinned
//!   values below were checked against Python's `cryptography` ChaCha20;
//! - a uniform integer in [0, m): draw `v = next_u64()`; if `v ≥ 2⁶⁴ − (2⁶⁴ mod m)` draw again;
//!   return `v mod m` (rejection, so no value is favoured).
//!
//! `rand`'s own range sampling is not used: its algorithm may change between versions.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

pub struct Stream(ChaCha20Rng);

impl Stream {
    pub fn new(seed: u64) -> Stream {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        Stream(ChaCha20Rng::from_seed(key))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, m); m must be positive.
    pub fn below(&mut self, m: u64) -> u64 {
        assert!(m > 0, "below(0)");
        let zone = u64::MAX - (u64::MAX % m + 1) % m; // largest multiple of m, minus one
        loop {
            let v = self.next_u64();
            if v <= zone {
                return v % m;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_pinned() {
        // If these change, every recorded sample would draw differently: never update them
        // without a new stream version in the output.
        let mut s = Stream::new(2023);
        let first: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        assert_eq!(first, PINNED);
        let mut a = Stream::new(7);
        let mut b = Stream::new(7);
        for _ in 0..100 {
            assert_eq!(a.below(534), b.below(534));
        }
        let mut c = Stream::new(8);
        assert_ne!(
            (0..10).map(|_| a.below(1000)).collect::<Vec<_>>(),
            (0..10).map(|_| c.below(1000)).collect::<Vec<_>>()
        );
    }

    const PINNED: [u64; 3] = [
        14485240489039426787,
        6974525384025565574,
        9048557858589851891,
    ];
}
