//! Help text: one table that every front-end shows (`/help`, Telegram's command menu,
//! Discord's slash-command descriptions) and that parse errors quote for usage. The words
//! are the catalogue's (`src/i18n/*/help.ftl`), in every language.

use crate::i18n::{self, Lang};
use crate::t;

pub struct CommandHelp {
    pub name: &'static str,
}

/// Every command, in the order `/help` and the menus list them. Their usage, summary and
/// details are the catalogue's `help-<name>-usage`, `-summary` (at most 100 characters,
/// Discord's limit for a description) and `-details` (optional).
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp { name: "start" },
    CommandHelp { name: "help" },
    CommandHelp { name: "key" },
    CommandHelp { name: "gpus" },
    CommandHelp { name: "market" },
    CommandHelp { name: "history" },
    CommandHelp { name: "spend" },
    CommandHelp { name: "earnings" },
    CommandHelp { name: "server" },
    CommandHelp { name: "rent" },
    CommandHelp { name: "orders" },
    CommandHelp { name: "cancel" },
    CommandHelp { name: "spotprice" },
    CommandHelp { name: "spotguard" },
    CommandHelp { name: "wallets" },
    CommandHelp { name: "watch" },
    CommandHelp { name: "watches" },
    CommandHelp { name: "unwatch" },
    CommandHelp { name: "snooze" },
    CommandHelp { name: "myservers" },
    CommandHelp { name: "hostset" },
    CommandHelp { name: "settings" },
    CommandHelp { name: "template" },
    CommandHelp { name: "templates" },
];

pub fn find(name: &str) -> Option<&'static CommandHelp> {
    let name = name.trim().trim_start_matches('/').to_ascii_lowercase();
    COMMANDS.iter().find(|c| c.name == name)
}

/// `/rent <id or query> [image=…] …` in the current language.
pub fn usage(name: &str) -> String {
    match find(name) {
        Some(c) => i18n::text(&format!("help-{}-usage", c.name), &[]),
        None => "/help".to_owned(),
    }
}

/// The command's one-line summary in `lang` (at most 100 characters).
pub fn summary_in(lang: Lang, name: &str) -> String {
    i18n::text_in(lang, &format!("help-{name}-summary"), &[])
}

/// `/help`: every command with its one-line summary.
pub fn overview() -> String {
    let lang = Lang::current();
    let mut out = format!("{}\n", t!("help-overview-title"));
    for c in COMMANDS {
        out.push_str(&format!("/{} — {}\n", c.name, summary_in(lang, c.name)));
    }
    out.push('\n');
    out.push_str(&t!("help-overview-footer"));
    out
}

/// `/help <command>`.
pub fn detail(c: &CommandHelp) -> String {
    let lang = Lang::current();
    let mut out = format!("{}\n{}", usage(c.name), summary_in(lang, c.name));
    let details = format!("help-{}-details", c.name);
    if i18n::has(lang, &details) {
        out.push_str("\n\n");
        out.push_str(&i18n::text_in(lang, &details, &[]));
    }
    out
}

/// `/start`.
pub fn start() -> String {
    t!("help-start")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_explained_in_every_language_within_discords_limit() {
        for lang in Lang::ALL {
            for c in COMMANDS {
                for part in ["usage", "summary"] {
                    assert!(i18n::has(lang, &format!("help-{}-{part}", c.name)), "{lang} lacks help-{}-{part}", c.name);
                }
                let n = summary_in(lang, c.name).chars().count();
                assert!(n <= 100, "{lang}: the summary of /{} is {n} characters", c.name);
            }
        }
        let ru = i18n::sync_scope(Lang::Ru, || detail(find("settings").unwrap()));
        assert!(ru.starts_with("/settings [currency=usd|clore|btc]") && ru.contains("Языки"), "{ru}");
        let de = i18n::sync_scope(Lang::De, overview);
        assert!(
            de.starts_with("Befehle:\n/start — Was clorebot kann") && de.ends_with("/help <Befehl> für Details."),
            "{de}"
        );
    }
}
