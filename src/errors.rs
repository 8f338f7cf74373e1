//! How an error is shown: never more than a short excerpt of what a file contains.
//!
//! Errors carry text from the files they are about — a TOML parser quotes the offending
//! line, serde quotes the value it could not take, a reader quotes a cell. A file that is
//! not what it was said to be (an indicator set pointed at /etc/passwd) or a hostile value
//! (a 20 KB expression) must not come back whole on the screen or in a log, so every error
//! goes through [`render`]: TOML errors are re-worded with line and column instead of the
//! line itself, and any quoted stretch (`…`, "…", “…”) longer than [`EXCERPT`] characters is cut.

/// The most characters of file content an error quotes in one place.
pub const EXCERPT: usize = 60;

/// At most `max` characters of `s` (on one line), with `…` when cut.
pub fn excerpt_n(s: &str, max: usize) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut it = one_line.chars();
    let head: String = it.by_ref().take(max).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// At most [`EXCERPT`] characters of `s`, with `…` when cut.
pub fn excerpt(s: &str) -> String {
    excerpt_n(s, EXCERPT)
}

/// Cut every quoted stretch of `msg` longer than [`EXCERPT`] characters; the quotes
/// understood are `…`, "…" and “…”. An unclosed quote runs to the end of the message.
pub fn shorten_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(4096));
    let mut rest = msg;
    while let Some((i, open)) = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '`' | '"' | '“'))
    {
        let close = if open == '“' { '”' } else { open };
        out.push_str(&rest[..i + open.len_utf8()]);
        let inner = &rest[i + open.len_utf8()..];
        match inner.find(close) {
            Some(j) => {
                out.push_str(&excerpt(&inner[..j]));
                out.push(close);
                rest = &inner[j + close.len_utf8()..];
            }
            None => {
                out.push_str(&excerpt(inner));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A TOML error in one line: where and what, without the line itself (a file that is not
/// TOML at all — /etc/passwd given as an indicator set — is not echoed back; line and column
/// find the place in an editor).
fn render_toml(e: &toml::de::Error) -> String {
    let mut bare = e.clone();
    bare.set_input(None);
    let what = bare.to_string();
    let what = toml_in_chinese(&in_chinese(&shorten_quoted(what.trim()))).replace('\n', "；");
    // With its input, the error's text begins "TOML parse error at line L, column C".
    let full = e.to_string();
    let place = full
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("TOML parse error at line "))
        .and_then(|l| {
            let (line, col) = l.split_once(", column ")?;
            Some((
                line.trim().parse::<usize>().ok()?,
                col.trim().parse::<usize>().ok()?,
            ))
        });
    match place {
        Some((line, col)) => format!("TOML 格式有误（第 {line} 行第 {col} 列）：{what}"),
        None => format!("TOML 格式有误：{what}"),
    }
}

/// The common phrases of serde's and the OS's errors in Chinese, so a message reads as one
/// sentence (`missing field \`plans\`` → 缺少键 `plans`). Unknown phrasing is left as it is.
pub fn in_chinese(msg: &str) -> String {
    let mut s = msg.to_string();
    // serde's type words only where serde speaks of types (a path may hold "u64").
    let typed = s.contains("invalid type: ") || s.contains("invalid value: ");
    for (en, zh) in [
        ("missing field ", "缺少键 "),
        ("unknown field ", "未知的键 "),
        ("unknown variant ", "未知的取值 "),
        (", expected one of ", "，应为以下之一："),
        (", there are no fields", "，此处不接受任何键"),
        ("duplicate key ", "重复的键 "),
        ("duplicate field ", "重复的键 "),
        ("invalid type: ", "类型不对："),
        ("invalid value: ", "取值不对："),
        ("invalid length ", "个数不对 "),
        (" at line ", " 位于第 "),
        (" column ", " 行第 "),
        ("No such file or directory", "文件或目录不存在"),
        ("Permission denied", "没有权限"),
        ("File name too long", "文件名过长"),
        ("Read-only file system", "只读文件系统"),
        ("No space left on device", "磁盘空间不足"),
        ("Is a directory", "是一个目录"),
        ("Not a directory", "路径中有一段不是目录"),
        ("Directory not empty", "目录不是空的"),
        ("File exists", "文件已存在"),
    ] {
        s = s.replace(en, zh);
    }
    if typed {
        for (en, zh) in [
            (", expected ", "，应为 "),
            ("integer ", "整数 "),
            ("string ", "字符串 "),
            ("floating point ", "小数 "),
            ("a sequence", "数组"),
            ("a string", "字符串"),
            ("a boolean", "true/false"),
            ("u64", "非负整数"),
            ("u32", "非负整数"),
            ("i32", "整数"),
            ("i64", "整数"),
            ("f64", "数"),
        ] {
            s = s.replace(en, zh);
        }
    }
    // "(os error 13)": the number helps nobody reading a sentence.
    while let Some(i) = s.find(" (os error ") {
        match s[i..].find(')') {
            Some(j) => s.replace_range(i..i + j + 1, ""),
            None => break,
        }
    }
    s
}

/// The TOML parser's own phrases (a syntax error in any data file: engagement.toml,
/// review.toml, an indicator set …) in Chinese, the longest phrases first; what is quoted in
/// backticks (the characters expected) is left as it is.
fn toml_in_chinese(msg: &str) -> String {
    let mut s = msg.to_string();
    for (en, zh) in [
        ("invalid multiline basic string", "多行字符串无效或未闭合"),
        ("invalid multiline literal string", "多行字符串无效或未闭合"),
        ("invalid multi-line basic string", "多行字符串无效或未闭合"),
        (
            "invalid multi-line literal string",
            "多行字符串无效或未闭合",
        ),
        ("string values must be quoted", "文字取值须加引号"),
        ("unquoted keys cannot be empty", "键不能为空"),
        ("missing escaped value", "反斜杠后缺少转义字符"),
        ("duplicate key", "重复的键"),
        ("month between 01 and 12", "01 至 12 之间的月份"),
        ("day between 01 and 28", "01 至 28 之间的日"),
        ("day between 01 and 29", "01 至 29 之间的日"),
        ("day between 01 and 30", "01 至 30 之间的日"),
        ("day between 01 and 31", "01 至 31 之间的日"),
        ("hour between 00 and 23", "00 至 23 之间的小时"),
        ("minute between 00 and 59", "00 至 59 之间的分钟"),
        ("second between 00 and 60", "00 至 60 之间的秒"),
        ("invalid date-time", "日期时间无效"),
        ("invalid date", "日期无效"),
        ("invalid time", "时间无效"),
        ("invalid floating-point number", "小数无效"),
        ("invalid float", "小数无效"),
        ("invalid basic string", "字符串（\"…\"）无效或未闭合"),
        ("invalid literal string", "字符串（'…'）无效或未闭合"),
        ("invalid unquoted key", "键无效"),
        ("invalid escape sequence", "转义序列无效"),
        ("invalid table header", "表头（[…]）无效"),
        ("invalid inline table", "内联表（{…}）无效"),
        ("invalid integer", "整数无效"),
        ("invalid exponent", "指数无效"),
        ("invalid boolean", "布尔值无效（应为 true 或 false）"),
        ("invalid hexadecimal", "十六进制数无效"),
        ("invalid octal", "八进制数无效"),
        ("invalid binary", "二进制数无效"),
        ("invalid unicode", "Unicode 转义无效"),
        ("invalid string", "字符串无效"),
        ("invalid array", "数组无效"),
        ("invalid key", "键无效"),
        ("literal string", "加引号的字符串"),
        ("unclosed array table", "[[…]] 表头的方括号未闭合"),
        ("unclosed inline table", "内联表的花括号未闭合"),
        ("unclosed table", "[…] 表头的方括号未闭合"),
        ("unclosed array", "数组的方括号未闭合"),
        ("unexpected end of input", "文件意外结束"),
        ("unexpected content", "此处有多余的内容"),
        ("key with no value", "键缺少取值"),
        (" in document root", "（文档顶层）"),
        (" in table ", "，位于表 "),
        (", expected nothing", "，此处不应有内容"),
        ("expected nothing", "此处不应有内容"),
        (", expected ", "，应为 "),
        ("expected ", "应为 "),
        ("newline", "换行"),
        ("digits", "数字"),
        ("digit", "数字"),
        ("letters, numbers, ", "字母、数字、"),
    ] {
        s = s.replace(en, zh);
    }
    s
}

/// One cause of an error chain, as shown.
fn render_one(e: &(dyn std::error::Error + 'static)) -> String {
    if let Some(t) = e.downcast_ref::<toml::de::Error>() {
        return render_toml(t);
    }
    in_chinese(&shorten_quoted(&e.to_string()))
}

/// An error and its causes, joined as `{:#}` joins them, each cut to short excerpts.
pub fn render(e: &anyhow::Error) -> String {
    e.chain().map(render_one).collect::<Vec<_>>().join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("abc"), "abc");
        let long = "x".repeat(20_000);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT + 1);
        let msg = format!("表达式“{long}”无法解析，`{long}` 与 \"{long}\"");
        let s = shorten_quoted(&msg);
        assert!(s.chars().count() < 4 * EXCERPT, "{s}");
        assert!(s.starts_with("表达式“x") && s.contains("”无法解析，`x"));
        assert_eq!(shorten_quoted("无引号的句子"), "无引号的句子");
        assert_eq!(shorten_quoted("未闭合“abc"), "未闭合“abc");
    }

    #[test]
    fn serde_and_os_phrases_read_in_chinese() {
        assert_eq!(in_chinese("missing field `plans`"), "缺少键 `plans`");
        assert_eq!(
            in_chinese("unknown field `size`, expected one of `name`, `unit`"),
            "未知的键 `size`，应为以下之一：`name`, `unit`"
        );
        assert_eq!(
            in_chinese("invalid value: integer `-5`, expected u64"),
            "取值不对：整数 `-5`，应为 非负整数"
        );
        assert_eq!(
            in_chinese("无法写入 x: Permission denied (os error 13)"),
            "无法写入 x: 没有权限"
        );
    }

    #[test]
    fn toml_errors_do_not_quote_the_line() {
        let secret = format!(
            "root:x:0:0:root:/root:/bin/bash{}\nsecond line",
            "y".repeat(500)
        );
        let e = toml::from_str::<toml::Table>(&secret).unwrap_err();
        let s = render(&anyhow::Error::new(e).context("指标体系文件 x 有误"));
        assert!(
            s.starts_with("指标体系文件 x 有误: TOML 格式有误（第 1 行"),
            "{s}"
        );
        assert!(!s.contains("root:x") && !s.contains("second line"), "{s}");
        assert!(s.chars().count() < 300, "{s}");
    }
}
