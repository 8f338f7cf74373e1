//! Reading 摘要 text: keywords, people's names, dates with meals, head counts and the
//! `16人*500元/人` arithmetic. Small hand-written scanners: the patterns are few and fixed,
//! and they must behave the same on every run and platform.

use crate::model::money::Fen;
use rust_decimal::Decimal;

/// A keyword list as the rules configure it (`data/rules.toml` and the engagement's
/// overrides): the words in their order, and the automaton that tells which of them occur in
/// a text, built the first time the list is matched and kept with the list — a lookup is a
/// field away, not a search for the list's automaton. Read from and written as the plain
/// list of strings it is in the TOML.
#[derive(Default)]
pub struct WordList {
    words: Vec<String>,
    matcher: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl WordList {
    pub fn new(words: Vec<String>) -> WordList {
        WordList {
            words,
            matcher: std::sync::OnceLock::new(),
        }
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// `None` when no word of the list occurs in `text`.
    fn present(&self, text: &str) -> Option<Present> {
        if self.words.len() > 256 {
            return Some(Present::Unknown);
        }
        let matcher = self.matcher.get_or_init(|| {
            // Empty words never match (see `find_any`): an empty pattern stands in unmatched.
            let patterns = self.words.iter().map(|w| {
                if w.is_empty() {
                    "\u{0}\u{0}\u{0}\u{0}"
                } else {
                    w.as_str()
                }
            });
            aho_corasick::AhoCorasick::new(patterns).ok()
        });
        let Some(ac) = matcher else {
            return Some(Present::Unknown);
        };
        let mut bits = [0u64; 4];
        let mut any = false;
        for hit in ac.find_overlapping_iter(text) {
            let k = hit.pattern().as_usize();
            bits[k / 64] |= 1 << (k % 64);
            any = true;
        }
        any.then_some(Present::Bits(bits))
    }
}

impl From<Vec<String>> for WordList {
    fn from(words: Vec<String>) -> WordList {
        WordList::new(words)
    }
}

impl From<&[&str]> for WordList {
    fn from(words: &[&str]) -> WordList {
        WordList::new(words.iter().map(|w| w.to_string()).collect())
    }
}

impl FromIterator<String> for WordList {
    fn from_iter<I: IntoIterator<Item = String>>(it: I) -> WordList {
        WordList::new(it.into_iter().collect())
    }
}

impl std::ops::Deref for WordList {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.words
    }
}

/// A copy shares the built automaton (it is reference-counted inside).
impl Clone for WordList {
    fn clone(&self) -> WordList {
        WordList {
            words: self.words.clone(),
            matcher: self.matcher.clone(),
        }
    }
}

impl PartialEq for WordList {
    fn eq(&self, other: &WordList) -> bool {
        self.words == other.words
    }
}

impl Eq for WordList {}

impl std::fmt::Debug for WordList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.words.fmt(f)
    }
}

impl<'de> serde::Deserialize<'de> for WordList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<WordList, D::Error> {
        Vec::<String>::deserialize(d).map(WordList::new)
    }
}

impl serde::Serialize for WordList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.words.serialize(s)
    }
}

/// The first of `words` found in `text` as a word (see [`Words`]): a keyword of two or more
/// Chinese characters matches only where it stands as whole words of the 摘要's best
/// segmentation, or as the tail of one (`人工审核会餐费` holds no 会餐, `招待所` no 招待, but
/// `见习补贴` is a 补贴); a one-character keyword, or one with other characters, matches
/// wherever it stands.
pub fn find_any<'w>(text: &str, list: &'w WordList) -> Option<&'w str> {
    // Which words occur in the text at all: one pass of the list's automaton over the text
    // instead of a substring search per word (the usual 摘要 holds none of them).
    let present = list.present(text)?;
    first_word(text, list.words(), &present)
}

/// The first of `words` that `present` allows and that stands in `text` as a word.
fn first_word<'w>(text: &str, words: &'w [String], present: &Present) -> Option<&'w str> {
    let mut seg: Option<Vec<usize>> = None;
    words
        .iter()
        .enumerate()
        .find(|(k, w)| {
            if w.is_empty() || !present.has(*k, text, w) {
                return false;
            }
            if !is_han_word(w) {
                return true;
            }
            let lex = lexicon();
            text.match_indices(w.as_str()).any(|(at, m)| {
                let end = at + m.len();
                // No dictionary word crosses either end: every segmentation keeps the word
                // whole (the common case, decided without segmenting).
                if !lex.crossed(text, at, words) && !lex.crossed(text, end, words) {
                    return true;
                }
                let cuts = seg.get_or_insert_with(|| lex.boundaries(text, words));
                // The word ends where a word of the segmentation ends, and starts where one
                // starts — or is the tail of one (见习补贴 is a 补贴: Chinese compounds put their
                // head last; 招待所 is no 招待, 审核会|餐费 holds no 会餐).
                cuts.binary_search(&end).is_ok()
                    && (cuts.binary_search(&at).is_ok()
                        || cuts.iter().find(|&&c| c > at) == Some(&end))
            })
        })
        .map(|(_, w)| w.as_str())
}

/// The words of a list found in a text: a bit per word (lists of up to 256 words), or, for a
/// longer list, nothing known (each word is searched for).
enum Present {
    Bits([u64; 4]),
    Unknown,
}

impl Present {
    fn has(&self, k: usize, text: &str, w: &str) -> bool {
        match self {
            Present::Bits(b) => b[k / 64] >> (k % 64) & 1 == 1,
            Present::Unknown => text.contains(w),
        }
    }
}

/// Two or more characters, all Chinese: a word, matched at word boundaries.
fn is_han_word(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

const LEXICON: &str = include_str!("../../data/lexicon.txt");
/// A keyword absent from the lexicon counts with this frequency; an unknown character with 1.
const KEYWORD_FREQ: f64 = 1000.0;

/// The accounting-term dictionary (data/lexicon.txt) the 摘要 are segmented over: the most
/// probable segmentation (the product of word frequencies, as jieba's user dictionary reads)
/// over its words, the keyword list's own words and single characters.
pub struct Words {
    freq: std::collections::HashMap<&'static str, f64>,
    /// Every pair of adjacent characters inside a word of the lexicon: a word can run across
    /// a boundary only where the two characters around it are such a pair.
    pairs: std::collections::HashSet<(char, char)>,
    total_ln: f64,
    max_chars: usize,
}

/// The built-in lexicon, parsed once.
pub fn lexicon() -> &'static Words {
    static W: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    W.get_or_init(|| Words::parse(LEXICON))
}

impl Words {
    fn parse(text: &'static str) -> Words {
        let mut freq = std::collections::HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let mut it = line.split_whitespace();
            let Some(w) = it.next() else { continue };
            let f: f64 = it
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(KEYWORD_FREQ);
            freq.insert(w, f.max(1.0));
        }
        let total: f64 = freq.values().sum::<f64>() + KEYWORD_FREQ;
        let max_chars = freq.keys().map(|w| w.chars().count()).max().unwrap_or(1);
        let mut pairs = std::collections::HashSet::new();
        for w in freq.keys() {
            let cs: Vec<char> = w.chars().collect();
            for p in cs.windows(2) {
                pairs.insert((p[0], p[1]));
            }
        }
        Words {
            freq,
            pairs,
            total_ln: total.ln(),
            max_chars,
        }
    }

    /// Does a word of the lexicon or of `extra` (two characters or more) run across byte offset
    /// `at` of `text` (start before it, end after it)?
    fn crossed(&self, text: &str, at: usize, extra: &[String]) -> bool {
        if at == 0 || at >= text.len() {
            return false;
        }
        // The two characters around the boundary must be adjacent inside some word.
        let (Some(c1), Some(c2)) = (text[..at].chars().next_back(), text[at..].chars().next())
        else {
            return false;
        };
        let in_extra = |e: &String| {
            let mut it = e.chars().peekable();
            while let Some(a) = it.next() {
                if a == c1 && it.peek() == Some(&c2) {
                    return true;
                }
            }
            false
        };
        if !self.pairs.contains(&(c1, c2)) && !extra.iter().any(in_extra) {
            return false;
        }
        let longest = extra
            .iter()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(1)
            .max(self.max_chars);
        let before: Vec<usize> = text[..at]
            .char_indices()
            .rev()
            .take(longest - 1)
            .map(|(i, _)| i)
            .collect();
        let after: Vec<usize> = text[at..]
            .char_indices()
            .skip(1)
            .map(|(i, _)| at + i)
            .chain(std::iter::once(text.len()))
            .take(longest - 1)
            .collect();
        for (kb, &x) in before.iter().enumerate() {
            for (ka, &y) in after.iter().enumerate() {
                if kb + ka + 2 > longest {
                    break;
                }
                let w = &text[x..y];
                if self.freq.contains_key(w) || extra.iter().any(|e| e == w) {
                    return true;
                }
            }
        }
        false
    }

    /// Byte offsets of the word boundaries of `text`'s best segmentation over the lexicon and
    /// `extra` (sorted; 0 and `text.len()` included).
    pub fn boundaries(&self, text: &str, extra: &[String]) -> Vec<usize> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let n = chars.len();
        let at = |k: usize| chars.get(k).map(|c| c.0).unwrap_or(text.len());
        let longest = extra
            .iter()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(1)
            .max(self.max_chars);
        // best[k]: log-probability of the best segmentation of the first k characters.
        let mut best = vec![f64::NEG_INFINITY; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for k in 1..=n {
            for l in 1..=longest.min(k) {
                let w = &text[at(k - l)..at(k)];
                let f = match self.freq.get(w) {
                    Some(&f) => Some(f),
                    None if extra.iter().any(|x| x == w) => Some(KEYWORD_FREQ),
                    None if l == 1 => Some(1.0),
                    None => None,
                };
                if let Some(f) = f {
                    let s = best[k - l] + f.ln() - self.total_ln;
                    if s > best[k] {
                        best[k] = s;
                        from[k] = k - l;
                    }
                }
            }
        }
        let mut cuts = vec![text.len()];
        let mut k = n;
        while k > 0 {
            k = from[k];
            cuts.push(at(k));
        }
        cuts.reverse();
        cuts
    }
}

pub fn has_any(text: &str, words: &WordList) -> bool {
    find_any(text, words).is_some()
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c == '·'
}

/// Does a counterparty name a person rather than an organisation? A person is 2–4 Chinese
/// characters with no organisation suffix, or a word such as 个人/职工/经办人.
pub fn is_person(name: &str, org_suffixes: &[String], person_words: &WordList) -> bool {
    let n = name.trim();
    if n.is_empty() {
        return false;
    }
    if has_any(n, person_words) {
        return true;
    }
    let chars: Vec<char> = n.chars().collect();
    (2..=4).contains(&chars.len())
        && chars.iter().all(|&c| is_han(c))
        && !org_suffixes
            .iter()
            .any(|s| n.ends_with(s.as_str()) || n.contains(s.as_str()))
}

/// A month/day found in a 摘要, with the text after it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DayMention {
    pub month: u32,
    pub day: u32,
    /// Byte offset just past the date, to read what follows (the meal).
    pub end: usize,
    pub start: usize,
}

fn digits_at(chars: &[(usize, char)], k: usize) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut j = k;
    while j < chars.len() && chars[j].1.is_ascii_digit() && j - k < 4 {
        n = n * 10 + chars[j].1.to_digit(10).unwrap_or(0);
        j += 1;
    }
    (j > k).then_some((n, j))
}

/// Dates written `6月13日`, `6.13`, `06-13`, `2023年6月13日`, `2023-06-13`, `2023.6.13`.
/// Not dates: amounts (`6.13元`) and month ranges (`1-3月`).
pub fn day_mentions(text: &str) -> Vec<DayMention> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |j: usize| chars.get(j).map(|c| c.0).unwrap_or(text.len());
    let ch = |j: usize| chars.get(j).map(|c| c.1);
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !chars[k].1.is_ascii_digit() || (k > 0 && chars[k - 1].1.is_ascii_digit()) {
            k += 1;
            continue;
        }
        let Some((first, j)) = digits_at(&chars, k) else {
            k += 1;
            continue;
        };
        // A leading year (2023年 / 2023- / 2023.) is skipped to reach the month.
        let (month, j) = if first >= 1900 {
            match (ch(j), digits_at(&chars, j + 1)) {
                (Some('年' | '-' | '.' | '/'), Some((m, j2))) => (m, j2),
                _ => {
                    k = j;
                    continue;
                }
            }
        } else {
            (first, j)
        };
        let sep = ch(j);
        let day = match sep {
            Some('月' | '.' | '-' | '/') => digits_at(&chars, j + 1),
            _ => None,
        };
        let Some((day, mut end)) = day else {
            k = j.max(k + 1);
            continue;
        };
        if sep == Some('月') && matches!(ch(end), Some('日' | '号')) {
            end += 1;
        }
        let next = ch(end);
        let not_a_date = !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || (sep != Some('月') && matches!(next, Some('月' | '元' | '万' | '%' | '人')));
        if !not_a_date {
            out.push(DayMention {
                month,
                day,
                start: byte_at(k),
                end: byte_at(end),
            });
        }
        k = end.max(k + 1);
    }
    out
}

/// `(month, day, meal)` for every meal word that follows a date, up to the next date:
/// `6月13日午餐406元、晚餐388元` gives two meals on 6-13.
pub fn meals_by_day(
    text: &str,
    meal_words: &std::collections::BTreeMap<String, String>,
) -> Vec<(u32, u32, String)> {
    let days = day_mentions(text);
    let mut out = Vec::new();
    for (n, d) in days.iter().enumerate() {
        let stop = days.get(n + 1).map(|x| x.start).unwrap_or(text.len());
        let seg = &text[d.end..stop];
        let mut seen: Vec<String> = Vec::new();
        for (w, meal) in meal_words {
            if seg.contains(w.as_str()) && !seen.contains(meal) {
                seen.push(meal.clone());
            }
        }
        for m in seen {
            out.push((d.month, d.day, m));
        }
    }
    out
}

fn number_before(text: &str, end: usize) -> Option<Decimal> {
    let head = &text[..end];
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
        .last()
        .map(|(i, _)| i)?;
    head[start..].replace(',', "").parse().ok()
}

fn number_after(text: &str, start: usize) -> Option<(Decimal, usize)> {
    let tail = &text[start..];
    let len: usize = tail
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .map(|c| c.len_utf8())
        .sum();
    if len == 0 {
        return None;
    }
    let d = tail[..len].replace(',', "").parse().ok()?;
    Some((d, start + len))
}

/// Number of people stated in a 摘要: `16人`, `共20人`, `人数12`.
pub fn headcount(text: &str) -> Option<u32> {
    for (i, _) in text.match_indices('人') {
        if let Some(n) = number_before(text, i) {
            if n > Decimal::ZERO && n.fract().is_zero() && n < Decimal::from(100_000) {
                return n.try_into().ok();
            }
        }
    }
    None
}

/// The arithmetic a 摘要 states, as `count × price`: `16人*500.00元/人`, `500元/人×16人`,
/// `16人×500元`, `标准500元*16人`. Returns the product in 分 and the two factors.
pub fn stated_product(text: &str) -> Option<(Fen, Decimal, Decimal)> {
    // No multiplication sign, no product (most 摘要): nothing to copy.
    if !text.contains(['*', '×', 'x', 'X', '＊']) {
        return None;
    }
    let t: String = text
        .chars()
        .map(|c| match c {
            '×' | 'x' | 'X' | '＊' => '*',
            c => crate::model::money::fullwidth_to_ascii(c),
        })
        .collect();
    let star = t.find('*')?;
    // Left factor: a number ending just before `*`, possibly followed by a unit (人, 元, 元/人).
    let left_text = &t[..star];
    let left_trim = left_text
        .trim_end_matches(['人', '元', '/', '次', '天', '份', '个', '名', ' '])
        .trim_end_matches(['元', '/']);
    let left = number_before(left_trim, left_trim.len())?;
    let (right, _) = number_after(&t, star + 1)?;
    let product = left * right;
    let fen = Fen::from_yuan(product)?;
    Some((fen, left, right))
}

/// The visiting group named in a reception 摘要: the run of Chinese characters ending in an
/// organisation suffix (局, 大队, 组, 厅 …), with leading verbs (支付, 接待 …) removed.
/// `支付双柏县劳动保障监察大队6月13日午餐费` → `双柏县劳动保障监察大队`.
pub fn visitor(text: &str, org_suffixes: &[String]) -> Option<String> {
    const VERBS: &[&str] = &[
        "支付", "报销", "付", "接待", "招待", "宴请", "陪同", "收到", "来",
    ];
    let mut best: Option<String> = None;
    let mut run = String::new();
    let flush = |run: &mut String, best: &mut Option<String>| {
        let mut r = run.as_str();
        loop {
            let before = r;
            for v in VERBS {
                r = r.strip_prefix(v).unwrap_or(r);
            }
            if before == r {
                break;
            }
        }
        // Cut after the last organisation suffix in the run.
        let mut cut = None;
        for s in org_suffixes {
            if let Some(pos) = r.rfind(s.as_str()) {
                let end = pos + s.len();
                if cut.is_none_or(|c| end > c) {
                    cut = Some(end);
                }
            }
        }
        if let Some(end) = cut {
            let name = &r[..end];
            if name.chars().count() >= 3 && best.as_ref().is_none_or(|b| name.len() > b.len()) {
                *best = Some(name.to_string());
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut best);
        }
    }
    flush(&mut run, &mut best);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[&str]) -> WordList {
        WordList::from(v)
    }

    #[test]
    fn keywords_match_as_words_not_as_strings() {
        let banquet = w(&["桌餐", "会餐", "宴请"]);
        // 审核会 + 餐费: a meeting's meal, no 会餐.
        assert_eq!(find_any("支付人工审核会餐费", &banquet), None);
        assert_eq!(find_any("报销招聘人工审核会餐费4806元", &banquet), None);
        assert_eq!(find_any("工会餐厅设备维修", &banquet), None);
        // 会餐 as a word, in three wordings.
        assert_eq!(find_any("支付审核会会餐费", &banquet), Some("会餐"));
        assert_eq!(find_any("机关会餐费", &banquet), Some("会餐"));
        assert_eq!(find_any("年终职工会餐", &banquet), Some("会餐"));
        let reception = w(&["接待", "招待"]);
        assert_eq!(find_any("支付招待所住宿费", &reception), None);
        assert_eq!(find_any("政务服务接待大厅改造", &reception), None);
        assert_eq!(find_any("支付接待费", &reception), Some("接待"));
        assert_eq!(find_any("招待省厅检查组", &reception), Some("招待"));
        // A compound's head is the word: 见习补贴 is a 补贴, 工作会议 a 会议.
        let allowances = w(&["补贴", "补助", "会议"]);
        assert_eq!(find_any("就业见习补贴", &allowances), Some("补贴"));
        assert_eq!(
            find_any("财政直接支付就业见习补贴项目委托费", &allowances),
            Some("补贴")
        );
        assert_eq!(find_any("召开年度工作会议", &allowances), Some("会议"));
        // A one-character keyword is a morpheme.
        assert_eq!(find_any("会议餐费", &w(&["餐"])), Some("餐"));
        let meeting = w(&["会议", "审核会"]);
        assert_eq!(find_any("支付会议费", &meeting), Some("会议"));
        assert_eq!(find_any("人工审核会餐费", &meeting), Some("审核会"));
    }

    /// Every keyword of every list of the built-in rules.toml is found as itself (the lexicon
    /// never swallows a keyword), in three frames.
    #[test]
    fn every_keyword_list_finds_its_own_words() {
        let t: toml::Table = include_str!("../../data/rules.toml").parse().unwrap();
        let mut checked = 0;
        for (section, v) in &t {
            let toml::Value::Table(sec) = v else { continue };
            for (key, v) in sec {
                let list: Vec<String> = match v {
                    toml::Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    toml::Value::Table(m) if key == "meal_words" => m.keys().cloned().collect(),
                    _ => continue,
                };
                if key == "citations" || key == "unseen" {
                    continue;
                }
                for k in list.iter().filter(|k| is_han_word(k) && !k.contains('{')) {
                    for frame in [
                        k.to_string(),
                        format!("支付{k}款项"),
                        format!("报销2023年{k}，附单据"),
                    ] {
                        assert!(
                            find_any(&frame, &WordList::new(vec![k.clone()])).is_some(),
                            "[{section}] {key}: “{k}” not found in “{frame}”"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "{checked}");
    }

    /// Near misses: a keyword inside a longer word that means something else is not found.
    #[test]
    fn near_misses_of_the_keyword_lists() {
        let t: toml::Table = include_str!("../../data/rules.toml").parse().unwrap();
        let list = |section: &str, key: &str| -> WordList {
            t[section][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        for (section, key, text) in [
            ("meeting-meal", "banquet_words", "支付招聘人工审核会餐费"),
            ("meeting-meal", "banquet_words", "工会餐厅设备维修"),
            ("card-settlement", "catalogue_words", "缴存住宅专项维修基金"),
            (
                "card-settlement",
                "catalogue_words",
                "支付招待所管理人员工资",
            ),
            ("card-settlement", "catalogue_words", "政务服务接待大厅保洁"),
            (
                "three-public-misclass",
                "reception_words",
                "支付招待所住宿费",
            ),
            ("three-public-misclass", "reception_words", "购买接待室桌椅"),
            ("three-public-misclass", "vehicle_words", "加油站地块租金"),
            ("reception-frequency", "words", "招待所房租"),
            ("reception-frequency", "words", "接待中心物业费"),
            ("meeting-meal", "meeting_words", "职工食堂会议室改造"),
            ("split-purchase", "works_words", "支付工程师咨询服务费"),
            ("split-purchase", "exclude_words", "购置移动硬盘"),
            ("common", "person_words", "寻甸县职工食堂"),
            ("common", "person_words", "县总工会职工之家"),
        ] {
            let l = list(section, key);
            assert_eq!(find_any(text, &l), None, "[{section}] {key} in “{text}”");
        }
    }

    /// The answer without the automaton: each word searched for in the text (what `find_any`
    /// did before a list carried its automaton, and still does for lists over 256 words).
    fn by_search<'w>(text: &str, list: &'w WordList) -> Option<&'w str> {
        first_word(text, list.words(), &Present::Unknown)
    }

    #[test]
    fn word_list_answers_as_the_search_of_each_word() {
        let lists = [
            // Overlapping words: the list's order decides, not the text's.
            w(&["会议费", "会议", "议费"]),
            w(&["议费", "会议", "会议费"]),
            // Several in the text: the first of the list that stands as a word.
            w(&["餐费", "接待", "招待", "会餐"]),
            w(&["会餐", "接待", "餐"]),
            // Empty words never match, wherever they stand in the list.
            w(&["", "接待", ""]),
            w(&[""]),
            // Nothing at all.
            w(&[]),
            // Words with other characters, one-character words, repeated words.
            w(&["ETC", "加油", "油", "加油", "2024年"]),
        ];
        let texts = [
            "支付会议费",
            "召开年度工作会议餐费",
            "会议室改造议费",
            "支付接待费及会餐费",
            "支付接待费、餐费",
            "招待所接待大厅餐费",
            "人工审核会餐费",
            "ETC通行费、加油费",
            "预付2024年物业费",
            "",
            "无关摘要",
        ];
        for list in &lists {
            for t in texts {
                assert_eq!(find_any(t, list), by_search(t, list), "{list:?} in “{t}”");
                assert_eq!(has_any(t, list), by_search(t, list).is_some());
            }
        }
        // The answers spelled out, so the comparison above cannot agree on nothing.
        assert_eq!(find_any("支付会议费", &lists[0]), Some("会议费"));
        // 会议 is not a word of 会议费 (its tail 议费 is, by the compound rule).
        assert_eq!(find_any("支付会议费", &lists[1]), Some("议费"));
        assert_eq!(find_any("召开年度工作会议餐费", &lists[1]), Some("会议"));
        assert_eq!(find_any("支付接待费、餐费", &lists[2]), Some("餐费"));
        assert_eq!(find_any("支付接待费及会餐费", &lists[3]), Some("会餐"));
        assert_eq!(find_any("招待所接待大厅餐费", &lists[3]), Some("餐"));
        assert_eq!(find_any("支付接待费", &lists[4]), Some("接待"));
        assert_eq!(find_any("支付接待费", &lists[5]), None);
        assert_eq!(find_any("支付接待费", &lists[6]), None);
        assert_eq!(find_any("ETC通行费、加油费", &lists[7]), Some("ETC"));
        assert_eq!(find_any("预付2024年物业费", &lists[7]), Some("2024年"));
    }

    /// A list of more than 256 words is searched word by word, with the same answers.
    #[test]
    fn a_long_word_list_answers_the_same() {
        let mut words: Vec<String> = (0..300).map(|k| format!("词{k}号")).collect();
        words.push("会议".into());
        words.insert(0, "会议费".into());
        let list = WordList::new(words);
        assert_eq!(find_any("支付会议费", &list), Some("会议费"));
        assert_eq!(find_any("召开工作会议", &list), Some("会议"));
        assert_eq!(find_any("支付词299号款", &list), Some("词299号"));
        assert_eq!(find_any("人工审核会餐费", &list), None);
    }

    /// Read from the TOML list as it is written, written back as the same list, and one
    /// automaton per list however many copies and lookups.
    #[test]
    fn word_list_reads_and_writes_as_a_list_of_strings() {
        #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
        struct Section {
            words: WordList,
            plain: Vec<String>,
        }
        let text = "words = [\"会议\", \"\", \"会议费\"]\nplain = [\"会议\", \"\", \"会议费\"]\n";
        let s: Section = toml::from_str(text).unwrap();
        assert_eq!(s.words.words(), s.plain.as_slice());
        assert_eq!(s.words.len(), 3);
        assert_eq!(toml::to_string(&s).unwrap(), text);
        let json = serde_json::to_string(&s.words).unwrap();
        assert_eq!(json, r#"["会议","","会议费"]"#);
        assert_eq!(serde_json::from_str::<WordList>(&json).unwrap(), s.words);
        // Not a list of strings: refused as the Vec<String> it stands for.
        assert!(toml::from_str::<Section>("words = \"会议\"\nplain = []").is_err());
        assert!(toml::from_str::<Section>("words = [1]\nplain = []").is_err());
        // Built on first use, shared by a copy made after.
        assert!(s.words.matcher.get().is_none());
        assert_eq!(find_any("支付会议费", &s.words), Some("会议费"));
        let copy = s.words.clone();
        assert!(copy.matcher.get().is_some());
        assert_eq!(find_any("召开会议", &copy), Some("会议"));
    }

    /// An engagement's rules override replaces a list whole; the rule's list answers with the
    /// engagement's words, and the built-in list is untouched.
    #[test]
    fn word_list_from_an_engagement_override() {
        #[derive(serde::Deserialize)]
        struct Banquet {
            banquet_words: WordList,
        }
        let builtin = crate::check::config::Config::builtin().unwrap();
        let (_, b): (_, toml::Table) = builtin.section("meeting-meal").unwrap();
        let b: Banquet = toml::Value::Table(b).try_into().unwrap();
        assert_eq!(find_any("年终职工会餐", &b.banquet_words), Some("会餐"));
        assert_eq!(find_any("支付农家乐团建费", &b.banquet_words), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(
            &path,
            "[meeting-meal]\nbanquet_words = [\"农家乐\", \"聚餐\"]\n\n[common]\nperson_words = [\"报账员\"]\n",
        )
        .unwrap();
        let over = crate::check::config::Config::with_overrides(Some(&path)).unwrap();
        let (_, o): (_, toml::Table) = over.section("meeting-meal").unwrap();
        let o: Banquet = toml::Value::Table(o).try_into().unwrap();
        assert_eq!(
            find_any("支付农家乐团建费", &o.banquet_words),
            Some("农家乐")
        );
        assert_eq!(find_any("支付聚餐费", &o.banquet_words), Some("聚餐"));
        assert_eq!(find_any("年终职工会餐", &o.banquet_words), None);
        let c = &over.common;
        assert!(is_person(
            "报账员王五甲乙",
            &c.org_suffixes,
            &c.person_words
        ));
        assert!(!builtin.common.person_words.contains(&"报账员".to_string()));
        assert!(!is_person(
            "报账员王五甲乙",
            &builtin.common.org_suffixes,
            &builtin.common.person_words
        ));
    }

    #[test]
    fn people_and_organisations() {
        let orgs = w(&["公司", "局", "中心", "酒店", "店", "会"]);
        let people = w(&["个人", "经办人"]);
        assert!(is_person("王丽珍", &orgs, &people));
        assert!(is_person("李明", &orgs, &people));
        assert!(is_person("经办人张三", &orgs, &people));
        assert!(!is_person("寻甸县宏达汽车修理有限公司", &orgs, &people));
        assert!(!is_person("县红十字会", &orgs, &people));
        assert!(!is_person("如家酒店", &orgs, &people));
        assert!(!is_person("", &orgs, &people));
    }

    #[test]
    fn visiting_groups() {
        let orgs = w(&["局", "大队", "组", "厅"]);
        assert_eq!(
            visitor("支付双柏县劳动保障监察大队6月13日午餐费", &orgs).as_deref(),
            Some("双柏县劳动保障监察大队")
        );
        assert_eq!(
            visitor("接待昆明市人社局调研组9月20日工作餐", &orgs).as_deref(),
            Some("昆明市人社局调研组")
        );
        assert_eq!(visitor("支付公务接待费", &orgs), None);
    }

    #[test]
    fn dates_and_meals() {
        let mut meals = std::collections::BTreeMap::new();
        for (k, v) in [("午餐", "午餐"), ("中餐", "午餐"), ("晚餐", "晚餐")] {
            meals.insert(k.to_string(), v.to_string());
        }
        let m = meals_by_day(
            "接待双柏县劳动保障监察大队6月13日午餐406.00元、晚餐388.00元",
            &meals,
        );
        assert_eq!(
            m,
            vec![(6, 13, "午餐".to_string()), (6, 13, "晚餐".to_string())]
        );
        let m = meals_by_day("2023-06-13中餐；2023-06-14晚餐", &meals);
        assert_eq!(m, vec![(6, 13, "午餐".into()), (6, 14, "晚餐".into())]);
        let m = meals_by_day("6.13午餐", &meals);
        assert_eq!(m, vec![(6, 13, "午餐".into())]);
        // An amount is not a date.
        assert!(day_mentions("支付6.13元手续费").is_empty());
        assert!(day_mentions("支付1-3月通行费").is_empty());
    }

    #[test]
    fn arithmetic_in_summaries() {
        let (p, a, b) = stated_product("支付春节慰问费（16人*500.00元/人）").unwrap();
        assert_eq!(
            (p, a.to_string(), b.to_string()),
            (Fen(800_000), "16".into(), "500.00".into())
        );
        assert_eq!(
            stated_product("慰问金500元/人×12人").unwrap().0,
            Fen(600_000)
        );
        assert_eq!(stated_product("误餐补助 20人X30元").unwrap().0, Fen(60_000));
        assert!(stated_product("支付办公用品费").is_none());
        assert_eq!(headcount("工作餐12人"), Some(12));
        assert_eq!(headcount("支付接待费"), None);
    }
}
