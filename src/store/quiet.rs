//! `quiet_hours`: a person's or a group's quiet hours (`/settings quiet=… tz=…`).

use chrono_tz::Tz;
use sqlx::PgExecutor;

use crate::domain::quiet::{QuietHours, QuietWindow, parse_tz};
use crate::domain::{ChatId, Platform, UserId};

/// Whose quiet hours: a person's (their private alerts) or a group's (its team alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuietOf {
    User(UserId),
    Chat(ChatId),
}

/// Quiet hours as stored: the zone, and the window if one is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietSetting {
    pub window: Option<QuietWindow>,
    pub tz: Tz,
}

impl QuietSetting {
    /// The quiet hours in force, if any.
    pub fn hours(&self) -> Option<QuietHours> {
        self.window.map(|window| QuietHours { window, tz: self.tz })
    }
}

struct Row {
    starts_min: Option<i16>,
    ends_min: Option<i16>,
    tz: String,
}

impl Row {
    fn setting(self) -> QuietSetting {
        setting(self.starts_min, self.ends_min, &self.tz)
    }
}

/// Stored columns read back. A zone the time-zone database no longer knows reads as UTC
/// rather than failing every alert of its chat.
pub(crate) fn setting(starts_min: Option<i16>, ends_min: Option<i16>, tz: &str) -> QuietSetting {
    let window = starts_min.zip(ends_min).and_then(|(s, e)| QuietWindow::from_minutes(s.into(), e.into()));
    QuietSetting { window, tz: parse_tz(tz).unwrap_or(chrono_tz::UTC) }
}

pub async fn get(ex: impl PgExecutor<'_>, of: QuietOf) -> sqlx::Result<Option<QuietSetting>> {
    let (user, chat) = split(of);
    let row = sqlx::query_as!(
        Row,
        "SELECT starts_min, ends_min, tz FROM quiet_hours
         WHERE ($1::int8 IS NOT NULL AND user_id = $1) OR ($2::int8 IS NOT NULL AND chat_id = $2)",
        user,
        chat,
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(Row::setting))
}

pub async fn set(ex: impl PgExecutor<'_>, of: QuietOf, s: &QuietSetting) -> sqlx::Result<()> {
    let (user, chat) = split(of);
    let (start, end) = s.window.map(|w| (w.start_min(), w.end_min())).unzip();
    // Two statements' worth of upsert in one: the unique column differs by owner.
    sqlx::query!(
        "WITH up AS (
           UPDATE quiet_hours SET starts_min = $3, ends_min = $4, tz = $5, updated_at = now()
           WHERE ($1::int8 IS NOT NULL AND user_id = $1) OR ($2::int8 IS NOT NULL AND chat_id = $2)
           RETURNING id)
         INSERT INTO quiet_hours (user_id, chat_id, starts_min, ends_min, tz)
         SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM up)",
        user,
        chat,
        start,
        end,
        s.tz.name(),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The quiet hours that hold an alert to `platform`'s `chat` / `user`: the person's when it
/// goes to a person (`user` set), else the group's.
pub async fn for_target(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    chat: Option<&str>,
    user: Option<UserId>,
) -> sqlx::Result<Option<QuietSetting>> {
    let row = sqlx::query_as!(
        Row,
        "SELECT q.starts_min, q.ends_min, q.tz FROM quiet_hours q
         WHERE ($3::int8 IS NOT NULL AND q.user_id = $3)
            OR ($3::int8 IS NULL AND q.chat_id = (SELECT c.id FROM chats c WHERE c.platform = $1 AND c.platform_chat_id = $2))",
        platform.as_str(),
        chat,
        user.map(|u| u.0),
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(Row::setting))
}

fn split(of: QuietOf) -> (Option<i64>, Option<i64>) {
    match of {
        QuietOf::User(u) => (Some(u.0), None),
        QuietOf::Chat(c) => (None, Some(c.0)),
    }
}
