//! The slash commands (docs/discord.md): their typed options, registered with descriptions from
//! the help table (commands) and the `discord-opt-<command>-<option>` messages (options), in
//! English with German and Russian localizations, and how an invocation's option values become
//! the command text the one parser reads — so Discord has no second set of rules.

use serenity::builder::{CreateCommand, CreateCommandOption};
use serenity::model::application::{CommandOptionType, InstallationContext, InteractionContext};

use crate::core::help;
use crate::i18n::{self, Lang};

/// Discord's longest command or option description.
const DESCRIPTION_MAX: usize = 100;

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
    /// Suggestions while typing (GPU models or countries, the caller's orders, watches or
    /// templates).
    pub autocomplete: bool,
    /// Fixed choices, shown as a menu.
    pub choices: &'static [&'static str],
    /// The smallest and largest value of an integer option (Discord refuses others).
    pub range: Option<(u64, u64)>,
}

/// An option; its description is the message `discord-opt-<command>-<name>`.
const fn opt(name: &'static str, kind: Kind, put: Put) -> Opt {
    Opt { name, kind, put, required: false, autocomplete: false, choices: &[], range: None }
}

const fn between(mut o: Opt, min: u64, max: u64) -> Opt {
    o.range = Some((min, max));
    o
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

/// Every slash command. `/key` opens a form for the key: it is never typed into a channel.
pub const SLASH: &[Slash] = &[
    Slash { name: "start", options: &[] },
    Slash { name: "help", options: &[opt("command", Text, Plain)] },
    Slash { name: "key", options: &[choices(opt("action", Text, Plain), &["set", "status", "remove"])] },
    Slash { name: "gpus", options: &[suggested(opt("query", Text, Plain))] },
    Slash { name: "server", options: &[required(opt("id", Integer, Plain))] },
    Slash {
        name: "rent",
        options: &[
            required(suggested(opt("target", Text, Plain))),
            opt("image", Text, Keyed("image")),
            opt("spot", Number, Keyed("spot")),
            opt("ports", Text, Keyed("ports")),
            suggested(opt("template", Text, Keyed("t"))),
            opt("env", Boolean, Form),
            between(opt("count", Integer, Keyed("count")), 1, crate::core::command::RENT_COUNT_MAX as u64),
            opt("guard", Number, Keyed("guard")),
            opt("margin", Number, Keyed("margin")),
            opt("rebid", Boolean, Flag),
        ],
    },
    Slash { name: "orders", options: &[opt("all", Boolean, Flag)] },
    // Text, not a number: `all`, or several ids (`1001 1002`).
    Slash { name: "cancel", options: &[required(suggested(opt("orders", Text, Plain))), opt("issue", Text, Plain)] },
    Slash {
        name: "spotprice",
        options: &[required(suggested(opt("order", Integer, Plain))), required(opt("price", Number, Plain))],
    },
    Slash {
        name: "spotguard",
        options: &[
            required(suggested(opt("order", Integer, Plain))),
            opt("max", Number, Keyed("max")),
            opt("margin", Number, Keyed("margin")),
            opt("rebid", Boolean, Flag),
            opt("off", Boolean, Flag),
        ],
    },
    Slash { name: "wallets", options: &[] },
    Slash { name: "spend", options: &[opt("period", Text, Plain)] },
    Slash { name: "earnings", options: &[opt("period", Text, Plain)] },
    Slash { name: "market", options: &[suggested(opt("query", Text, Plain))] },
    Slash { name: "history", options: &[required(suggested(opt("query", Text, Plain))), opt("period", Text, Plain)] },
    Slash {
        name: "watch",
        options: &[
            required(suggested(opt("query", Text, Plain))),
            opt("once", Boolean, Flag),
            opt("here", Boolean, Flag),
            opt("cooldown", Text, Keyed("cooldown")),
            choices(opt("digest", Text, Keyed("digest")), &["hourly", "daily"]),
            opt("autorent", Text, Word),
        ],
    },
    Slash { name: "watches", options: &[] },
    Slash { name: "unwatch", options: &[required(suggested(opt("id", Integer, Plain)))] },
    Slash {
        name: "snooze",
        options: &[required(suggested(opt("id", Integer, Plain))), required(opt("for", Text, Plain))],
    },
    Slash { name: "myservers", options: &[] },
    Slash {
        name: "hostset",
        options: &[
            // One target: every server, those of a GPU model, or one by name (`name=`, so a
            // server called "all" is never read as every server).
            opt("all", Boolean, Flag),
            opt("gpu", Text, Keyed("gpu")),
            opt("name", Text, Keyed("name")),
            choices(opt("state", Text, Plain), &["on", "off"]),
            opt("mrl", Integer, Keyed("mrl")),
            // Text, so a price can be written in dollars (`$3.40`) as well as in bitcoin.
            opt("price", Text, Keyed("price")),
            opt("spot", Text, Keyed("spot")),
        ],
    },
    Slash {
        name: "settings",
        options: &[
            choices(opt("currency", Text, Keyed("currency")), &["usd", "clore", "btc"]),
            opt("image", Text, Keyed("image")),
            opt("sshkey", Text, Keyed("sshkey")),
            opt("locale", Text, Keyed("locale")),
            opt("quiet", Text, Keyed("quiet")),
            opt("tz", Text, Keyed("tz")),
            opt("idle", Text, Keyed("idle")),
            opt("undercut", Text, Keyed("undercut")),
            opt("password", Boolean, Form),
        ],
    },
    // Secrets (env values, a password, a Jupyter token) come in a form: `secrets:True`.
    Slash {
        name: "template",
        options: &[
            required(choices(opt("action", Text, Plain), &["save", "show", "delete", "list"])),
            suggested(opt("name", Text, Plain)),
            opt("image", Text, Keyed("image")),
            opt("ports", Text, Keyed("ports")),
            opt("sshkey", Text, Keyed("sshkey")),
            opt("command", Text, Keyed("command")),
            opt("here", Boolean, Flag),
            opt("secrets", Boolean, Form),
        ],
    },
    Slash { name: "templates", options: &[] },
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

/// A command's description in `lang`: its summary from the help table.
pub fn description(lang: Lang, command: &str) -> String {
    crate::text::bound(&help::summary_in(lang, command), DESCRIPTION_MAX)
}

/// An option's description in `lang`: the message `discord-opt-<command>-<option>`.
pub fn option_description(lang: Lang, command: &str, option: &str) -> String {
    let text = i18n::text_in(lang, &format!("discord-opt-{command}-{option}"), &[]);
    crate::text::bound(&text, DESCRIPTION_MAX)
}

/// The languages besides English, by the locale Discord names them with.
fn localized() -> impl Iterator<Item = (&'static str, Lang)> {
    Lang::ALL.into_iter().filter(|l| *l != Lang::En).map(|l| (l.code(), l))
}

/// Where the commands are registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// For every server and DM: usable from a server install and a user install alike.
    Global,
    /// In one server (`DISCORD_GUILD_ID`, for development): Discord takes installation and
    /// interaction contexts for global commands only.
    Guild,
}

/// Every command may be used from both installs — a server's (0) and a user's own (1) — and
/// in every context: a server channel (0), a DM with the bot (1), and a group DM or another
/// user's DM (2). None is for servers only: each has a personal meaning, and what acts for a
/// channel (`here`: a team watch, a team template) is refused where clorebot is not in the
/// server (`interactions.rs`), before anything is done.
const INSTALLS: [InstallationContext; 2] = [InstallationContext::Guild, InstallationContext::User];
const CONTEXTS: [InteractionContext; 3] =
    [InteractionContext::Guild, InteractionContext::BotDm, InteractionContext::PrivateChannel];

/// The commands as registered with Discord (a bulk overwrite), described from the help table
/// and the option messages: English, with each other language as a localization (Discord
/// shows a user the one for their client's language).
pub fn registrations(scope: Scope) -> Vec<CreateCommand> {
    SLASH
        .iter()
        .map(|s| {
            let mut c = CreateCommand::new(s.name).description(description(Lang::En, s.name));
            if scope == Scope::Global {
                c = c.integration_types(INSTALLS.to_vec()).contexts(CONTEXTS.to_vec());
            }
            for (locale, lang) in localized() {
                c = c.description_localized(locale, description(lang, s.name));
            }
            for o in s.options {
                let kind = match o.kind {
                    Text => CommandOptionType::String,
                    Integer => CommandOptionType::Integer,
                    Number => CommandOptionType::Number,
                    Boolean => CommandOptionType::Boolean,
                };
                let mut co = CreateCommandOption::new(kind, o.name, option_description(Lang::En, s.name, o.name))
                    .required(o.required);
                for (locale, lang) in localized() {
                    co = co.description_localized(locale, option_description(lang, s.name, o.name));
                }
                if o.autocomplete {
                    co = co.set_autocomplete(true);
                }
                for ch in o.choices {
                    co = co.add_string_choice(*ch, *ch);
                }
                if let Some((min, max)) = o.range {
                    co = co.min_int_value(min).max_int_value(max);
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
    use serde_json::json;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn options_become_the_text_the_parser_reads() {
        let given =
            vec![("spot".into(), Value::Number(0.5)), ("target".into(), t("4090")), ("image".into(), t("my image"))];
        assert_eq!(to_text("rent", &given).unwrap(), "/rent 4090 image=\"my image\" spot=0.5");
        let given = vec![("count".into(), Value::Integer(3)), ("target".into(), t("rtx 3060"))];
        assert_eq!(to_text("rent", &given).unwrap(), "/rent rtx 3060 count=3");
        let with_form = [("target".into(), t("4090")), ("env".into(), Value::Boolean(true))];
        assert_eq!(to_text("rent", &with_form).unwrap(), "/rent 4090");
        assert!(wants_form("rent", &with_form) && !wants_form("rent", &given));
        assert!(wants_form("settings", &[("password".into(), Value::Boolean(true))]));
        let tpl = [("action".into(), t("save")), ("name".into(), t("train")), ("secrets".into(), Value::Boolean(true))];
        assert!(wants_form("template", &tpl));
        assert_eq!(to_text("template", &tpl).unwrap(), "/template save train");
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
        assert_eq!(
            to_text("hostset", &[("price".into(), t("$3.40")), ("all".into(), Value::Boolean(true))]).unwrap(),
            "/hostset all price=$3.40"
        );
        assert_eq!(
            to_text("hostset", &[("name".into(), t("all")), ("state".into(), t("off"))]).unwrap(),
            "/hostset name=all off"
        );
        // Every text is one the parser reads into the command it names.
        for (name, given) in [
            ("rent", vec![("target".into(), t("#42")), ("ports".into(), t("22:tcp,8888:http"))]),
            ("watch", vec![("query".into(), t("3090")), ("cooldown".into(), t("30m"))]),
            (
                "hostset",
                vec![("name".into(), t("rig-1")), ("state".into(), t("off")), ("mrl".into(), Value::Integer(48))],
            ),
            ("hostset", vec![("name".into(), t("rig-1")), ("price".into(), t("$3.40")), ("spot".into(), t("0.00002"))]),
            ("hostset", vec![("price".into(), t("$3.40")), ("all".into(), Value::Boolean(true))]),
            ("hostset", vec![("gpu".into(), t("4090")), ("mrl".into(), Value::Integer(24))]),
            ("settings", vec![("currency".into(), t("clore"))]),
        ] {
            let text = to_text(name, &given).unwrap();
            let cmd = crate::core::command::parse(&text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(cmd.name(), name, "{text}");
        }
    }

    #[test]
    fn commands_in_one_guild_carry_no_installation_contexts() {
        let json = serde_json::to_value(registrations(Scope::Guild)).unwrap();
        for c in json.as_array().unwrap() {
            assert!(c.get("integration_types").is_none() && c.get("contexts").is_none(), "{c}");
        }
    }

    #[test]
    fn every_command_is_registered_within_discord_limits() {
        let json = serde_json::to_value(registrations(Scope::Global)).unwrap();
        let cmds = json.as_array().unwrap();
        assert_eq!(cmds.len(), SLASH.len());
        for c in cmds {
            let name = c["name"].as_str().unwrap();
            // Both installs, every context (Discord's Application Command object).
            assert_eq!((&c["integration_types"], &c["contexts"]), (&json!([0, 1]), &json!([0, 1, 2])), "{name}");
            assert!((1..=32).contains(&name.len()) && name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            assert!(help::find(name).is_some(), "{name} is in the help table");
            // English, and German and Russian localizations, each within Discord's limit.
            let described = |what: &serde_json::Value, whose: &str| {
                let d = what["description"].as_str().unwrap();
                assert!((1..=100).contains(&d.chars().count()), "{whose}: {d}");
                for locale in ["de", "ru"] {
                    let l = what["description_localizations"][locale]
                        .as_str()
                        .unwrap_or_else(|| panic!("{whose} {locale}"));
                    assert!((1..=100).contains(&l.chars().count()), "{whose} {locale}: {l}");
                    assert!(!l.ends_with('…'), "{whose} {locale} was cut: {l}");
                }
            };
            described(c, name);
            for o in c["options"].as_array().into_iter().flatten() {
                described(o, &format!("{name} {}", o["name"]));
            }
        }
        let gpus = cmds.iter().find(|c| c["name"] == "gpus").unwrap();
        assert_eq!(gpus["options"][0]["autocomplete"], true);
        assert_eq!(gpus["options"][0]["type"], 3);
        // `count` is an integer Discord keeps within what the parser takes.
        let rent = cmds.iter().find(|c| c["name"] == "rent").unwrap();
        let count = rent["options"].as_array().unwrap().iter().find(|o| o["name"] == "count").unwrap();
        assert_eq!((count["type"].as_u64(), count["required"].as_bool()), (Some(4), Some(false)));
        assert_eq!((count["min_value"].as_u64(), count["max_value"].as_u64()), (Some(1), Some(10)));
        assert!(rent["options"].as_array().unwrap().len() <= 25);
        // Template names are suggested; Discord refuses an option with choices that also
        // autocompletes.
        let template = rent["options"].as_array().unwrap().iter().find(|o| o["name"] == "template").unwrap();
        assert_eq!(template["autocomplete"], true);
        for o in cmds.iter().flat_map(|c| c["options"].as_array().cloned().unwrap_or_default()) {
            let has_choices = o["choices"].as_array().is_some_and(|c| !c.is_empty());
            assert!(!(o["autocomplete"] == true && has_choices), "{o}");
        }
    }

    #[test]
    fn every_option_has_its_description_in_every_language() {
        for s in SLASH {
            for o in s.options {
                let id = format!("discord-opt-{}-{}", s.name, o.name);
                for lang in Lang::ALL {
                    // A missing message would come back as its id (or in English).
                    let d = i18n::text_in(lang, &id, &[]);
                    assert!(d != id && d.chars().count() <= DESCRIPTION_MAX, "{lang} {id}: {d}");
                    if lang != Lang::En {
                        assert_ne!(d, i18n::text_in(Lang::En, &id, &[]), "{lang} {id} is untranslated");
                    }
                }
            }
        }
    }
}
