//! Texts numbered as first seen: the integer stand-in for a text key field (entity, voucher
//! word, file, basis …) where a million lines are grouped or sorted by key — integers hash and
//! compare faster than the texts, and `ranks` gives back the texts' order.

use polars::prelude::PlHashMap;

/// The distinct texts of one key field, numbered as first seen.
#[derive(Default)]
pub struct Texts<'a> {
    numbers: PlHashMap<&'a str, u32>,
    texts: Vec<&'a str>,
    /// The last text asked for and its number (a ledger's lines mostly repeat the row above).
    last: Option<(&'a str, u32)>,
}

impl<'a> Texts<'a> {
    /// The number of `t`: the next one when `t` is new.
    pub fn number(&mut self, t: &'a str) -> u32 {
        if let Some((l, n)) = self.last {
            if l == t {
                return n;
            }
        }
        let texts = &mut self.texts;
        let n = *self.numbers.entry(t).or_insert_with(|| {
            texts.push(t);
            (texts.len() - 1) as u32
        });
        self.last = Some((t, n));
        n
    }

    /// The text numbered `n`.
    pub fn text(&self, n: u32) -> &'a str {
        self.texts[n as usize]
    }

    /// Each number's rank in text order (byte order, as Polars and `str` sort).
    pub fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.texts.len() as u32).collect();
        order.sort_unstable_by_key(|&n| self.texts[n as usize]);
        let mut rank = vec![0; order.len()];
        for (r, &n) in order.iter().enumerate() {
            rank[n as usize] = r as u32;
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::Texts;

    #[test]
    fn texts_are_numbered_as_first_seen_and_ranked_in_text_order() {
        let mut t = Texts::default();
        let ns: Vec<u32> = ["局机关", "局机关", "社保中心", "Z单位", "局机关"]
            .iter()
            .map(|s| t.number(s))
            .collect();
        assert_eq!(ns, [0, 0, 1, 2, 0]);
        assert_eq!(t.text(1), "社保中心");
        // "Z单位" < "局机关" < "社保中心" in byte order.
        assert_eq!(t.ranks(), [1, 2, 0]);
    }
}
