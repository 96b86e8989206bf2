//! GPU model names: one normalised spelling per model (`RTX 4090`, `A100 SXM4 40GB`), the
//! `"<n>x <model>"` line Clore lists, and the model filter of the query language.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Words that name a vendor or brand rather than a model; hosts' drivers add them
/// inconsistently, so keeping them would split one model into several spellings.
const VENDOR_WORDS: [&str; 4] = ["nvidia", "geforce", "amd", "intel"];

/// Letter-only words written in capitals by their makers.
const UPPER_WORDS: [&str; 11] = ["rtx", "gtx", "gt", "rx", "xt", "xtx", "gb", "sxm", "nvl", "hbm", "titan"];

/// Series prefixes sometimes glued to the number (`RTX4090`); longest first so `gtx` wins over `gt`.
const GLUED_PREFIXES: [&str; 4] = ["rtx", "gtx", "gt", "rx"];

/// Variant suffixes: a different, dearer card than the bare number, so a filter must name them
/// to match. Longest first so `xtx` wins over `xt`.
const VARIANTS: [&str; 4] = ["super", "xtx", "xt", "ti"];

/// A normalised GPU model name. Normalising is case-insensitive and idempotent, so two
/// spellings of one model compare equal and can key an index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct GpuModel(String);

impl GpuModel {
    /// `"NVIDIA GeForce RTX 4090"` → `RTX 4090`; `"NVIDIA A100-SXM4-40GB"` → `A100 SXM4 40GB`.
    pub fn normalise(raw: &str) -> GpuModel {
        let mut words: Vec<String> = Vec::new();
        for word in raw.split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
            let lower = word.to_lowercase();
            if lower.is_empty() || VENDOR_WORDS.contains(&lower.as_str()) {
                continue;
            }
            for piece in unglue(&lower) {
                // `80 GB` and `80GB` are the same memory size; keep one spelling.
                if piece == "gb"
                    && let Some(prev) = words.last_mut()
                    && !prev.is_empty()
                    && prev.bytes().all(|b| b.is_ascii_digit())
                {
                    prev.push_str("gb");
                } else {
                    words.push(piece.to_owned());
                }
            }
        }
        GpuModel(words.iter().map(|w| canonical_case(w)).collect::<Vec<_>>().join(" "))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Lower-case words of the name, what filters match against.
    pub fn tokens(&self) -> Vec<String> {
        self.0.split_whitespace().map(str::to_lowercase).collect()
    }
}

impl fmt::Display for GpuModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `rtx4090` → `rtx 4090` and `3060ti` → `3060 ti`, so glued spellings (common in
/// what people type) match the spaced ones Clore lists. Names like `a100` stay whole.
fn unglue(lower: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(3);
    let mut rest = lower;
    for p in GLUED_PREFIXES {
        if let Some(tail) = rest.strip_prefix(p)
            && tail.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push(p);
            rest = tail;
            break;
        }
    }
    for v in VARIANTS {
        if let Some(head) = rest.strip_suffix(v)
            && head.ends_with(|c: char| c.is_ascii_digit())
        {
            out.push(head);
            out.push(v);
            return out;
        }
    }
    out.push(rest);
    out
}

fn canonical_case(lower: &str) -> String {
    match lower {
        "ti" => "Ti".to_owned(),
        "super" => "SUPER".to_owned(),
        "pcie" => "PCIe".to_owned(),
        "xp" => "Xp".to_owned(),
        _ if UPPER_WORDS.contains(&lower) || lower.chars().any(|c| c.is_ascii_digit()) => lower.to_uppercase(),
        _ => {
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// Clore's `specs.gpu`: `"2x A100 80GB PCIe"` → (2, `A100 80GB PCIe`). Without a count prefix
/// the count is 1; an empty line is (0, empty). A count too large for `u32` saturates: such a
/// listing is garbage either way, and it must not take the whole snapshot down.
pub fn parse_gpu_line(raw: &str) -> (u32, GpuModel) {
    let line = raw.trim();
    if line.is_empty() {
        return (0, GpuModel::default());
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        // The `x` must stand alone after the digits: `7900XTX` is a model, not 7900 GPUs.
        let after = &line[digits..];
        if let Some(model) = after.strip_prefix(['x', 'X', '×'])
            && (model.is_empty() || model.starts_with(char::is_whitespace))
        {
            let count = line[..digits].parse::<u32>().unwrap_or(u32::MAX);
            return (count, GpuModel::normalise(model));
        }
    }
    (1, GpuModel::normalise(line))
}

/// The model part of a query: every phrase must occur, as whole words in order, in the
/// model's name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelFilter {
    phrases: Vec<Vec<String>>,
}

impl ModelFilter {
    /// Each phrase is a user's term (`4090`, `rtx 3090`, `a100 80gb`), normalised like model
    /// names. A phrase that normalises to nothing (`nvidia`) constrains nothing and is dropped.
    pub fn new(phrases: Vec<String>) -> ModelFilter {
        let phrases =
            phrases.iter().map(|p| GpuModel::normalise(p).tokens()).filter(|t| !t.is_empty()).collect::<Vec<_>>();
        ModelFilter { phrases }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.iter().all(Vec::is_empty)
    }

    /// The phrases in display spelling (`RTX 3090`).
    pub fn phrases(&self) -> Vec<String> {
        self.phrases.iter().filter(|p| !p.is_empty()).map(|p| GpuModel::normalise(&p.join(" ")).0).collect()
    }

    pub fn matches(&self, m: &GpuModel) -> bool {
        self.is_empty() || self.matches_tokens(&m.tokens())
    }

    /// [`ModelFilter::matches`] on a model's [`GpuModel::tokens`], for callers that check
    /// one model against many filters.
    pub fn matches_tokens(&self, model: &[String]) -> bool {
        self.is_empty() || self.phrases.iter().filter(|p| !p.is_empty()).all(|p| self.phrase_matches(p, model))
    }

    fn phrase_matches(&self, phrase: &[String], model: &[String]) -> bool {
        if phrase.len() > model.len() {
            return false;
        }
        (0..=model.len() - phrase.len()).any(|start| {
            let end = start + phrase.len();
            model[start..end] == *phrase && model.get(end).is_none_or(|next| !self.excludes_variant(next))
        })
    }

    /// `3090` means the plain card: a `Ti` right after the match rules the model out unless
    /// some phrase asks for it.
    fn excludes_variant(&self, token: &str) -> bool {
        VARIANTS.contains(&token) && !self.phrases.iter().any(|p| p.iter().any(|t| t == token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_table() {
        let cases = [
            ("NVIDIA GeForce RTX 4090", "RTX 4090"),
            ("A100 80GB PCIe", "A100 80GB PCIe"),
            ("NVIDIA A100-SXM4-40GB", "A100 SXM4 40GB"),
            ("NVIDIA GeForce GTX 1080 Ti", "GTX 1080 Ti"),
            ("NVIDIA GeForce RTX 4080 SUPER", "RTX 4080 SUPER"),
            ("NVIDIA RTX A6000", "RTX A6000"),
            ("NVIDIA H100 80GB HBM3", "H100 80GB HBM3"),
            (" nvidia geforce rtx 3060 ti ", "RTX 3060 Ti"),
            ("rtx 4090", "RTX 4090"),
            ("RTX 4090", "RTX 4090"),
            ("rtx4090", "RTX 4090"),
            ("geforce rtx3060ti", "RTX 3060 Ti"),
            ("4080super", "4080 SUPER"),
            ("AMD Radeon RX 7900 XTX", "Radeon RX 7900 XTX"),
            ("amd radeon rx7900xtx", "Radeon RX 7900 XTX"),
            ("RADEON rx 6800 xt", "Radeon RX 6800 XT"),
            ("Tesla V100-PCIE-16GB", "Tesla V100 PCIe 16GB"),
            ("NVIDIA TITAN Xp", "TITAN Xp"),
            ("Intel Arc A770", "Arc A770"),
            ("a100 80 gb", "A100 80GB"),
            ("A100__SXM4", "A100 SXM4"),
            ("NVIDIA", ""),
            ("", ""),
            ("   ", ""),
            ("🙂", "🙂"),
        ];
        for (raw, want) in cases {
            assert_eq!(GpuModel::normalise(raw).as_str(), want, "normalise({raw:?})");
            // Idempotent: a normalised name normalises to itself.
            assert_eq!(GpuModel::normalise(want).as_str(), want, "normalise({want:?}) again");
        }
    }

    #[test]
    fn tokens_and_display() {
        let m = GpuModel::normalise("NVIDIA A100-SXM4-40GB");
        assert_eq!(m.tokens(), ["a100", "sxm4", "40gb"]);
        assert_eq!(m.to_string(), "A100 SXM4 40GB");
        assert!(GpuModel::normalise("").tokens().is_empty());
        assert!(GpuModel::default().is_empty());
    }

    #[test]
    fn gpu_line_table() {
        let cases: [(&str, u32, &str); 14] = [
            ("1x NVIDIA GeForce RTX 4090", 1, "RTX 4090"),
            ("2x A100 80GB PCIe", 2, "A100 80GB PCIe"),
            ("8x NVIDIA H100 80GB HBM3", 8, "H100 80GB HBM3"),
            ("   4x NVIDIA GeForce RTX 3090", 4, "RTX 3090"),
            ("NVIDIA GeForce RTX 3060", 1, "RTX 3060"),
            ("7900 XTX", 1, "7900 XTX"),
            ("7900XTX", 1, "7900 XTX"),
            ("", 0, ""),
            ("   ", 0, ""),
            ("x", 1, "X"),
            ("0x", 0, ""),
            ("99999999999x RTX", u32::MAX, "RTX"),
            ("🙂", 1, "🙂"),
            ("3X  rtx 4090", 3, "RTX 4090"),
        ];
        for (raw, count, model) in cases {
            assert_eq!(parse_gpu_line(raw), (count, GpuModel::normalise(model)), "parse_gpu_line({raw:?})");
        }
    }

    #[test]
    fn gpu_line_never_panics() {
        for raw in ["", "x", "0x", "99999999999x RTX", "🙂", "1×", "12", "1x🙂", "x1", "--", "é1x", "1\u{0}x"] {
            let _ = parse_gpu_line(raw);
        }
    }

    fn filter(phrases: &[&str]) -> ModelFilter {
        ModelFilter::new(phrases.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn filter_table() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&[], "RTX 4090", true),
            (&[], "", true),
            (&["4090"], "RTX 4090", true),
            (&["4090"], "NVIDIA GeForce RTX 4090", true),
            (&["rtx", "4090"], "RTX 4090", true),
            (&["rtx 4090"], "RTX 4090", true),
            (&["rtx4090"], "RTX 4090", true),
            (&["RTX 4090"], "RTX 4090", true),
            (&["rtx", "4090"], "RTX 3090", false),
            (&["4090 rtx"], "RTX 4090", false),
            // Variant strictness.
            (&["3090"], "RTX 3090 Ti", false),
            (&["3090"], "RTX 3090", true),
            (&["3090 ti"], "RTX 3090 Ti", true),
            (&["3090ti"], "RTX 3090 Ti", true),
            (&["3090", "ti"], "RTX 3090 Ti", true),
            (&["3090 ti"], "RTX 3090", false),
            (&["4080"], "RTX 4080 SUPER", false),
            (&["4080 super"], "RTX 4080 SUPER", true),
            (&["7900"], "Radeon RX 7900 XTX", false),
            (&["7900 xtx"], "Radeon RX 7900 XTX", true),
            (&["7900 xt"], "Radeon RX 7900 XTX", false),
            (&["6800"], "Radeon RX 6800 XT", false),
            // A broad word matches every model of its series; the variant rule looks only
            // at the word right after the match.
            (&["rtx"], "RTX 3090 Ti", true),
            (&["rtx"], "RTX 4080 SUPER", true),
            (&["rtx"], "RTX A6000", true),
            (&["rtx"], "A100 80GB PCIe", false),
            (&["a100"], "A100 80GB PCIe", true),
            (&["a100"], "A100 SXM4 40GB", true),
            (&["a100 80gb"], "A100 80GB PCIe", true),
            (&["a100 80gb"], "A100 SXM4 40GB", false),
            (&["a100", "80gb"], "A100 80GB PCIe", true),
            // Whole words only.
            (&["409"], "RTX 4090", false),
            (&["a10"], "A100 80GB PCIe", false),
            (&["a100"], "A10", false),
            (&["40"], "A100 SXM4 40GB", false),
            (&["4090"], "", false),
            // Vendor words are dropped from the phrase too.
            (&["nvidia"], "RTX 4090", true),
            (&["geforce 4090"], "RTX 4090", true),
        ];
        for (phrases, model, want) in cases {
            let m = GpuModel::normalise(model);
            assert_eq!(filter(phrases).matches(&m), *want, "{phrases:?} vs {model:?}");
        }
    }

    #[test]
    fn filter_phrases_and_emptiness() {
        assert!(filter(&[]).is_empty());
        assert!(filter(&["nvidia", ""]).is_empty());
        let f = filter(&["rtx 3090", "a100-80gb"]);
        assert!(!f.is_empty());
        assert_eq!(f.phrases(), ["RTX 3090", "A100 80GB"]);
    }
}
