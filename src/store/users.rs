//! `users` (with their settings) and `chats`.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::clore::Currency;
use crate::domain::{ChatId, Platform, UserId};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    pub platform_user_id: String,
    pub display_name: String,
    pub dm_chat_id: Option<String>,
    #[sqlx(flatten)]
    pub settings: Settings,
    /// The language the user's app last said it was in (Telegram `language_code`, Discord
    /// `locale`), for alerts, which have no request to ask.
    pub platform_locale: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The language this user's private answers and alerts are in: their choice, else
    /// their app's, else English.
    pub fn lang(&self) -> Lang {
        crate::i18n::resolve([self.settings.locale.as_deref(), self.platform_locale.as_deref()])
    }
}

/// What `/settings` changes. The saved SSH password is a secret and lives in `user_secrets`.
#[derive(Debug, Clone, PartialEq, Default, sqlx::FromRow)]
pub struct Settings {
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub default_image: Option<String>,
    pub ssh_key: Option<String>,
    /// The language the user chose (`en`, `de`, `ru`); `None`: their app's.
    pub locale: Option<String>,
}

const USER_COLS: &str = "id, platform, platform_user_id, display_name, dm_chat_id, currency, default_image, ssh_key, \
                         locale, platform_locale, created_at";

/// The user behind a platform identity, created on first sight; the display name follows
/// the platform's.
pub async fn upsert_user(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_user_id: &str,
    display_name: &str,
) -> sqlx::Result<User> {
    upsert_user_reachable(ex, platform, platform_user_id, display_name, None).await
}

/// As [`upsert_user`], also recording where private messages reach the user (kept when `None`).
pub async fn upsert_user_reachable(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_user_id: &str,
    display_name: &str,
    dm_chat_id: Option<&str>,
) -> sqlx::Result<User> {
    sqlx::query_as(sqlf!(
        "INSERT INTO users (platform, platform_user_id, display_name, dm_chat_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (platform, platform_user_id) DO UPDATE
           SET display_name = EXCLUDED.display_name,
               dm_chat_id = COALESCE(EXCLUDED.dm_chat_id, users.dm_chat_id),
               updated_at = CASE WHEN users.display_name = EXCLUDED.display_name
                                  AND users.dm_chat_id IS NOT DISTINCT FROM COALESCE(EXCLUDED.dm_chat_id, users.dm_chat_id)
                             THEN users.updated_at ELSE now() END
         RETURNING {USER_COLS}"
    ))
    .bind(platform.as_str())
    .bind(platform_user_id)
    .bind(display_name)
    .bind(dm_chat_id)
    .fetch_one(ex)
    .await
}

pub async fn get_user(ex: impl PgExecutor<'_>, id: UserId) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlf!("SELECT {USER_COLS} FROM users WHERE id = $1")).bind(id).fetch_optional(ex).await
}

pub async fn find_user(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_user_id: &str,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlf!("SELECT {USER_COLS} FROM users WHERE platform = $1 AND platform_user_id = $2"))
        .bind(platform.as_str())
        .bind(platform_user_id)
        .fetch_optional(ex)
        .await
}

pub async fn save_settings(ex: impl PgExecutor<'_>, id: UserId, s: &Settings) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET currency = $2, default_image = $3, ssh_key = $4, locale = $5, updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(s.currency.code())
    .bind(&s.default_image)
    .bind(&s.ssh_key)
    .bind(&s.locale)
    .execute(ex)
    .await?;
    Ok(())
}

/// Remembers the language the user's app reports, when it changed.
pub async fn set_platform_locale(ex: impl PgExecutor<'_>, id: UserId, locale: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET platform_locale = $2 WHERE id = $1 AND platform_locale IS DISTINCT FROM $2")
        .bind(id)
        .bind(locale)
        .execute(ex)
        .await?;
    Ok(())
}

/// What a command's answer in a chat needs before anything else is read: the language the
/// user chose, and the one the chat's admins chose if it is a group. `None`s for strangers.
pub async fn chosen_locales(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_user_id: &str,
    platform_chat_id: &str,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT (SELECT locale FROM users WHERE platform = $1 AND platform_user_id = $2),
                (SELECT locale FROM chats WHERE platform = $1 AND platform_chat_id = $3 AND kind <> 'dm')",
    )
    .bind(platform.as_str())
    .bind(platform_user_id)
    .bind(platform_chat_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Sets (or, with `None`, clears) a group's language.
pub async fn set_chat_locale(ex: impl PgExecutor<'_>, id: ChatId, locale: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("UPDATE chats SET locale = $2 WHERE id = $1").bind(id).bind(locale).execute(ex).await?;
    Ok(())
}

use crate::domain::{ChatKind, Reach};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Chat {
    pub id: ChatId,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    pub platform_chat_id: String,
    #[sqlx(try_from = "String")]
    pub kind: ChatKind,
    pub guild_id: Option<String>,
    pub title: String,
    /// The language a group's admins chose; `None`: each member's own.
    pub locale: Option<String>,
}

const CHAT_COLS: &str = "id, platform, platform_chat_id, kind, guild_id, title, locale";

/// The chat behind a platform chat id, created on first sight; kind and title follow the
/// platform (a group can become a supergroup, a title can change). Hearing from a chat means
/// the bot can reach it again.
pub async fn upsert_chat(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_chat_id: &str,
    kind: ChatKind,
    guild_id: Option<&str>,
    title: &str,
) -> sqlx::Result<Chat> {
    sqlx::query_as(sqlf!(
        "INSERT INTO chats (platform, platform_chat_id, kind, guild_id, title) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (platform, platform_chat_id) DO UPDATE
           SET kind = EXCLUDED.kind, guild_id = EXCLUDED.guild_id, title = EXCLUDED.title, unreachable_since = NULL
         RETURNING {CHAT_COLS}"
    ))
    .bind(platform.as_str())
    .bind(platform_chat_id)
    .bind(kind.as_str())
    .bind(guild_id)
    .bind(title)
    .fetch_one(ex)
    .await
}

pub async fn get_chat(ex: impl PgExecutor<'_>, id: ChatId) -> sqlx::Result<Option<Chat>> {
    sqlx::query_as(sqlf!("SELECT {CHAT_COLS} FROM chats WHERE id = $1")).bind(id).fetch_optional(ex).await
}

/// Records where private messages reach `user` (the front-end resolved it on demand).
pub async fn set_private_chat(ex: impl sqlx::PgExecutor<'_>, user: UserId, chat_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET dm_chat_id = $2, updated_at = now() WHERE id = $1 AND dm_chat_id IS DISTINCT FROM $2",
    )
    .bind(user)
    .bind(chat_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets `user`'s private chat `chat_id` (the platform says it is gone: the user blocked
/// the bot or deleted the chat). Their next private message sets it again.
pub async fn forget_private_chat(ex: impl sqlx::PgExecutor<'_>, user: UserId, chat_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET dm_chat_id = NULL WHERE id = $1 AND dm_chat_id = $2")
        .bind(user)
        .bind(chat_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Records that the bot was removed from (or added back to) `platform_chat_id`. While it is
/// gone, alerts to the chat — and private alerts that would go there — are kept in the outbox
/// as given up instead of being sent; those already waiting are given up now. Returns how many
/// waiting alerts were given up.
pub async fn set_reach(
    ex: impl PgExecutor<'_> + Copy,
    platform: Platform,
    platform_chat_id: &str,
    kind: ChatKind,
    title: &str,
    reach: Reach,
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO chats (platform, platform_chat_id, kind, title, unreachable_since)
         VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
         ON CONFLICT (platform, platform_chat_id) DO UPDATE
           SET unreachable_since = CASE WHEN $5 THEN COALESCE(chats.unreachable_since, now()) END,
               title = CASE WHEN EXCLUDED.title = '' THEN chats.title ELSE EXCLUDED.title END",
    )
    .bind(platform.as_str())
    .bind(platform_chat_id)
    .bind(kind.as_str())
    .bind(title)
    .bind(reach == Reach::Gone)
    .execute(ex)
    .await?;
    if reach == Reach::Reachable {
        return Ok(0);
    }
    let r = sqlx::query(
        "UPDATE outbox o SET failed_at = now(), claimed_until = NULL, last_error = 'gone: the bot cannot post in this chat'
         WHERE o.platform = $1 AND o.delivered_at IS NULL AND o.failed_at IS NULL
           AND (o.claimed_until IS NULL OR o.claimed_until < now())
           AND (o.target_chat_id = $2
                OR (o.target_chat_id IS NULL AND EXISTS (
                      SELECT 1 FROM users u WHERE u.id = o.target_user_id
                        AND COALESCE(u.dm_chat_id, u.platform_user_id) = $2)))",
    )
    .bind(platform.as_str())
    .bind(platform_chat_id)
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// Whether the bot was removed from the chat (see [`set_reach`]).
pub async fn is_gone(ex: impl PgExecutor<'_>, platform: Platform, platform_chat_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM chats WHERE platform = $1 AND platform_chat_id = $2 AND unreachable_since IS NOT NULL)",
    )
    .bind(platform.as_str())
    .bind(platform_chat_id)
    .fetch_one(ex)
    .await
}

/// A group that became another (Telegram turns a group into a supergroup with a new id):
/// the chat, and so its team watches, and alerts waiting for it move to the new id. If the
/// new id is known already (a message from it came first), the old chat's watches move there.
pub async fn migrate_chat(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    platform: Platform,
    from: &str,
    to: &str,
) -> sqlx::Result<()> {
    let old: Option<ChatId> =
        sqlx::query_scalar("SELECT id FROM chats WHERE platform = $1 AND platform_chat_id = $2 FOR UPDATE")
            .bind(platform.as_str())
            .bind(from)
            .fetch_optional(&mut **tx)
            .await?;
    let new: Option<ChatId> =
        sqlx::query_scalar("SELECT id FROM chats WHERE platform = $1 AND platform_chat_id = $2 FOR UPDATE")
            .bind(platform.as_str())
            .bind(to)
            .fetch_optional(&mut **tx)
            .await?;
    match (old, new) {
        (Some(_), None) => {
            sqlx::query("UPDATE chats SET platform_chat_id = $3 WHERE platform = $1 AND platform_chat_id = $2")
                .bind(platform.as_str())
                .bind(from)
                .bind(to)
                .execute(&mut **tx)
                .await?;
        }
        (Some(old), Some(new)) => {
            sqlx::query("UPDATE watches SET chat_id = $2 WHERE chat_id = $1")
                .bind(old)
                .bind(new)
                .execute(&mut **tx)
                .await?;
        }
        (None, _) => {}
    }
    sqlx::query(
        "UPDATE outbox SET target_chat_id = $3
         WHERE platform = $1 AND target_chat_id = $2 AND delivered_at IS NULL AND failed_at IS NULL",
    )
    .bind(platform.as_str())
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
