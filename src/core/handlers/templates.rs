//! `/template save|show|delete` and `/templates`: saved ways to rent. A personal template is
//! the caller's; a team template (`here`) is a group's, saved and deleted by its admins, and
//! holds no secrets. Secrets (environment values, a password, a Jupyter token) are taken only
//! in a private chat, sealed at rest, and shown masked.

use crate::core::command::{TEMPLATES_MAX, TemplateArgs};
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format::clip;
use crate::services::templates;
use crate::store::templates::{NewTemplate, Saved, Secrets, Template};
use crate::t;

/// What a masked secret reads as.
const MASK: &str = "••••";

pub async fn save(cx: &Ctx<'_>, a: TemplateArgs) -> Outcome {
    let secret = a.holds_secret();
    let chat = if a.here {
        if cx.caller.in_private() {
            return Err(Failure::user(t!("template-here-private")));
        }
        if !cx.is_chat_admin().await? {
            return Err(Failure::user(t!("template-here-admins")));
        }
        if secret {
            return Err(Failure::user(t!("template-team-secret")));
        }
        Some(cx.chat.id)
    } else {
        None
    };
    if secret && !cx.caller.in_private() {
        return Err(Failure::user(t!("template-secret-in-group")));
    }
    use secrecy::ExposeSecret;
    let secrets = Secrets {
        env: a.env.clone(),
        password: a.password.as_ref().map(|p| p.expose_secret().to_owned()),
        jupyter: a.jupyter.as_ref().map(|j| j.expose_secret().to_owned()),
    };
    let new = NewTemplate {
        owner: cx.user.id,
        chat,
        name: a.name.clone(),
        image: a.image.clone(),
        ports: templates::ports_text(&a.ports),
        ssh_key: a.ssh_key.clone(),
        command: a.command.clone(),
    };
    let name = a.name.as_str();
    let text = match templates::save(&cx.core.deps, &new, &secrets, TEMPLATES_MAX).await? {
        Saved::Created(_) if chat.is_some() => t!("template-saved-team", name = name),
        Saved::Created(_) => t!("template-saved", name = name),
        Saved::Replaced(_) => t!("template-replaced", name = name),
        Saved::Capped(n) if chat.is_some() => {
            return Err(Failure::user(t!("template-team-too-many", n = n, max = TEMPLATES_MAX)));
        }
        Saved::Capped(n) => return Err(Failure::user(t!("template-too-many", n = n, max = TEMPLATES_MAX))),
    };
    let mut r = Reply::text(text).with_text(t!("template-use", name = name));
    if secret {
        r = r.with_text(t!("template-secret-sealed"));
    }
    Ok(vec![r])
}

/// The group a team template may come from: the chat, unless this is a private chat.
fn group(cx: &Ctx<'_>) -> Option<crate::domain::ChatId> {
    (!cx.caller.in_private()).then_some(cx.chat.id)
}

pub async fn show(cx: &Ctx<'_>, name: String) -> Outcome {
    let t = templates::named(&cx.core.deps, &cx.user, group(cx), &name).await?;
    let title = if t.chat_id.is_some() {
        t!("template-title-team", name = t.name.as_str())
    } else {
        t!("template-title", name = t.name.as_str())
    };
    Ok(vec![Reply::titled(title).with_fields(fields(&t))])
}

/// A template's values, its secrets masked (`API_TOKEN=••••`).
fn fields(t: &Template) -> Vec<(String, String)> {
    let default = || t!("template-default");
    let mut out = vec![
        (t!("rent-field-image"), t.image.as_deref().map(|i| clip(i, 60)).unwrap_or_else(default)),
        (
            t!("rent-field-ports"),
            t.ports.as_deref().map(|p| p.replace(':', "/").replace(',', ", ")).unwrap_or_else(default),
        ),
    ];
    if !t.env_names.is_empty() {
        let env = t.env_names.iter().map(|n| format!("{}={MASK}", clip(n, 30))).collect::<Vec<_>>().join(", ");
        out.push((t!("rent-field-env"), clip(&env, 200)));
    }
    let login = match (&t.ssh_key, t.has_password) {
        (Some(k), _) => t!("template-login-key", key = clip(k, 40)),
        (None, true) => t!("template-login-password", mask = MASK),
        (None, false) => t!("template-login-saved"),
    };
    out.push((t!("rent-field-ssh"), login));
    if let Some(c) = &t.command {
        out.push((t!("template-field-command"), clip(c, 100)));
    }
    if t.has_jupyter {
        out.push((t!("template-field-jupyter"), MASK.to_owned()));
    }
    out
}

pub async fn list(cx: &Ctx<'_>) -> Outcome {
    let pool = &cx.core.deps.pool;
    let mine = crate::store::templates::list_personal(pool, cx.user.id).await?;
    let team = match group(cx) {
        Some(c) => crate::store::templates::list_team(pool, c).await?,
        None => Vec::new(),
    };
    if mine.is_empty() && team.is_empty() {
        return Ok(vec![Reply::text(t!("template-none"))]);
    }
    let line = |t: &Template| {
        let mut parts = vec![t.image.as_deref().map(|i| clip(i, 40)).unwrap_or_else(|| t!("template-default-image"))];
        if let Some(p) = &t.ports {
            parts.push(p.clone());
        }
        if !t.env_names.is_empty() {
            parts.push(t!("template-env-count", n = t.env_names.len()));
        }
        format!("{} — {}", t.name, parts.join(", "))
    };
    let mut r = Reply::titled(t!("template-list-title", n = mine.len(), max = TEMPLATES_MAX));
    if !mine.is_empty() {
        r = r.with_text(mine.iter().map(line).collect::<Vec<_>>().join("\n"));
    }
    if !team.is_empty() {
        r = r.with_text(t!("template-list-team"));
        r = r.with_text(team.iter().map(line).collect::<Vec<_>>().join("\n"));
    }
    Ok(vec![r.with_text(t!("template-list-footer"))])
}

pub async fn delete(cx: &Ctx<'_>, name: String) -> Outcome {
    let t = templates::named(&cx.core.deps, &cx.user, group(cx), &name).await?;
    if t.chat_id.is_some() && !cx.is_chat_admin().await? {
        return Err(Failure::user(t!("template-here-admins")));
    }
    match templates::delete(&cx.core.deps, &t).await? {
        Ok(()) => Ok(vec![Reply::text(t!("template-deleted", name = t.name.as_str()))]),
        Err(watches) => {
            let ids = watches.iter().map(|w| format!("#{w}")).collect::<Vec<_>>().join(", ");
            Err(Failure::user(t!("template-in-use", name = t.name.as_str(), n = watches.len(), watches = ids)))
        }
    }
}
