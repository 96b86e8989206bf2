//! `/key [status|remove|delete]`, `/key [set] <api key>` and `/settings [name=value]…`
//! (`currency=`, `image=`, `sshkey=`, `password=`, `locale=`, `quiet=`, `tz=`; `none` resets):
//! the caller's own key and settings (in a group, `locale=`, `quiet=` and `tz=` are the group's). Both may carry a secret, which an error never repeats.

use secrecy::SecretString;

use super::common::{short, split_first, terms};
use super::{Command, ParseError, SettingChange, help};
use crate::clore::ApiKey;
use crate::clore::validate::{PASSWORD_MIN, check_image, check_ssh_key};
use crate::domain::quiet::{QuietWindow, parse_tz};
use crate::i18n::Lang;
use crate::t;

/// `/key`, `/key status`, `/key remove`, `/key [set] <api key>`.
pub(super) fn parse_key(rest: &str) -> Result<Command, ParseError> {
    let (first, more) = split_first(rest);
    match first.to_ascii_lowercase().as_str() {
        "" | "status" if more.is_empty() => Ok(Command::KeyStatus),
        "remove" | "delete" if more.is_empty() => Ok(Command::KeyRemove),
        "set" => Ok(Command::KeySet(api_key(more))),
        // `/key <key>`: a key pasted without `set` is still a key, and still secret.
        _ => Ok(Command::KeySet(api_key(rest))),
    }
}

fn api_key(s: &str) -> Result<ApiKey, String> {
    if s.trim().is_empty() {
        return Err(t!("parse-key-missing", usage = help::usage("key")));
    }
    ApiKey::parse(s).map_err(|e| t!("parse-key-bad", problem = e.problem))
}

/// `/settings [name=value]…`; a value of `none`, `default` or nothing resets that setting.
pub(super) fn parse_settings(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    // /settings may hold a password, however it is spelled: any error deletes the message,
    // and a term that may be one is never repeated.
    let fail = |msg: String| ParseError {
        message: t!("parse-usage", problem = msg, usage = help::usage("settings")),
        secret: true,
    };
    let mut out = Vec::new();
    for term in &t {
        let Some((k, v)) = term.split_once('=') else {
            let shown = if term.to_ascii_lowercase().contains("pass") { "…".to_owned() } else { short(term) };
            return Err(fail(t!("parse-settings-form", term = shown)));
        };
        let none = matches!(v.to_ascii_lowercase().as_str(), "none" | "default" | "");
        match k.to_ascii_lowercase().as_str() {
            "currency" => out.push(SettingChange::Currency(
                v.parse().map_err(|_: String| fail(t!("parse-currency", term = short(v))))?,
            )),
            "image" => {
                if !none {
                    check_image(v).map_err(|e| fail(t!("clore-invalid", field = e.field, problem = e.problem)))?;
                }
                out.push(SettingChange::Image((!none).then(|| v.trim().to_owned())))
            }
            "sshkey" | "ssh_key" => {
                if !none {
                    check_ssh_key(v).map_err(|e| fail(t!("parse-sshkey", problem = e.problem)))?;
                }
                out.push(SettingChange::SshKey((!none).then(|| v.trim().to_owned())));
            }
            "password" | "ssh_password" => {
                if !none {
                    check_password(v).map_err(fail)?;
                }
                out.push(SettingChange::SshPassword((!none).then(|| SecretString::from(v.to_owned()))));
            }
            "locale" | "language" | "lang" => {
                let auto = none || v.eq_ignore_ascii_case("auto");
                let lang = Lang::parse(v).filter(|_| v.len() <= 10);
                if !auto && lang.is_none() {
                    return Err(fail(t!("settings-locale-bad", value = short(v))));
                }
                out.push(SettingChange::Locale(lang));
            }
            "quiet" => {
                let off = none || v.eq_ignore_ascii_case("off");
                out.push(SettingChange::Quiet(if off { None } else { Some(QuietWindow::parse(v).map_err(fail)?) }));
            }
            "tz" | "timezone" | "time_zone" => out.push(SettingChange::Tz(parse_tz(v).map_err(fail)?)),
            "idle" => {
                let h = if none {
                    None
                } else {
                    Some(count(v, 'h', 720).map_err(|()| fail(t!("parse-settings-idle", term = short(v))))?)
                };
                out.push(SettingChange::IdleHours(h));
            }
            "undercut" => {
                let n = if none {
                    None
                } else {
                    Some(count(v, ' ', 50).map_err(|()| fail(t!("parse-settings-undercut", term = short(v))))?)
                };
                out.push(SettingChange::UndercutN(n));
            }
            other => {
                let shown = if other.contains("pass") { "…".to_owned() } else { short(other) };
                return Err(fail(t!("parse-settings-unknown", term = shown)));
            }
        }
    }
    Ok(Command::Settings(out))
}

/// `off` (0) or a whole number up to `max`, `unit` allowed after it (`24h`).
fn count(v: &str, unit: char, max: u16) -> Result<u16, ()> {
    if v.eq_ignore_ascii_case("off") {
        return Ok(0);
    }
    let digits = v.strip_suffix(unit).unwrap_or(v);
    digits.parse::<u16>().ok().filter(|n| *n <= max).ok_or(())
}

/// What is wrong with an SSH password, in words that never repeat it: Clore's character set
/// and length, at least [`PASSWORD_MIN`] characters, not only spaces. `/settings` and
/// `/template save` take passwords by this one rule.
pub(super) fn check_password(v: &str) -> Result<(), String> {
    crate::clore::validate::check_token("password", v)
        .map_err(|e| t!("clore-invalid", field = e.field, problem = e.problem))?;
    if v.chars().count() < PASSWORD_MIN {
        return Err(t!("parse-password-short", min = PASSWORD_MIN));
    }
    // Clore's set allows spaces, tabs and line breaks, but a password of nothing else is the
    // first one anybody tries.
    if v.chars().all(char::is_whitespace) {
        return Err(t!("parse-password-blank"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::ok;
    use super::*;

    #[test]
    fn key_errors_never_repeat_the_key() {
        match ok("/key set short") {
            Command::KeySet(Err(e)) => assert!(!e.contains("short"), "{e}"),
            c => panic!("{c:?}"),
        }
        let e = parse("/settings password=bad#pass").unwrap_err();
        assert!(e.secret && !e.message.contains("bad#pass"), "{e:?}");
    }

    #[test]
    fn host_alert_settings_take_numbers_off_and_none() {
        let changes = |s: &str| format!("{:?}", ok(s));
        assert_eq!(changes("/settings idle=36h undercut=off"), "Settings([IdleHours(Some(36)), UndercutN(Some(0))])");
        assert_eq!(
            changes("/settings idle=off undercut=5 idle=none"),
            "Settings([IdleHours(Some(0)), UndercutN(Some(5)), IdleHours(None)])"
        );
        assert!(parse("/settings idle=721").is_err());
        assert!(parse("/settings undercut=51").is_err());
        assert!(parse("/settings idle=-1").is_err());
    }
}
