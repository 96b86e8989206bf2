//! `/settings …`: display currency, default image, SSH key or password, locale, quiet hours
//! (a person's in private, a group's — set by its admins — in the group), and a host's alert
//! settings (idle hours, undercut count).

use serde_json::json;

use crate::core::command::SettingChange;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::i18n::{self, Lang};
use crate::store::crypto::SecretKind;
use crate::store::quiet::{self, QuietOf, QuietSetting};
use crate::store::{audit, host_alerts, secrets, users};
use crate::t;
use crate::text::{ECHO_MAX, clip};

pub async fn settings(cx: &Ctx<'_>, changes: Vec<SettingChange>) -> Outcome {
    let sets_password = changes.iter().any(|c| matches!(c, SettingChange::SshPassword(Some(_))));
    if sets_password && !cx.caller.in_private() {
        return Err(Failure::User(t!("settings-password-in-group")));
    }
    // In a group, `locale=` is the group's language, and only its admins choose it.
    let chat_locale = changes.iter().find_map(|c| match c {
        SettingChange::Locale(l) if !cx.caller.in_private() => Some(*l),
        _ => None,
    });
    if chat_locale.is_some() && !cx.is_chat_admin().await? {
        return Err(Failure::User(t!("settings-locale-not-admin")));
    }
    // Quiet hours likewise: the caller's in private, the group's (by its admins) in a group.
    let quiet_change = changes.iter().any(|c| matches!(c, SettingChange::Quiet(_) | SettingChange::Tz(_)));
    let quiet_of = if cx.caller.in_private() { QuietOf::User(cx.user.id) } else { QuietOf::Chat(cx.chat.id) };
    if quiet_change && !cx.caller.in_private() && !cx.is_chat_admin().await? {
        return Err(Failure::User(t!("settings-quiet-not-admin")));
    }
    let mut s = cx.user.settings.clone();
    let mut tx = cx.core.deps.pool.begin().await?;
    let mut changed = Vec::new();
    for c in &changes {
        match c {
            SettingChange::Currency(cur) => {
                s.currency = *cur;
                changed.push("currency");
            }
            SettingChange::Image(i) => {
                s.default_image = i.clone();
                changed.push("image");
            }
            SettingChange::SshKey(k) => {
                s.ssh_key = k.clone();
                changed.push("sshkey");
            }
            SettingChange::Locale(l) if cx.caller.in_private() => {
                s.locale = l.map(|l| l.code().to_owned());
                changed.push("locale");
            }
            SettingChange::Locale(l) => {
                users::set_chat_locale(&mut *tx, cx.chat.id, l.map(Lang::code)).await?;
                changed.push("chat_locale");
            }
            SettingChange::SshPassword(Some(p)) => {
                secrets::put(&mut *tx, &cx.core.deps.keyring, cx.user.id, SecretKind::SshPassword, p).await?;
                changed.push("password");
            }
            SettingChange::SshPassword(None) => {
                secrets::remove(&mut *tx, cx.user.id, SecretKind::SshPassword).await?;
                changed.push("password");
            }
            SettingChange::Quiet(_) | SettingChange::Tz(_) => {}
            SettingChange::IdleHours(_) | SettingChange::UndercutN(_) => {}
        }
    }
    // Host alerts: their own table (`store/host_alerts.rs`).
    let (mut idle, mut undercut) = host_alerts::get(&mut *tx, cx.user.id).await?;
    let host_change = changes.iter().any(|c| matches!(c, SettingChange::IdleHours(_) | SettingChange::UndercutN(_)));
    if host_change {
        for c in &changes {
            match c {
                SettingChange::IdleHours(h) => idle = *h,
                SettingChange::UndercutN(n) => undercut = *n,
                _ => {}
            }
        }
        host_alerts::set(&mut *tx, cx.user.id, idle, undercut).await?;
        changed.push("host_alerts");
    }
    if quiet_change {
        let was = quiet::get(&mut *tx, quiet_of).await?;
        let mut q = was.unwrap_or(QuietSetting { window: None, tz: chrono_tz::UTC });
        for c in &changes {
            match c {
                SettingChange::Quiet(w) => q.window = *w,
                SettingChange::Tz(z) => q.tz = *z,
                _ => {}
            }
        }
        quiet::set(&mut *tx, quiet_of, &q).await?;
        changed.push(if cx.caller.in_private() { "quiet" } else { "chat_quiet" });
    }
    let my_quiet = quiet::get(&mut *tx, QuietOf::User(cx.user.id)).await?;
    // In a group, the group's too (its card shows them; a change of them is announced).
    let chat_quiet = match quiet_of {
        QuietOf::Chat(_) => Some(quiet::get(&mut *tx, quiet_of).await?),
        QuietOf::User(_) => None,
    };
    if !changes.is_empty() {
        users::save_settings(&mut *tx, cx.user.id, &s).await?;
        audit::record(&mut *tx, Some(cx.user.id), "settings", &json!({ "changed": changed }), "ok").await?;
    }
    let has_password = secrets::status(&mut *tx, cx.user.id, SecretKind::SshPassword).await?.is_some();
    tx.commit().await?;
    // Answers are in the language just chosen: the settings card, which only the caller
    // reads, in their own; a group's new language is announced in it.
    let lang = i18n::resolve([s.locale.as_deref(), app_locale(cx)]);
    let mut replies = vec![];
    if let Some(chosen) = chat_locale {
        replies.push(i18n::sync_scope(chosen.unwrap_or(lang), || match chosen {
            Some(l) => Reply::text(t!("settings-chat-language-set", name = l.native_name())),
            None => Reply::text(t!("settings-chat-language-cleared")),
        }));
    }
    if let Some(Some(q)) = chat_quiet.filter(|_| quiet_change) {
        let chat_lang = i18n::resolve([cx.chat.locale.as_deref(), s.locale.as_deref(), app_locale(cx)]);
        replies.push(i18n::sync_scope(chat_lang, || match q.hours() {
            Some(h) => Reply::text(t!("settings-chat-quiet-set", hours = h.to_string())),
            None => Reply::text(t!("settings-chat-quiet-off", tz = q.tz.name())),
        }));
    }
    // A group's own settings alone changed: their announcement is the whole answer.
    let group_only = !cx.caller.in_private()
        && !changes.is_empty()
        && changes
            .iter()
            .all(|c| matches!(c, SettingChange::Locale(_) | SettingChange::Quiet(_) | SettingChange::Tz(_)));
    if !group_only {
        let r = i18n::sync_scope(lang, || {
            let language = match s.locale.as_deref().and_then(Lang::parse) {
                Some(l) => t!("settings-language-chosen", name = l.native_name(), code = l.code()),
                None => {
                    let app = i18n::resolve([app_locale(cx)]);
                    t!("settings-language-auto", name = app.native_name(), code = app.code())
                }
            };
            let mut fields = vec![
                (t!("settings-currency"), s.currency.symbol().to_owned()),
                (
                    t!("settings-image"),
                    s.default_image
                        .as_deref()
                        .map(|i| clip(i, ECHO_MAX))
                        .unwrap_or_else(|| t!("settings-image-default", image = cx.core.deps.default_image.as_str())),
                ),
                (t!("settings-ssh-key"), s.ssh_key.as_deref().map(short_key).unwrap_or_else(|| t!("settings-none"))),
                (
                    t!("settings-ssh-password"),
                    if has_password { t!("settings-password-saved") } else { t!("settings-password-none") },
                ),
                (t!("settings-language"), language),
                (t!("settings-quiet"), quiet_text(my_quiet)),
                (
                    t!("settings-idle"),
                    match idle.unwrap_or(host_alerts::IDLE_HOURS) {
                        0 => t!("settings-host-alert-off"),
                        h => t!("settings-idle-hours", hours = u32::from(h)),
                    },
                ),
                (
                    t!("settings-undercut"),
                    match undercut.unwrap_or(host_alerts::UNDERCUT_N) {
                        0 => t!("settings-host-alert-off"),
                        n => t!("settings-undercut-n", n = u32::from(n)),
                    },
                ),
            ];
            if let Some(q) = chat_quiet {
                fields.push((t!("settings-chat-quiet"), quiet_text(q)));
            }
            let title = if changes.is_empty() { t!("settings-title") } else { t!("settings-saved") };
            let mut r = Reply::titled(title).with_fields(fields);
            if changes.is_empty() {
                r = r.with_text(t!("settings-change-with", usage = crate::core::help::usage("settings")));
            }
            r
        });
        replies.push(r.private());
    }
    Ok(replies)
}

/// "23:00–08:00 (Europe/Berlin)", or off.
fn quiet_text(q: Option<QuietSetting>) -> String {
    match q.and_then(|q| q.hours()) {
        Some(h) => h.to_string(),
        None => t!("settings-quiet-off"),
    }
}

/// The language the caller's app reports, if it said.
fn app_locale<'a>(cx: &'a Ctx<'_>) -> Option<&'a str> {
    cx.caller.who.locale.as_deref()
}

/// `ssh-ed25519 AAAAC3Nz…x7Q me@host`: enough to recognise a public key. Cut by characters,
/// never bytes (a stored value from before keys were checked may hold anything).
fn short_key(k: &str) -> String {
    let mut parts = k.split_whitespace();
    let kind = clip(parts.next().unwrap_or(""), 40);
    let body: Vec<char> = parts.next().unwrap_or("").chars().collect();
    let comment = clip(&parts.collect::<Vec<_>>().join(" "), 40);
    let body = if body.len() > 16 {
        let head: String = body.iter().take(8).collect();
        let tail: String = body.iter().skip(body.len() - 4).collect();
        format!("{head}…{tail}")
    } else {
        body.iter().collect()
    };
    format!("{kind} {body} {comment}").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::short_key;

    #[test]
    fn short_key_cuts_by_characters() {
        assert_eq!(short_key("ssh-ed25519 €€€€€€€€€€€€€€€€€€€€ me@host"), "ssh-ed25519 €€€€€€€€…€€€€ me@host");
        assert_eq!(short_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG me"), "ssh-ed25519 AAAAC3Nz…AAIG me");
        assert_eq!(short_key(""), "");
    }
}
