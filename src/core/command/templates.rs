//! `/template save <name> [image=…] [ports=…] [env K=V]… [sshkey=…] [password=…]
//! [command=…] [jupyter=…] [here]`, `/template show <name>`, `/template delete <name>` and
//! `/templates`: rent templates. Their values follow `/rent`'s and `/settings`' rules (the
//! same checks); environment values, the password and the Jupyter token are secrets, which an
//! error never repeats.

use std::collections::BTreeMap;

use secrecy::SecretString;

use super::account::check_password;
use super::common::{short, split_first, terms};
use super::rent::{add_env, parse_ports};
use super::{Command, ParseError};
use crate::clore::PortProto;
use crate::clore::validate::{check_image, check_ssh_key, check_token};
use crate::clore::{CreateOrder, Currency, ServerId};
use crate::t;

/// A user keeps at most this many templates (and a group as many team templates).
pub const TEMPLATES_MAX: i64 = 20;
/// Longest template name.
pub const TEMPLATE_NAME_MAX: usize = 32;
/// Longest `command=`: Clore states no limit; a start command longer than this is a script
/// that belongs in the image.
pub const TEMPLATE_COMMAND_MAX: usize = 1024;

/// `/template save`: what a template holds. Empty fields are left to `/rent`'s defaults.
/// Its `Debug` names the environment variables and says whether a password or token is
/// given, never a value.
#[derive(Clone)]
pub struct TemplateArgs {
    /// `[a-z0-9_-]`, at most [`TEMPLATE_NAME_MAX`].
    pub name: String,
    pub image: Option<String>,
    pub ports: Vec<(u16, PortProto)>,
    /// Secret: sealed at rest, never shown.
    pub env: BTreeMap<String, String>,
    pub ssh_key: Option<String>,
    pub password: Option<SecretString>,
    pub command: Option<String>,
    pub jupyter: Option<SecretString>,
    /// A team template of the group it is saved in (admins only; no secrets).
    pub here: bool,
}

impl std::fmt::Debug for TemplateArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateArgs")
            .field("name", &self.name)
            .field("image", &self.image)
            .field("ports", &self.ports)
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("ssh_key", &self.ssh_key.is_some())
            .field("password", &self.password.is_some())
            .field("command", &self.command)
            .field("jupyter", &self.jupyter.is_some())
            .field("here", &self.here)
            .finish()
    }
}

impl TemplateArgs {
    /// Environment values, a password or a Jupyter token: the message is deleted.
    pub fn holds_secret(&self) -> bool {
        !self.env.is_empty() || self.password.is_some() || self.jupyter.is_some()
    }
}

/// Whether `/template` arguments may carry a secret (`env`, `password`, `jupyter`), however
/// they are spelled: such a message is deleted even when it does not parse.
pub(super) fn holds_secret(rest: &str) -> bool {
    rest.split_whitespace().any(|w| {
        let w = w.to_ascii_lowercase();
        w.starts_with("env") || w.contains("pass") || w.starts_with("jupyter")
    })
}

/// A template's name as typed, lowercased, or the rule it breaks.
pub fn template_name(cmd: &str, s: &str) -> Result<String, ParseError> {
    let name = s.trim().to_ascii_lowercase();
    let fits = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if name.is_empty() || name.chars().count() > TEMPLATE_NAME_MAX || !name.chars().all(fits) {
        return Err(ParseError::usage(cmd, t!("parse-template-name", term = short(s), max = TEMPLATE_NAME_MAX)));
    }
    Ok(name)
}

/// `/templates` (no arguments).
pub(super) fn parse_templates(rest: &str) -> Result<Command, ParseError> {
    super::common::no_args("templates", rest, Command::Templates)
}

/// `/template [list|save|show|delete] …`.
pub(super) fn parse_template(rest: &str) -> Result<Command, ParseError> {
    let (first, more) = split_first(rest);
    match first.to_ascii_lowercase().as_str() {
        "" | "list" if more.is_empty() => Ok(Command::Templates),
        "save" => parse_save(more).map_err(|e| ParseError { secret: e.secret || holds_secret(more), ..e }),
        "show" => one_name(more).map(Command::TemplateShow),
        "delete" | "remove" => one_name(more).map(Command::TemplateDelete),
        _ => {
            Err(ParseError { secret: holds_secret(rest), ..ParseError::usage("template", t!("parse-template-action")) })
        }
    }
}

fn one_name(rest: &str) -> Result<String, ParseError> {
    match terms(rest)?.as_slice() {
        [one] => template_name("template", one),
        [] => Err(ParseError::usage("template", t!("parse-template-which"))),
        _ => Err(ParseError::usage("template", t!("parse-template-one"))),
    }
}

fn parse_save(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let mut it = t.into_iter();
    let name = template_name("template", &it.next().unwrap_or_default())?;
    let invalid = |e: crate::clore::ValidationError| {
        ParseError::usage("template", t!("clore-invalid", field = e.field, problem = e.problem))
    };
    let mut a = TemplateArgs {
        name,
        image: None,
        ports: Vec::new(),
        env: BTreeMap::new(),
        ssh_key: None,
        password: None,
        command: None,
        jupyter: None,
        here: false,
    };
    while let Some(term) = it.next() {
        let lower = term.to_ascii_lowercase();
        // The value as typed (case kept), after `name=`.
        let value = |prefix: &str| lower.strip_prefix(prefix).map(|_| term[prefix.len()..].trim().to_owned());
        if lower == "here" {
            a.here = true;
        } else if let Some(v) = value("image=") {
            check_image(&v).map_err(invalid)?;
            a.image = Some(v);
        } else if let Some(v) = value("ports=") {
            a.ports = parse_ports(&v).map_err(|e| ParseError::usage("template", e))?;
        } else if lower == "env" {
            let kv = it.next().ok_or_else(|| ParseError::usage("template", t!("parse-env-missing")))?;
            add_env("template", &mut a.env, &kv)?;
        } else if let Some(kv) = value("env=") {
            add_env("template", &mut a.env, &kv)?;
        } else if let Some(v) = value("sshkey=").or_else(|| value("ssh_key=")) {
            check_ssh_key(&v).map_err(|e| ParseError::usage("template", t!("parse-sshkey", problem = e.problem)))?;
            a.ssh_key = Some(v);
        } else if lower.starts_with("password=") || lower.starts_with("ssh_password=") {
            // Taken as typed: a password may hold what trimming would take away.
            let raw = &term[term.find('=').map_or(0, |i| i + 1)..];
            check_password(raw).map_err(|e| ParseError::usage("template", e))?;
            a.password = Some(SecretString::from(raw.to_owned()));
        } else if let Some(v) = value("command=") {
            if v.is_empty() || v.chars().count() > TEMPLATE_COMMAND_MAX {
                return Err(ParseError::usage("template", t!("parse-template-command", max = TEMPLATE_COMMAND_MAX)));
            }
            a.command = Some(v);
        } else if let Some(v) = value("jupyter=") {
            check_token("jupyter_token", &v).map_err(invalid)?;
            a.jupyter = Some(SecretString::from(v));
        } else {
            let shown = if holds_secret(&term) { "…".to_owned() } else { short(&term) };
            return Err(ParseError::usage("template", t!("parse-not-understood", term = shown)));
        }
    }
    // The limits Clore enforces on the order, checked now rather than at every rent.
    let mut probe =
        CreateOrder::on_demand(ServerId(1), a.image.clone().unwrap_or_else(|| "probe".into()), Currency::Usd);
    if !a.ports.is_empty() {
        probe.ports = a.ports.clone();
    }
    probe.env = a.env.clone();
    probe.validate().map_err(invalid)?;
    Ok(Command::TemplateSave(a))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::{err, ok};
    use super::*;

    #[test]
    fn template_commands() {
        assert!(matches!(ok("/templates"), Command::Templates));
        assert!(matches!(ok("/template"), Command::Templates));
        assert!(matches!(ok("/template show Train-1"), Command::TemplateShow(n) if n == "train-1"));
        assert!(matches!(ok("/template delete a_b"), Command::TemplateDelete(n) if n == "a_b"));
        match ok("/template save train image=pytorch/pytorch:2.4 ports=22,8888:http env HF=x password=s3cret-pw \
                  command=\"python run.py\" jupyter=tok123 here")
        {
            Command::TemplateSave(a) => {
                assert_eq!(a.name, "train");
                assert_eq!(a.image.as_deref(), Some("pytorch/pytorch:2.4"));
                assert_eq!(a.ports, vec![(22, PortProto::Tcp), (8888, PortProto::Http)]);
                assert_eq!(a.env.get("HF").map(String::as_str), Some("x"));
                assert!(a.password.is_some() && a.jupyter.is_some() && a.here);
                assert_eq!(a.command.as_deref(), Some("python run.py"));
            }
            c => panic!("{c:?}"),
        }
        let shown = format!("{:?}", ok("/template save t env A=tok-9z password=s3cret-pw jupyter=jtok1"));
        assert!(
            shown.contains("\"A\"")
                && !shown.contains("tok-9z")
                && !shown.contains("s3cret")
                && !shown.contains("jtok1")
        );
        assert!(ok("/template save t env A=1").holds_secret());
        assert!(ok("/template save t password=s3cret-pw").holds_secret());
        assert!(!ok("/template save t image=ubuntu").holds_secret());
    }

    #[test]
    fn template_errors_name_the_rule_and_keep_secrets() {
        let long = "a".repeat(33);
        for (line, want) in [
            ("/template save Bad.Name", "a-z, 0-9"),
            (&format!("/template save {long}") as &str, "1 to 32"),
            ("/template save", "a-z, 0-9"),
            ("/template save t image=a;b", "image"),
            ("/template save t ports=22:udp", "tcp or http"),
            ("/template save t env FOO", "env needs NAME=value"),
            ("/template save t password=short", "at least 8 characters"),
            ("/template save t color=blue", "color=blue"),
            ("/template frob", "save, show, delete"),
            ("/template show", "Say which template"),
            ("/templates x", "takes no arguments"),
        ] {
            let e = err(line);
            assert!(e.contains(want), "{line:?} → {e:?}, expected {want:?}");
        }
        let e = parse("/template save t password=bad#pass-word").unwrap_err();
        assert!(e.secret && !e.message.contains("bad#pass"), "{e:?}");
        let e = parse("/template save t env=BAD-NAME=hunter2").unwrap_err();
        assert!(e.secret && !e.message.contains("hunter2"), "{e:?}");
        assert!(!parse("/template save t ports=0").unwrap_err().secret);
    }
}
