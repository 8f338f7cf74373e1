//! Audit sampling as jfa does it: plan → select → evaluate, with jfa's parameter names.
//! Planning and evaluation are pure statistics (no frames); selection reads the load frames.
pub mod audited;
pub mod dist;
pub mod document;
pub mod evaluate;
pub mod plan;
pub mod planned;
pub mod population;
pub mod population_def;
pub mod select;
pub mod spec;
pub mod stream;

use serde::{Deserialize, Serialize};

/// A setting's value that is none of its names (engagement.toml or a flag); says which are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub value: String,
    pub allowed: &'static [&'static str],
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "“{}” 不是可用的值，应为 {} 之一",
            self.value,
            self.allowed.join("、")
        )
    }
}

impl std::error::Error for UnknownName {}

/// `NAMES`, `name()` and `FromStr` for an enum whose values a plan names by string; the names
/// are those its serde attributes give it.
macro_rules! named {
    ($t:ty { $($v:ident = $n:literal),+ $(,)? }) => {
        impl $t {
            /// Every value's name, as engagement.toml and the command line spell it.
            pub const NAMES: &'static [&'static str] = &[$($n),+];

            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$v => $n),+
                }
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::sample::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($n => Ok(Self::$v),)+
                    _ => Err($crate::sample::UnknownName {
                        value: s.to_string(),
                        allowed: Self::NAMES,
                    }),
                }
            }
        }
    };
}
pub(crate) use named;

/// The likelihood a plan or bound rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    Binomial,
    Poisson,
    Hypergeometric,
}

named!(Likelihood {
    Binomial = "binomial",
    Poisson = "poisson",
    Hypergeometric = "hypergeometric",
});
