//! Bounds on what replies repeat of user input.

/// How much of a user's input a reply repeats (a term, a name, a query).
pub const ECHO_MAX: usize = 60;

/// At most `max` characters of text a user gave us, with `…` where it was cut: every echo
/// of input in a reply goes through this, so a 100 KB message is never repeated back. Its
/// backticks become apostrophes: replies mark code with backticks
/// (`core::inline`), and echoed input must not open or close a span.
pub fn clip(s: &str, max: usize) -> String {
    bound(&s.replace('`', "'"), max)
}

/// At most `max` characters of our own text (backtick marks kept), `…` where it was cut.
pub fn bound(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max.saturating_sub(1)).collect::<String>())
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("€€€€€€", 4), "€€€…");
        assert_eq!(clip(&"x".repeat(100_000), ECHO_MAX).chars().count(), ECHO_MAX);
    }
}
