//! `rent_templates`: what an order is made with, saved under a name (`/template save`). A
//! personal template is its owner's; a team template is a group's. Environment values, the
//! SSH password and the Jupyter token are sealed together (kind `template`, bound to the
//! owner and the name); the names of the variables and whether a password or token is set
//! stay in the clear, for `/template show`. Team templates hold no secrets.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sqlx::{PgExecutor, PgPool};

use super::crypto::{CryptoError, Keyring, Sealed, SecretKind};
use crate::domain::{ChatId, TemplateId, UserId, WatchId};

/// A template as stored; its secrets stay sealed until [`open`].
#[derive(Clone, PartialEq)]
pub struct Template {
    pub id: TemplateId,
    pub owner_id: UserId,
    /// A team template's group.
    pub chat_id: Option<ChatId>,
    pub name: String,
    pub image: Option<String>,
    /// As `ports=` takes it: `22:tcp,8888:http`.
    pub ports: Option<String>,
    pub ssh_key: Option<String>,
    pub command: Option<String>,
    pub env_names: Vec<String>,
    pub has_password: bool,
    pub has_jupyter: bool,
    key_version: Option<i32>,
    nonce: Option<Vec<u8>>,
    ciphertext: Option<Vec<u8>>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

/// The secret part of a template. Its `Debug` names the variables, never a value.
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Secrets {
    pub env: BTreeMap<String, String>,
    pub password: Option<String>,
    pub jupyter: Option<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("password", &self.password.is_some())
            .field("jupyter", &self.jupyter.is_some())
            .finish()
    }
}

impl Secrets {
    pub fn is_empty(&self) -> bool {
        self.env.is_empty() && self.password.is_none() && self.jupyter.is_none()
    }
}

/// What `/template save` stores (the secrets come beside it).
#[derive(Debug, Clone, PartialEq)]
pub struct NewTemplate {
    pub owner: UserId,
    pub chat: Option<ChatId>,
    pub name: String,
    pub image: Option<String>,
    pub ports: Option<String>,
    pub ssh_key: Option<String>,
    pub command: Option<String>,
}

/// What [`save_capped`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(TemplateId),
    /// A template of that name was there: it now holds what was given.
    Replaced(TemplateId),
    /// The owner (or the group) has this many templates already.
    Capped(i64),
}

/// The row a template's secrets are bound to: its owner (the user id of the AAD) and name.
fn binding(name: &str) -> String {
    format!("template:{name}")
}

macro_rules! query_templates {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Template,
            $head
                + r#" id AS "id: TemplateId", owner_id AS "owner_id: UserId", chat_id AS "chat_id: ChatId", name,
                   image, ports, ssh_key, command, env_names, has_password, has_jupyter, key_version, nonce,
                   ciphertext "#
                + $tail
            $(, $arg)*
        )
    };
}

/// Saves `t` (replacing the template of that name, which keeps its id) unless it would be the
/// owner's (or group's) `cap + 1`th. The owner's row (or the chat's) stays locked until the
/// transaction ends, so saves racing for one owner are counted one after another.
pub async fn save_capped(
    tx: &mut sqlx::PgConnection,
    ring: &Keyring,
    t: &NewTemplate,
    secrets: &Secrets,
    cap: i64,
) -> sqlx::Result<Saved> {
    match t.chat {
        None => sqlx::query!("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", t.owner.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|_| ()),
        Some(c) => sqlx::query!("SELECT id FROM chats WHERE id = $1 FOR NO KEY UPDATE", c.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|_| ()),
    };
    let sealed: Option<Sealed> = (!secrets.is_empty()).then(|| {
        let json = serde_json::to_string(secrets).unwrap_or_default();
        ring.seal_bound(t.owner.0, SecretKind::Template, Some(&binding(&t.name)), &json)
    });
    let env_names: Vec<String> = secrets.env.keys().cloned().collect();
    let (kv, nonce, ct) = match &sealed {
        Some(s) => (Some(s.key_version), Some(s.nonce.clone()), Some(s.ciphertext.clone())),
        None => (None, None, None),
    };
    let existing = find(&mut *tx, t.owner, t.chat, &t.name).await?;
    if let Some(old) = existing {
        sqlx::query!(
            "UPDATE rent_templates SET owner_id = $2, image = $3, ports = $4, ssh_key = $5, command = $6,
                    env_names = $7, has_password = $8, has_jupyter = $9, key_version = $10, nonce = $11,
                    ciphertext = $12, updated_at = now()
             WHERE id = $1",
            old.id.0,
            t.owner.0,
            t.image.as_deref(),
            t.ports.as_deref(),
            t.ssh_key.as_deref(),
            t.command.as_deref(),
            &env_names,
            secrets.password.is_some(),
            secrets.jupyter.is_some(),
            kv,
            nonce,
            ct,
        )
        .execute(&mut *tx)
        .await?;
        return Ok(Saved::Replaced(old.id));
    }
    let n = match t.chat {
        None => count_personal(&mut *tx, t.owner).await?,
        Some(c) => count_team(&mut *tx, c).await?,
    };
    if n >= cap {
        return Ok(Saved::Capped(n));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO rent_templates (owner_id, chat_id, name, image, ports, ssh_key, command, env_names,
                                       has_password, has_jupyter, key_version, nonce, ciphertext)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id AS "id: TemplateId""#,
        t.owner.0,
        t.chat.map(|c| c.0),
        &t.name,
        t.image.as_deref(),
        t.ports.as_deref(),
        t.ssh_key.as_deref(),
        t.command.as_deref(),
        &env_names,
        secrets.password.is_some(),
        secrets.jupyter.is_some(),
        kv,
        nonce,
        ct,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Saved::Created(id))
}

pub async fn count_personal(ex: impl PgExecutor<'_>, owner: UserId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM rent_templates WHERE owner_id = $1 AND chat_id IS NULL"#,
        owner.0
    )
    .fetch_one(ex)
    .await
}

pub async fn count_team(ex: impl PgExecutor<'_>, chat: ChatId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM rent_templates WHERE chat_id = $1"#, chat.0).fetch_one(ex).await
}

/// The template `name`: the owner's own (`chat` None) or the group's.
pub async fn find(
    ex: impl PgExecutor<'_>,
    owner: UserId,
    chat: Option<ChatId>,
    name: &str,
) -> sqlx::Result<Option<Template>> {
    match chat {
        None => {
            query_templates!(
                "SELECT",
                "FROM rent_templates WHERE owner_id = $1 AND chat_id IS NULL AND name = $2",
                owner.0,
                name
            )
            .fetch_optional(ex)
            .await
        }
        Some(c) => {
            query_templates!("SELECT", "FROM rent_templates WHERE chat_id = $1 AND name = $2", c.0, name)
                .fetch_optional(ex)
                .await
        }
    }
}

pub async fn get(ex: impl PgExecutor<'_>, id: TemplateId) -> sqlx::Result<Option<Template>> {
    query_templates!("SELECT", "FROM rent_templates WHERE id = $1", id.0).fetch_optional(ex).await
}

/// The owner's personal templates, by name.
pub async fn list_personal(ex: impl PgExecutor<'_>, owner: UserId) -> sqlx::Result<Vec<Template>> {
    query_templates!("SELECT", "FROM rent_templates WHERE owner_id = $1 AND chat_id IS NULL ORDER BY name", owner.0)
        .fetch_all(ex)
        .await
}

/// A group's team templates, by name.
pub async fn list_team(ex: impl PgExecutor<'_>, chat: ChatId) -> sqlx::Result<Vec<Template>> {
    query_templates!("SELECT", "FROM rent_templates WHERE chat_id = $1 ORDER BY name", chat.0).fetch_all(ex).await
}

pub async fn delete(ex: impl PgExecutor<'_>, id: TemplateId) -> sqlx::Result<bool> {
    Ok(sqlx::query!("DELETE FROM rent_templates WHERE id = $1", id.0).execute(ex).await?.rows_affected() > 0)
}

/// The watches whose auto-rent uses template `id`, by id.
pub async fn watches_using(ex: impl PgExecutor<'_>, id: TemplateId) -> sqlx::Result<Vec<WatchId>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: WatchId" FROM watches WHERE (autorent ->> 'template')::bigint = $1 ORDER BY id"#,
        id.0
    )
    .fetch_all(ex)
    .await
}

/// A template's secrets, opened: none stored reads as empty.
pub fn open(ring: &Keyring, t: &Template) -> Result<Secrets, CryptoError> {
    let (Some(key_version), Some(nonce), Some(ciphertext)) = (t.key_version, t.nonce.clone(), t.ciphertext.clone())
    else {
        return Ok(Secrets::default());
    };
    let sealed = Sealed { key_version, nonce, ciphertext, fingerprint: String::new() };
    let plain: SecretString = ring.open_bound(t.owner_id.0, SecretKind::Template, Some(&binding(&t.name)), &sealed)?;
    serde_json::from_str(plain.expose_secret()).map_err(|_| CryptoError::Decrypt(key_version))
}

/// Re-seals every template not on the newest master key (part of `keys rotate`); returns
/// (moved, failed).
pub async fn rotate(pool: &PgPool, ring: &Keyring) -> anyhow::Result<(u64, u64)> {
    use anyhow::Context;
    let mut tx = pool.begin().await.context("failed to begin rotating template secrets")?;
    let rows = query_templates!(
        "SELECT",
        "FROM rent_templates WHERE key_version IS NOT NULL AND key_version <> $1 FOR UPDATE",
        ring.newest_version(),
    )
    .fetch_all(&mut *tx)
    .await
    .context("failed to read template secrets to rotate")?;
    let (mut moved, mut failed) = (0, 0);
    for t in rows {
        let Ok(secrets) = open(ring, &t) else {
            failed += 1;
            continue;
        };
        let json = serde_json::to_string(&secrets).unwrap_or_default();
        let s = ring.seal_bound(t.owner_id.0, SecretKind::Template, Some(&binding(&t.name)), &json);
        sqlx::query!(
            "UPDATE rent_templates SET key_version = $2, nonce = $3, ciphertext = $4 WHERE id = $1",
            t.id.0,
            s.key_version,
            &s.nonce,
            &s.ciphertext,
        )
        .execute(&mut *tx)
        .await
        .context("failed to store a re-sealed template")?;
        moved += 1;
    }
    tx.commit().await.context("failed to commit rotated template secrets")?;
    Ok((moved, failed))
}
