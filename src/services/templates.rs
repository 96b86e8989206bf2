//! Rent templates as `/rent`, `/watch … autorent t=` and the auto-rent engine use them: found
//! by name where the caller is, read back whole (secrets opened) when an order is made, and
//! the login a template gives, which wins over the owner's saved one.

use secrecy::SecretString;

use super::{Deps, Failure, SshLogin};
use crate::clore::PortProto;
use crate::domain::{ChatId, TemplateId, WatchId};
use crate::store::templates::{self, NewTemplate, Saved, Secrets, Template};
use crate::store::users::User;
use crate::t;

/// A template read back for an order: its values, its secrets opened.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub id: TemplateId,
    pub name: String,
    pub image: Option<String>,
    /// Empty: the template leaves ports to `/rent` (SSH only).
    pub ports: Vec<(u16, PortProto)>,
    pub ssh_key: Option<String>,
    pub command: Option<String>,
    pub secrets: Secrets,
}

impl Resolved {
    /// The login the template gives, if any: its SSH key, else its password.
    pub fn login(&self) -> Option<SshLogin> {
        if let Some(k) = &self.ssh_key {
            return Some(SshLogin::Key(k.clone()));
        }
        self.secrets.password.clone().map(|p| SshLogin::Password(SecretString::from(p)))
    }

    pub fn jupyter(&self) -> Option<SecretString> {
        self.secrets.jupyter.clone().map(SecretString::from)
    }
}

/// The template `name` for `user` where they are: their own, else (in a group, `chat`) the
/// group's team template of that name.
pub async fn find(deps: &Deps, user: &User, chat: Option<ChatId>, name: &str) -> Result<Option<Template>, Failure> {
    if let Some(t) = templates::find(&deps.pool, user.id, None, name).await? {
        return Ok(Some(t));
    }
    match chat {
        Some(c) => Ok(templates::find(&deps.pool, user.id, Some(c), name).await?),
        None => Ok(None),
    }
}

/// Like [`find`], or the words saying there is no such template.
pub async fn named(deps: &Deps, user: &User, chat: Option<ChatId>, name: &str) -> Result<Template, Failure> {
    find(deps, user, chat, name).await?.ok_or_else(|| Failure::user(t!("template-not-found", name = name)))
}

/// Template `id` read back for `user`'s order: their own or a team template. Gone (deleted
/// since it was chosen) or another's is a refusal in words.
pub async fn resolve(deps: &Deps, user: &User, id: TemplateId) -> Result<Resolved, Failure> {
    let t = templates::get(&deps.pool, id)
        .await?
        .filter(|t| t.chat_id.is_some() || t.owner_id == user.id)
        .ok_or_else(|| Failure::user(t!("template-gone")))?;
    read(deps, &t)
}

/// A template's values, its secrets opened. A secret that no longer decrypts is a refusal
/// (renting without the token the user asked for would make an order that does not work).
pub fn read(deps: &Deps, t: &Template) -> Result<Resolved, Failure> {
    let secrets = templates::open(&deps.keyring, t).map_err(|e| {
        tracing::warn!(template = %t.id, error = %e, "a template's secrets do not decrypt");
        Failure::user(t!("template-unreadable", name = t.name.as_str()))
    })?;
    let ports = match &t.ports {
        Some(p) => parse_stored_ports(p),
        None => Vec::new(),
    };
    Ok(Resolved {
        id: t.id,
        name: t.name.clone(),
        image: t.image.clone(),
        ports,
        ssh_key: t.ssh_key.clone(),
        command: t.command.clone(),
        secrets,
    })
}

/// Ports as stored (`22:tcp,8888:http`, checked when saved).
pub fn parse_stored_ports(s: &str) -> Vec<(u16, PortProto)> {
    s.split(',')
        .filter_map(|p| {
            let (port, proto) = p.split_once(':')?;
            let proto = if proto == "http" { PortProto::Http } else { PortProto::Tcp };
            Some((port.parse().ok()?, proto))
        })
        .collect()
}

/// Ports as a template stores them.
pub fn ports_text(ports: &[(u16, PortProto)]) -> Option<String> {
    (!ports.is_empty()).then(|| ports.iter().map(|(p, k)| format!("{p}:{}", k.as_str())).collect::<Vec<_>>().join(","))
}

/// Saves a template (replacing one of the same name) within `cap` a user or group.
pub async fn save(deps: &Deps, new: &NewTemplate, secrets: &Secrets, cap: i64) -> Result<Saved, Failure> {
    let mut tx = deps.pool.begin().await?;
    let saved = templates::save_capped(&mut tx, &deps.keyring, new, secrets, cap).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes template `t` unless an auto-rent watch uses it: then the watches, and nothing
/// is deleted.
pub async fn delete(deps: &Deps, t: &Template) -> Result<Result<(), Vec<WatchId>>, Failure> {
    let mut tx = deps.pool.begin().await?;
    let using = templates::watches_using(&mut *tx, t.id).await?;
    if !using.is_empty() {
        return Ok(Err(using));
    }
    templates::delete(&mut *tx, t.id).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
