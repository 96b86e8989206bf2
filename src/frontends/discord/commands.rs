//! The slash commands (DESIGN §11): their typed options, registered with descriptions from
//! the help table, and how an invocation's option values become the command text the one
//! parser reads — so Discord has no second set of rules.

use serenity::builder::{CreateCommand, CreateCommandOption};
use serenity::model::application::CommandOptionType;

use crate::core::help;

/// How an option's value goes into the command text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// As is, in its place (`/rent 4090`).
    Plain,
    /// `key=value` (`image=…`).
    Keyed(&'static str),
    /// A boolean: its name when true (`once`, `here`, `all`).
    Flag,
    /// Its name, then the value when it is not just "on" (`autorent max_orders=2`).
    Word,
    /// A boolean that opens a form for a secret (a password, environment values): never in
    /// the text; the form's answer completes it.
    Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
}

#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub kind: Kind,
    pub put: Put,
    pub required: bool,
    pub description: &'static str,
    /// Suggestions while typing (GPU models, the caller's orders or watches).
    pub autocomplete: bool,
    /// Fixed choices, shown as a menu.
    pub choices: &'static [&'static str],
}

const fn opt(name: &'static str, kind: Kind, put: Put, description: &'static str) -> Opt {
    Opt { name, kind, put, required: false, description, autocomplete: false, choices: &[] }
}

const fn required(mut o: Opt) -> Opt {
    o.required = true;
    o
}

const fn suggested(mut o: Opt) -> Opt {
    o.autocomplete = true;
    o
}

const fn choices(mut o: Opt, c: &'static [&'static str]) -> Opt {
    o.choices = c;
    o
}

pub struct Slash {
    pub name: &'static str,
    pub options: &'static [Opt],
}

use Kind::*;
use Put::*;

const QUERY: &str = "e.g. 4090 max=4 x2 cc in [DE,NL] — /help gpus for all terms";

/// Every slash command. `/key` opens a form for the key: it is never typed into a channel.
pub const SLASH: &[Slash] = &[
    Slash { name: "start", options: &[] },
    Slash { name: "help", options: &[opt("command", Text, Plain, "A command to explain")] },
    Slash {
        name: "key",
        options: &[choices(
            opt("action", Text, Plain, "set (opens a form), status, or remove"),
            &["set", "status", "remove"],
        )],
    },
    Slash { name: "gpus", options: &[suggested(opt("query", Text, Plain, QUERY))] },
    Slash { name: "server", options: &[required(opt("id", Integer, Plain, "Server id"))] },
    Slash {
        name: "rent",
        options: &[
            required(suggested(opt("target", Text, Plain, "Server id (#42) or a query: the cheapest free match"))),
            opt("image", Text, Keyed("image"), "Docker image (default: your /settings image)"),
            opt("spot", Number, Keyed("spot"), "Rent on the spot market at this bid per day"),
            opt("ports", Text, Keyed("ports"), "e.g. 22:tcp,8888:http"),
            opt("env", Boolean, Form, "Add environment variables, in a form only you see"),
        ],
    },
    Slash { name: "orders", options: &[opt("all", Boolean, Flag, "Include ended orders")] },
    Slash {
        name: "cancel",
        options: &[
            required(suggested(opt("order", Integer, Plain, "Order id"))),
            opt("issue", Text, Plain, "What was wrong (reported to the host)"),
        ],
    },
    Slash {
        name: "spotprice",
        options: &[
            required(suggested(opt("order", Integer, Plain, "Order id"))),
            required(opt("price", Number, Plain, "New bid per day")),
        ],
    },
    Slash { name: "wallets", options: &[] },
    Slash { name: "spend", options: &[opt("period", Text, Plain, "7d (default) or 30d")] },
    Slash {
        name: "history",
        options: &[
            required(suggested(opt("query", Text, Plain, "A GPU model, e.g. 4090 or \"rtx 3090\""))),
            opt("period", Text, Plain, "24h, 7d (default) or 30d"),
        ],
    },
    Slash {
        name: "watch",
        options: &[
            required(suggested(opt("query", Text, Plain, QUERY))),
            opt("once", Boolean, Flag, "Switch off after the first alert"),
            opt("here", Boolean, Flag, "Alert this channel (needs Manage Channels)"),
            opt("cooldown", Text, Keyed("cooldown"), "Quiet time between alerts, e.g. 30m"),
            opt("autorent", Text, Word, "on, or guardrails: max_orders=N daily_cap=X keep"),
        ],
    },
    Slash { name: "watches", options: &[] },
    Slash { name: "unwatch", options: &[required(suggested(opt("id", Integer, Plain, "Watch id")))] },
    Slash {
        name: "snooze",
        options: &[
            required(suggested(opt("id", Integer, Plain, "Watch id"))),
            required(opt("for", Text, Plain, "How long, e.g. 2h, or off")),
        ],
    },
    Slash { name: "myservers", options: &[] },
    Slash {
        name: "hostset",
        options: &[
            required(opt("name", Text, Plain, "Server name")),
            choices(opt("state", Text, Plain, "Offer it for rent, or not"), &["on", "off"]),
            opt("mrl", Integer, Keyed("mrl"), "Maximum rental length, hours"),
            opt("price", Number, Keyed("price"), "On-demand price, BTC per day"),
            opt("spot", Number, Keyed("spot"), "Minimum spot price, BTC per day"),
        ],
    },
    Slash {
        name: "settings",
        options: &[
            choices(opt("currency", Text, Keyed("currency"), "Display currency"), &["usd", "clore", "btc"]),
            opt("image", Text, Keyed("image"), "Default Docker image"),
            opt("sshkey", Text, Keyed("sshkey"), "Public SSH key for new orders, or none"),
            opt("locale", Text, Keyed("locale"), "Language code"),
            opt("password", Boolean, Form, "Set or remove your SSH password, in a form only you see"),
        ],
    },
];

pub fn find(name: &str) -> Option<&'static Slash> {
    SLASH.iter().find(|s| s.name == name)
}

/// Whether an invocation asks for its form (a [`Put::Form`] option set to true).
pub fn wants_form(name: &str, given: &[(String, Value)]) -> bool {
    find(name).is_some_and(|s| {
        s.options
            .iter()
            .any(|o| o.put == Form && given.iter().any(|(n, v)| n == o.name && matches!(v, Value::Boolean(true))))
    })
}

/// An option value as Discord sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
}

/// The command text an invocation stands for: `/rent target:4090 spot:0.5` → `/rent 4090
/// spot=0.5`. Options come in the order they are declared, whatever order Discord sends.
/// `None` for a command we do not have.
pub fn to_text(name: &str, given: &[(String, Value)]) -> Option<String> {
    let slash = find(name)?;
    let mut out = format!("/{name}");
    for o in slash.options {
        let Some((_, v)) = given.iter().find(|(n, _)| n == o.name) else { continue };
        let value = match v {
            Value::Text(s) => s.trim().to_owned(),
            Value::Integer(i) => i.to_string(),
            Value::Number(x) => x.to_string(),
            Value::Boolean(b) => b.to_string(),
        };
        let piece = match (o.put, v) {
            (Flag, Value::Boolean(true)) => o.name.to_owned(),
            (Flag, _) | (Form, _) => continue,
            (Word, _) if matches!(value.to_ascii_lowercase().as_str(), "on" | "yes" | "true") => o.name.to_owned(),
            (Word, _) => format!("{} {value}", o.name),
            (Keyed(k), _) => format!("{k}={}", quoted(&value)),
            (Plain, _) => value,
        };
        if !piece.is_empty() {
            out.push(' ');
            out.push_str(&piece);
        }
    }
    Some(out)
}

/// A `key=value` value with spaces in it, in the quotes the parser reads.
fn quoted(v: &str) -> String {
    if v.chars().any(char::is_whitespace) && !v.contains('"') { format!("\"{v}\"") } else { v.to_owned() }
}

/// The commands as registered with Discord (a bulk overwrite), described from the help table.
pub fn registrations() -> Vec<CreateCommand> {
    SLASH
        .iter()
        .map(|s| {
            let summary = help::find(s.name).map(|h| h.summary).unwrap_or(s.name);
            let mut c = CreateCommand::new(s.name).description(crate::text::bound(summary, 100));
            for o in s.options {
                let kind = match o.kind {
                    Text => CommandOptionType::String,
                    Integer => CommandOptionType::Integer,
                    Number => CommandOptionType::Number,
                    Boolean => CommandOptionType::Boolean,
                };
                let mut co = CreateCommandOption::new(kind, o.name, o.description).required(o.required);
                if o.autocomplete {
                    co = co.set_autocomplete(true);
                }
                for ch in o.choices {
                    co = co.add_string_choice(*ch, *ch);
                }
                c = c.add_option(co);
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn options_become_the_text_the_parser_reads() {
        let given =
            vec![("spot".into(), Value::Number(0.5)), ("target".into(), t("4090")), ("image".into(), t("my image"))];
        assert_eq!(to_text("rent", &given).unwrap(), "/rent 4090 image=\"my image\" spot=0.5");
        let with_form = [("target".into(), t("4090")), ("env".into(), Value::Boolean(true))];
        assert_eq!(to_text("rent", &with_form).unwrap(), "/rent 4090");
        assert!(wants_form("rent", &with_form) && !wants_form("rent", &given));
        assert!(wants_form("settings", &[("password".into(), Value::Boolean(true))]));
        assert!(!wants_form("settings", &[("password".into(), Value::Boolean(false))]));
        let given = vec![
            ("query".into(), t("4090 max=4")),
            ("here".into(), Value::Boolean(true)),
            ("once".into(), Value::Boolean(false)),
            ("autorent".into(), t("max_orders=2 keep")),
        ];
        assert_eq!(to_text("watch", &given).unwrap(), "/watch 4090 max=4 here autorent max_orders=2 keep");
        assert_eq!(
            to_text("watch", &[("query".into(), t("a100")), ("autorent".into(), t("on"))]).unwrap(),
            "/watch a100 autorent"
        );
        assert_eq!(to_text("orders", &[("all".into(), Value::Boolean(true))]).unwrap(), "/orders all");
        assert_eq!(
            to_text("snooze", &[("for".into(), t("2h")), ("id".into(), Value::Integer(3))]).unwrap(),
            "/snooze 3 2h"
        );
        assert_eq!(to_text("nosuch", &[]), None);
        // Every text is one the parser reads into the command it names.
        for (name, given) in [
            ("rent", vec![("target".into(), t("#42")), ("ports".into(), t("22:tcp,8888:http"))]),
            ("watch", vec![("query".into(), t("3090")), ("cooldown".into(), t("30m"))]),
            (
                "hostset",
                vec![("name".into(), t("rig-1")), ("state".into(), t("off")), ("mrl".into(), Value::Integer(48))],
            ),
            ("settings", vec![("currency".into(), t("clore"))]),
        ] {
            let text = to_text(name, &given).unwrap();
            let cmd = crate::core::command::parse(&text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(cmd.name(), name, "{text}");
        }
    }

    #[test]
    fn every_command_is_registered_within_discord_limits() {
        let json = serde_json::to_value(registrations()).unwrap();
        let cmds = json.as_array().unwrap();
        assert_eq!(cmds.len(), SLASH.len());
        for c in cmds {
            let name = c["name"].as_str().unwrap();
            assert!((1..=32).contains(&name.len()) && name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            let d = c["description"].as_str().unwrap();
            assert!((1..=100).contains(&d.chars().count()), "{name}: {d}");
            assert!(help::find(name).is_some(), "{name} is in the help table");
            for o in c["options"].as_array().into_iter().flatten() {
                assert!((1..=100).contains(&o["description"].as_str().unwrap().chars().count()), "{name} {o}");
            }
        }
        let gpus = cmds.iter().find(|c| c["name"] == "gpus").unwrap();
        assert_eq!(gpus["options"][0]["autocomplete"], true);
        assert_eq!(gpus["options"][0]["type"], 3);
    }
}
