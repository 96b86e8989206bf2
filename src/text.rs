//! Bounds on what replies repeat of user input, and what of it may be stored.

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

/// The first control character in `s` other than tab and line breaks: Postgres refuses
/// U+0000 in text, and the others print as nothing or move a terminal's cursor.
pub fn control_char(s: &str) -> Option<char> {
    s.chars().find(|&c| refused(c))
}

fn refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `s` with its control characters (see [`control_char`]) as U+FFFD: for what a platform
/// tells us and we keep as it comes (a person's name, a chat's title).
pub fn storable(s: &str) -> std::borrow::Cow<'_, str> {
    if control_char(s).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars().map(|c| if refused(c) { '\u{fffd}' } else { c }).collect()
}

/// Environment values for a Debug line: the names with their values hidden (a value may be a
/// token), `{"HF_TOKEN": "••••"}`.
pub fn env_names(env: &std::collections::BTreeMap<String, String>) -> std::collections::BTreeMap<&str, &'static str> {
    env.keys().map(|k| (k.as_str(), "••••")).collect()
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

    #[test]
    fn control_characters_are_found_and_replaced_but_not_line_breaks() {
        assert_eq!(control_char("4090\0 max=4"), Some('\0'));
        assert_eq!(control_char("a\u{1b}[2J"), Some('\u{1b}'));
        assert_eq!(control_char("a\u{85}b"), Some('\u{85}'));
        assert_eq!(control_char("two\nlines\tand\r\n"), None);
        assert_eq!(storable("Ann\0\u{7f}"), "Ann\u{fffd}\u{fffd}");
        assert!(matches!(storable("Ann"), std::borrow::Cow::Borrowed("Ann")));
    }
}
