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

/// A `users` row as the checked queries read it; [`User`] holds the settings apart.
struct UserRow {
    id: UserId,
    platform: Platform,
    platform_user_id: String,
    display_name: String,
    dm_chat_id: Option<String>,
    currency: Currency,
    default_image: Option<String>,
    ssh_key: Option<String>,
    locale: Option<String>,
    platform_locale: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            platform: r.platform,
            platform_user_id: r.platform_user_id,
            display_name: r.display_name,
            dm_chat_id: r.dm_chat_id,
            settings: Settings {
                currency: r.currency,
                default_image: r.default_image,
                ssh_key: r.ssh_key,
                locale: r.locale,
            },
            platform_locale: r.platform_locale,
            created_at: r.created_at,
        }
    }
}

/// `sqlx::query_as!` reading [`UserRow`]s: the SQL is `$head`, the user columns, `$tail`.
macro_rules! query_users {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            UserRow,
            $head
                + r#" id AS "id: UserId", platform AS "platform: Platform", platform_user_id, display_name, dm_chat_id,
                   currency AS "currency: Currency", default_image, ssh_key, locale, platform_locale, created_at "#
                + $tail
            $(, $arg)*
        )
    };
}

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
    query_users!(
        "INSERT INTO users (platform, platform_user_id, display_name, dm_chat_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (platform, platform_user_id) DO UPDATE
           SET display_name = EXCLUDED.display_name,
               dm_chat_id = COALESCE(EXCLUDED.dm_chat_id, users.dm_chat_id),
               updated_at = CASE WHEN users.display_name = EXCLUDED.display_name
                                  AND users.dm_chat_id IS NOT DISTINCT FROM COALESCE(EXCLUDED.dm_chat_id, users.dm_chat_id)
                             THEN users.updated_at ELSE now() END
         RETURNING",
        "",
        platform.as_str(),
        platform_user_id,
        display_name,
        dm_chat_id,
    )
    .fetch_one(ex)
    .await
    .map(User::from)
}

pub async fn get_user(ex: impl PgExecutor<'_>, id: UserId) -> sqlx::Result<Option<User>> {
    query_users!("SELECT", "FROM users WHERE id = $1", id.0).fetch_optional(ex).await.map(|u| u.map(User::from))
}

pub async fn find_user(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_user_id: &str,
) -> sqlx::Result<Option<User>> {
    query_users!(
        "SELECT",
        "FROM users WHERE platform = $1 AND platform_user_id = $2",
        platform.as_str(),
        platform_user_id
    )
    .fetch_optional(ex)
    .await
    .map(|u| u.map(User::from))
}

pub async fn save_settings(ex: impl PgExecutor<'_>, id: UserId, s: &Settings) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET currency = $2, default_image = $3, ssh_key = $4, locale = $5, updated_at = now() WHERE id = $1",
        id.0,
        s.currency.code(),
        s.default_image.as_deref(),
        s.ssh_key.as_deref(),
        s.locale.as_deref(),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Remembers the language the user's app reports, when it changed.
pub async fn set_platform_locale(ex: impl PgExecutor<'_>, id: UserId, locale: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET platform_locale = $2 WHERE id = $1 AND platform_locale IS DISTINCT FROM $2",
        id.0,
        locale
    )
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
    let row = sqlx::query!(
        r#"SELECT (SELECT locale FROM users WHERE platform = $1 AND platform_user_id = $2) AS "user?",
                  (SELECT locale FROM chats WHERE platform = $1 AND platform_chat_id = $3 AND kind <> 'dm') AS "chat?""#,
        platform.as_str(),
        platform_user_id,
        platform_chat_id,
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| (r.user, r.chat)).unwrap_or_default())
}

/// Sets (or, with `None`, clears) a group's language.
pub async fn set_chat_locale(ex: impl PgExecutor<'_>, id: ChatId, locale: Option<&str>) -> sqlx::Result<()> {
    sqlx::query!("UPDATE chats SET locale = $2 WHERE id = $1", id.0, locale).execute(ex).await?;
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

/// `sqlx::query_as!` reading [`Chat`]s: the SQL is `$head`, the chat columns, `$tail`.
macro_rules! query_chats {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Chat,
            $head
                + r#" id AS "id: ChatId", platform AS "platform: Platform", platform_chat_id, kind AS "kind: ChatKind",
                   guild_id, title, locale "#
                + $tail
            $(, $arg)*
        )
    };
}

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
    query_chats!(
        "INSERT INTO chats (platform, platform_chat_id, kind, guild_id, title) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (platform, platform_chat_id) DO UPDATE
           SET kind = EXCLUDED.kind, guild_id = EXCLUDED.guild_id, title = EXCLUDED.title, unreachable_since = NULL
         RETURNING",
        "",
        platform.as_str(),
        platform_chat_id,
        kind.as_str(),
        guild_id,
        title,
    )
    .fetch_one(ex)
    .await
}

pub async fn get_chat(ex: impl PgExecutor<'_>, id: ChatId) -> sqlx::Result<Option<Chat>> {
    query_chats!("SELECT", "FROM chats WHERE id = $1", id.0).fetch_optional(ex).await
}

/// The chat behind a platform chat id, if the bot has heard from it (nothing is created:
/// for lookups made while a command is typed).
pub async fn find_chat(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    platform_chat_id: &str,
) -> sqlx::Result<Option<Chat>> {
    query_chats!(
        "SELECT",
        "FROM chats WHERE platform = $1 AND platform_chat_id = $2",
        platform.as_str(),
        platform_chat_id
    )
    .fetch_optional(ex)
    .await
}

/// Records where private messages reach `user` (the front-end resolved it on demand).
pub async fn set_private_chat(ex: impl sqlx::PgExecutor<'_>, user: UserId, chat_id: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET dm_chat_id = $2, updated_at = now() WHERE id = $1 AND dm_chat_id IS DISTINCT FROM $2",
        user.0,
        chat_id
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets `user`'s private chat `chat_id` (the platform says it is gone: the user blocked
/// the bot or deleted the chat). Their next private message sets it again.
pub async fn forget_private_chat(ex: impl sqlx::PgExecutor<'_>, user: UserId, chat_id: &str) -> sqlx::Result<()> {
    sqlx::query!("UPDATE users SET dm_chat_id = NULL WHERE id = $1 AND dm_chat_id = $2", user.0, chat_id)
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
    sqlx::query!(
        "INSERT INTO chats (platform, platform_chat_id, kind, title, unreachable_since)
         VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
         ON CONFLICT (platform, platform_chat_id) DO UPDATE
           SET unreachable_since = CASE WHEN $5 THEN COALESCE(chats.unreachable_since, now()) END,
               title = CASE WHEN EXCLUDED.title = '' THEN chats.title ELSE EXCLUDED.title END",
        platform.as_str(),
        platform_chat_id,
        kind.as_str(),
        title,
        reach == Reach::Gone,
    )
    .execute(ex)
    .await?;
    if reach == Reach::Reachable {
        return Ok(0);
    }
    let r = sqlx::query!(
        "UPDATE outbox o SET failed_at = now(), claimed_until = NULL, last_error = 'gone: the bot cannot post in this chat'
         WHERE o.platform = $1 AND o.delivered_at IS NULL AND o.failed_at IS NULL
           AND (o.claimed_until IS NULL OR o.claimed_until < now())
           AND (o.target_chat_id = $2
                OR (o.target_chat_id IS NULL AND EXISTS (
                      SELECT 1 FROM users u WHERE u.id = o.target_user_id
                        AND COALESCE(u.dm_chat_id, u.platform_user_id) = $2)))",
        platform.as_str(),
        platform_chat_id,
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// Whether the bot was removed from the chat (see [`set_reach`]).
pub async fn is_gone(ex: impl PgExecutor<'_>, platform: Platform, platform_chat_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM chats WHERE platform = $1 AND platform_chat_id = $2 AND unreachable_since IS NOT NULL)
           AS "gone!""#,
        platform.as_str(),
        platform_chat_id,
    )
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
    let old: Option<ChatId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: ChatId" FROM chats WHERE platform = $1 AND platform_chat_id = $2 FOR UPDATE"#,
        platform.as_str(),
        from
    )
    .fetch_optional(&mut **tx)
    .await?;
    let new: Option<ChatId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: ChatId" FROM chats WHERE platform = $1 AND platform_chat_id = $2 FOR UPDATE"#,
        platform.as_str(),
        to
    )
    .fetch_optional(&mut **tx)
    .await?;
    match (old, new) {
        (Some(_), None) => {
            sqlx::query!(
                "UPDATE chats SET platform_chat_id = $3 WHERE platform = $1 AND platform_chat_id = $2",
                platform.as_str(),
                from,
                to
            )
            .execute(&mut **tx)
            .await?;
        }
        (Some(old), Some(new)) => {
            sqlx::query!("UPDATE watches SET chat_id = $2 WHERE chat_id = $1", old.0, new.0).execute(&mut **tx).await?;
        }
        (None, _) => {}
    }
    sqlx::query!(
        "UPDATE outbox SET target_chat_id = $3
         WHERE platform = $1 AND target_chat_id = $2 AND delivered_at IS NULL AND failed_at IS NULL",
        platform.as_str(),
        from,
        to,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
