//! The forms (modals) that take secrets: the API key, an SSH password, a rent's environment
//! values. Whatever is typed into them is seen only by the user and Discord — never by a
//! channel — and becomes the same command text the one parser reads. Built as ActionRow +
//! InputText: serenity 0.12 reads a submit back only in that shape. Their
//! words, and what is said about a bad submit, are in the current language: the caller
//! scopes it.

use serde_json::{Value, json};

use crate::t;

/// The key form's custom id (and its one field's, `key`).
pub const KEY: &str = "clorebot:key";
pub const PASSWORD: &str = "clorebot:password";
pub const RENT_ENV: &str = "clorebot:rent-env";
pub const TEMPLATE: &str = "clorebot:template";

/// Longest value a text input may hold (Discord's limit).
const INPUT_MAX: usize = 4000;

/// One text input in its own row.
fn input(id: &str, label: &str, paragraph: bool, min: usize, max: usize, required: bool, value: Option<&str>) -> Value {
    let mut field = json!({
        "type": 4, "custom_id": id, "style": if paragraph { 2 } else { 1 }, "label": label,
        "min_length": min, "max_length": max, "required": required,
    });
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        field["value"] = json!(crate::text::bound(v, max));
    }
    json!({ "type": 1, "components": [field] })
}

fn modal(custom_id: &str, title: &str, rows: Vec<Value>) -> Value {
    json!({ "type": 9, "data": { "custom_id": custom_id, "title": title, "components": rows } })
}

/// `/key`: the API key.
pub fn key() -> Value {
    let mut row = input("key", &t!("discord-form-key-label"), false, 8, 200, true, None);
    row["components"][0]["placeholder"] = json!(t!("discord-form-key-placeholder"));
    modal(KEY, &t!("discord-form-key-title"), vec![row])
}

/// `/settings password:True`: the SSH password for new orders; the other settings given with
/// it are shown to be sent along (and may still be changed).
pub fn password(other_settings: &str) -> Value {
    let mut rows = vec![input("password", &t!("discord-form-password-label"), false, 4, 32, true, None)];
    if !other_settings.is_empty() {
        rows.push(input("rest", &t!("discord-form-password-rest"), false, 0, INPUT_MAX, false, Some(other_settings)));
    }
    modal(PASSWORD, &t!("discord-form-password-title"), rows)
}

/// `/rent … env:True`: what to rent (filled in from the command, editable) and the
/// environment, one `NAME=value` a line.
pub fn rent_env(what: &str) -> Value {
    modal(
        RENT_ENV,
        &t!("discord-form-rent-env-title"),
        vec![
            input("what", &t!("discord-form-rent-env-what"), false, 1, INPUT_MAX, true, Some(what)),
            input("env", &t!("discord-form-rent-env-env"), true, 3, INPUT_MAX, true, None),
        ],
    )
}

/// `/template save … secrets:True`: the template (filled in from the command, editable), its
/// environment (one `NAME=value` a line), SSH password and Jupyter token, each optional.
pub fn template(what: &str) -> Value {
    modal(
        TEMPLATE,
        &t!("discord-form-template-title"),
        vec![
            input("what", &t!("discord-form-template-what"), false, 1, INPUT_MAX, true, Some(what)),
            input("env", &t!("discord-form-rent-env-env"), true, 0, INPUT_MAX, false, None),
            input("password", &t!("discord-form-template-password"), false, 0, 32, false, None),
            input("jupyter", &t!("discord-form-template-jupyter"), false, 0, 32, false, None),
        ],
    )
}

/// `NAME=value` lines as `env "NAME=value"` terms, or which line is wrong.
fn env_terms(lines: &str) -> Result<String, String> {
    let mut out = String::new();
    for (i, line) in lines.lines().map(str::trim).enumerate() {
        if line.is_empty() {
            continue;
        }
        if !line.contains('=') {
            return Err(t!("discord-form-env-line-format", line = i + 1));
        }
        if line.chars().any(is_quote) {
            return Err(t!("discord-form-env-line-quote", line = i + 1));
        }
        out.push_str(&format!(" env \"{line}\""));
    }
    Ok(out)
}

/// The command text a submitted form stands for, or what was wrong with it (never echoing
/// a value). `field` reads a field by its custom id. Values are checked as the parser will
/// read them (normalized: a full-width quote is a quote).
pub fn text(custom_id: &str, field: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let get = |id: &str| crate::core::command::normalize(field(id).unwrap_or_default().trim()).trim().to_owned();
    match custom_id {
        KEY => Ok(format!("/key set {}", get("key"))),
        PASSWORD => {
            let pw = get("password");
            if pw.chars().any(|c| c.is_whitespace() || is_quote(c)) {
                return Err(t!("discord-form-password-spaces"));
            }
            let rest = get("rest");
            Ok(if rest.is_empty() {
                format!("/settings password={pw}")
            } else {
                format!("/settings {rest} password={pw}")
            })
        }
        RENT_ENV => {
            let what = get("what");
            let env_term = |w: &str| {
                let w = w.trim_matches(is_quote).to_ascii_lowercase();
                w == "env" || w.starts_with("env=")
            };
            if what.chars().any(is_quote) || what.split_whitespace().any(env_term) {
                return Err(t!("discord-form-env-misplaced"));
            }
            Ok(format!("/rent {what}{}", env_terms(&get("env"))?))
        }
        TEMPLATE => {
            let what = get("what");
            let secret_term = |w: &str| {
                let w = w.trim_matches(is_quote).to_ascii_lowercase();
                w == "env" || w.starts_with("env=") || w.contains("pass") || w.starts_with("jupyter")
            };
            if what.chars().any(is_quote) || what.split_whitespace().any(secret_term) {
                return Err(t!("discord-form-template-misplaced"));
            }
            let mut out = format!("/template {what}{}", env_terms(&get("env"))?);
            for (field, key) in [("password", "password"), ("jupyter", "jupyter")] {
                let v = get(field);
                if v.is_empty() {
                    continue;
                }
                if v.chars().any(|c| c.is_whitespace() || is_quote(c)) {
                    return Err(t!("discord-form-template-spaces"));
                }
                out.push_str(&format!(" {key}={v}"));
            }
            Ok(out)
        }
        _ => Err(t!("discord-form-unknown")),
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::command::{Command, parse};

    fn fields<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |id| pairs.iter().find(|(k, _)| *k == id).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn forms_become_the_text_the_parser_reads() {
        let t =
            text(RENT_ENV, fields(&[("what", "4090 spot=0.5"), ("env", "TOKEN=a b=c\n\n  HF_HOME=/data ")])).unwrap();
        assert_eq!(t, "/rent 4090 spot=0.5 env \"TOKEN=a b=c\" env \"HF_HOME=/data\"");
        match parse(&t).unwrap() {
            Command::Rent(a) => {
                assert_eq!(a.env.get("TOKEN").map(String::as_str), Some("a b=c"));
                assert_eq!(a.env.get("HF_HOME").map(String::as_str), Some("/data"));
            }
            other => panic!("{other:?}"),
        }
        let t = text(PASSWORD, fields(&[("password", "s3cret-pw"), ("rest", "currency=clore")])).unwrap();
        assert_eq!(t, "/settings currency=clore password=s3cret-pw");
        assert_eq!(parse(&t).unwrap().name(), "settings");
        assert_eq!(text(KEY, fields(&[("key", " abc123def456 ")])).unwrap(), "/key set abc123def456");
        let t = text(
            TEMPLATE,
            fields(&[("what", "save train image=ubuntu"), ("env", "TOKEN=a b"), ("password", "s3cret-pw")]),
        )
        .unwrap();
        assert_eq!(t, "/template save train image=ubuntu env \"TOKEN=a b\" password=s3cret-pw");
        assert!(parse(&t).unwrap().holds_secret());
        let e = text(TEMPLATE, fields(&[("what", "save t password=x")])).unwrap_err();
        assert!(!e.contains("password=x"), "{e}");
    }

    #[test]
    fn a_bad_form_is_refused_without_echoing_values() {
        let e = text(PASSWORD, fields(&[("password", "two words")])).unwrap_err();
        assert!(!e.contains("two") && e.contains("spaces"), "{e}");
        let e = text(RENT_ENV, fields(&[("what", "4090"), ("env", "A=1\nsecret-token")])).unwrap_err();
        assert!(e.contains("line 2") && !e.contains("secret"), "{e}");
        let e = text(RENT_ENV, fields(&[("what", "4090"), ("env", "A=\"x\"")])).unwrap_err();
        assert!(e.contains("quote"), "{e}");
        // As the parser reads them: a full-width quote is a quote; `envy` is not `env`.
        let e = text(PASSWORD, fields(&[("password", "abc\u{ff02}defgh"), ("rest", "locale=\"")])).unwrap_err();
        assert!(e.contains("quotes") && !e.contains("abc"), "{e}");
        assert!(text(RENT_ENV, fields(&[("what", "4090 ENV=A=1"), ("env", "B=2")])).is_err());
        assert!(text(RENT_ENV, fields(&[("what", "envy"), ("env", "B=2")])).is_ok());
        assert!(text("clorebot:other", fields(&[])).is_err());
    }

    #[test]
    fn forms_are_rows_of_one_text_input() {
        use crate::i18n::{Lang, sync_scope};
        let forms = Lang::ALL
            .map(|l| sync_scope(l, || [key(), password("currency=usd"), rent_env("4090"), template("save t")]));
        for form in forms.into_iter().flatten() {
            assert_eq!(form["type"], 9);
            assert!(form["data"]["title"].as_str().unwrap().chars().count() <= 45, "{form}");
            let rows = form["data"]["components"].as_array().unwrap();
            assert!(!rows.is_empty() && rows.len() <= 5);
            for r in rows {
                assert_eq!(r["type"], 1);
                assert_eq!(r["components"].as_array().unwrap().len(), 1);
                assert_eq!(r["components"][0]["type"], 4);
                assert!(r["components"][0]["label"].as_str().unwrap().chars().count() <= 45);
            }
        }
        assert_eq!(rent_env("4090 spot=0.5")["data"]["components"][0]["components"][0]["value"], "4090 spot=0.5");
    }
}
