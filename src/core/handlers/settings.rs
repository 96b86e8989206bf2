//! `/settings …`: display currency, default image, SSH key or password, locale.

use serde_json::json;

use crate::core::command::SettingChange;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::store::crypto::SecretKind;
use crate::store::{audit, secrets, users};
use crate::text::{ECHO_MAX, clip};

pub async fn settings(cx: &Ctx<'_>, changes: Vec<SettingChange>) -> Outcome {
    let sets_password = changes.iter().any(|c| matches!(c, SettingChange::SshPassword(Some(_))));
    if sets_password && !cx.caller.in_private() {
        return Err(Failure::User(
            "Set an SSH password only in a private chat with me. I deleted your message where I could and saved \
             nothing; choose a different password, since others may have seen this one."
                .into(),
        ));
    }
    let mut s = cx.user.settings.clone();
    let mut tx = cx.core.pool.begin().await?;
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
            SettingChange::Locale(l) => {
                s.locale = l.clone();
                changed.push("locale");
            }
            SettingChange::SshPassword(Some(p)) => {
                secrets::put(&mut *tx, &cx.core.keyring, cx.user.id, SecretKind::SshPassword, p).await?;
                changed.push("password");
            }
            SettingChange::SshPassword(None) => {
                secrets::remove(&mut *tx, cx.user.id, SecretKind::SshPassword).await?;
                changed.push("password");
            }
        }
    }
    if !changes.is_empty() {
        users::save_settings(&mut *tx, cx.user.id, &s).await?;
        audit::record(&mut *tx, Some(cx.user.id), "settings", &json!({ "changed": changed }), "ok").await?;
    }
    let has_password = secrets::status(&mut *tx, cx.user.id, SecretKind::SshPassword).await?.is_some();
    tx.commit().await?;
    let mut r = Reply::titled(if changes.is_empty() { "Your settings" } else { "Settings saved" }).with_fields(vec![
        ("Currency".into(), s.currency.symbol().to_owned()),
        (
            "Default image".into(),
            s.default_image
                .as_deref()
                .map(|i| clip(i, ECHO_MAX))
                .unwrap_or_else(|| format!("{} (bot default)", cx.core.cfg.default_image)),
        ),
        ("SSH key".into(), s.ssh_key.as_deref().map(short_key).unwrap_or_else(|| "none".into())),
        (
            "SSH password".into(),
            if has_password { "saved (encrypted)".into() } else { "none: a new one per order".into() },
        ),
        ("Locale".into(), s.locale.clone()),
    ]);
    if changes.is_empty() {
        r = r.with_text(format!("Change with {}", crate::core::help::usage("settings")));
    }
    Ok(vec![r.private()])
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
