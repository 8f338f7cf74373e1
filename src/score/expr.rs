//! Safe, exact expressions over named inputs: `budget.expenditure / budget.adjusted * 100`.
//! Decimal arithmetic only; + − × ÷, parentheses, unary minus, min/max/abs. No file, process
//! or variable assignment. Length, nesting depth and the number of operations are bounded,
//! so a hostile indicator set cannot exhaust the stack (the tree is walked recursively), and
//! errors quote at most an excerpt of the expression.

use crate::errors::excerpt;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

const MAX_DEPTH: usize = 64;
/// Characters an expression may have (an indicator's formula is a line, not a page).
pub const MAX_LEN: usize = 1000;
/// Operations (+ − × ÷, negation, function call) an expression may have: a flat chain of
/// them is as deep a tree as nested parentheses are.
pub const MAX_OPS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Var(String),
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    Missing(String),
    DivisionByZero(String),
    Overflow,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Missing(n) => write!(f, "缺少输入 {}", excerpt(n)),
            EvalError::DivisionByZero(d) => write!(f, "除数 {} 为零", excerpt(d)),
            EvalError::Overflow => write!(f, "计算溢出"),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
    ops: usize,
}

pub fn parse(text: &str) -> Result<Expr, String> {
    let len = text.chars().count();
    if len > MAX_LEN {
        return Err(format!(
            "表达式过长（{len} 个字符，上限 {MAX_LEN}）：“{}”",
            excerpt(text)
        ));
    }
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        depth: 0,
        ops: 0,
    };
    let e = p.sum()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!(
            "表达式“{}”在第 {} 个字符处无法解析",
            excerpt(text),
            p.i + 1
        ));
    }
    Ok(e)
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "表达式“{}”嵌套过深（超过 {MAX_DEPTH} 层）",
                excerpt(self.text)
            ));
        }
        Ok(())
    }
    /// One more operation node.
    fn op(&mut self) -> Result<(), String> {
        self.ops += 1;
        if self.ops > MAX_OPS {
            return Err(format!(
                "表达式“{}”的运算过多（超过 {MAX_OPS} 个）",
                excerpt(self.text)
            ));
        }
        Ok(())
    }
    fn sum(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let mut l = self.product()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.i += 1;
            self.op()?;
            let r = self.product()?;
            l = Expr::Bin(op as char, Box::new(l), Box::new(r));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn product(&mut self) -> Result<Expr, String> {
        let mut l = self.unary()?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.i += 1;
            self.op()?;
            let r = self.unary()?;
            l = Expr::Bin(op as char, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(b'-') {
            self.i += 1;
            self.op()?;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(e)));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some(b'(') => {
                self.i += 1;
                let e = self.sum()?;
                if self.peek() != Some(b')') {
                    return Err(format!("表达式“{}”缺少右括号", excerpt(self.text)));
                }
                self.i += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.')
                {
                    self.i += 1;
                }
                let t = &self.text[start..self.i];
                Decimal::from_str(t)
                    .map(Expr::Num)
                    .map_err(|_| format!("数字“{}”无法识别", excerpt(t)))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_alphanumeric()
                        || matches!(self.s[self.i], b'_' | b'.'))
                {
                    self.i += 1;
                }
                let name = self.text[start..self.i].to_string();
                if self.peek() == Some(b'(') {
                    if !matches!(name.as_str(), "min" | "max" | "abs") {
                        return Err(format!(
                            "不支持的函数 {}（可用 min、max、abs）",
                            excerpt(&name)
                        ));
                    }
                    self.i += 1;
                    self.op()?;
                    let mut args = vec![self.sum()?];
                    while self.peek() == Some(b',') {
                        self.i += 1;
                        args.push(self.sum()?);
                    }
                    if self.peek() != Some(b')') {
                        return Err(format!("函数 {name} 缺少右括号"));
                    }
                    self.i += 1;
                    return Ok(Expr::Call(name, args));
                }
                Ok(Expr::Var(name))
            }
            _ => Err(format!(
                "表达式“{}”在第 {} 个字符处无法解析",
                excerpt(self.text),
                self.i + 1
            )),
        }
    }
}

impl Expr {
    /// Every input name the expression reads.
    pub fn vars(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(v) => out.push(v.clone()),
            Expr::Neg(e) => e.vars(out),
            Expr::Bin(_, a, b) => {
                a.vars(out);
                b.vars(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.vars(out)),
        }
    }

    pub fn eval(&self, env: &BTreeMap<String, Decimal>) -> Result<Decimal, EvalError> {
        Ok(match self {
            Expr::Num(d) => *d,
            Expr::Var(v) => *env.get(v).ok_or_else(|| EvalError::Missing(v.clone()))?,
            Expr::Neg(e) => -e.eval(env)?,
            Expr::Bin(op, a, b) => {
                let (x, y) = (a.eval(env)?, b.eval(env)?);
                match op {
                    '+' => x.checked_add(y).ok_or(EvalError::Overflow)?,
                    '-' => x.checked_sub(y).ok_or(EvalError::Overflow)?,
                    '*' => x.checked_mul(y).ok_or(EvalError::Overflow)?,
                    _ => {
                        if y.is_zero() {
                            return Err(EvalError::DivisionByZero(b.to_string()));
                        }
                        x.checked_div(y).ok_or(EvalError::Overflow)?
                    }
                }
            }
            Expr::Call(f, args) => {
                let v: Vec<Decimal> = args.iter().map(|a| a.eval(env)).collect::<Result<_, _>>()?;
                match f.as_str() {
                    "min" => v.into_iter().min().unwrap_or_default(),
                    "max" => v.into_iter().max().unwrap_or_default(),
                    _ => v.first().map(|d| d.abs()).unwrap_or_default(),
                }
            }
        })
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Num(d) => write!(f, "{d}"),
            Expr::Var(v) => write!(f, "{v}"),
            Expr::Neg(e) => write!(f, "-{e}"),
            Expr::Bin(op, a, b) => write!(f, "({a} {op} {b})"),
            Expr::Call(n, args) => {
                let a: Vec<String> = args.iter().map(|x| x.to_string()).collect();
                write!(f, "{n}({})", a.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, Decimal> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Decimal::from_str(v).unwrap()))
            .collect()
    }

    #[test]
    fn evaluates_exactly() {
        let e = parse("budget.expenditure / budget.adjusted * 100").unwrap();
        let v = e
            .eval(&env(&[
                ("budget.expenditure", "18854402.47"),
                ("budget.adjusted", "19854773.32"),
            ]))
            .unwrap();
        assert_eq!(v.round_dp(2).to_string(), "94.96");
        assert_eq!(
            parse("-(1 + 2) * 3").unwrap().eval(&env(&[])).unwrap(),
            Decimal::from(-9)
        );
        assert_eq!(
            parse("max(1, 2.5, 2)")
                .unwrap()
                .eval(&env(&[]))
                .unwrap()
                .to_string(),
            "2.5"
        );
        assert_eq!(
            parse("0.1 + 0.2")
                .unwrap()
                .eval(&env(&[]))
                .unwrap()
                .to_string(),
            "0.3"
        );
    }

    #[test]
    fn reports_missing_inputs_and_division_by_zero() {
        let e = parse("a / b").unwrap();
        assert_eq!(
            e.eval(&env(&[("a", "1")])),
            Err(EvalError::Missing("b".into()))
        );
        assert_eq!(
            e.eval(&env(&[("a", "1"), ("b", "0")])),
            Err(EvalError::DivisionByZero("b".into()))
        );
    }

    #[test]
    fn rejects_what_is_not_arithmetic() {
        for bad in ["1 +", "system(1)", "a ; b", "(1", "1 ** 2", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).is_err());
        let deep_neg = format!("{}1", "-".repeat(500));
        assert!(parse(&deep_neg).is_err());
    }

    #[test]
    fn long_and_flat_expressions_are_bounded_with_an_excerpt() {
        // 50,000 terms in a flat chain: before, parsed into a 50,000-deep tree whose walk
        // overflowed the stack (abort).
        let flat = vec!["a"; 50_000].join(" + ");
        let e = parse(&flat).unwrap_err();
        assert!(e.contains("过长") && e.chars().count() < 150, "{e}");
        let ops = vec!["1"; MAX_OPS + 2].join("+");
        assert!(ops.len() < MAX_LEN);
        let e = parse(&ops).unwrap_err();
        assert!(e.contains("运算过多") && e.chars().count() < 150, "{e}");
        let ok = vec!["1"; MAX_OPS + 1].join("+");
        assert_eq!(
            parse(&ok).unwrap().eval(&env(&[])).unwrap(),
            Decimal::from(MAX_OPS as i64 + 1)
        );
        let e = parse(&format!("({}", "b".repeat(900))).unwrap_err();
        assert!(e.chars().count() < 150, "{e}");
    }
}
