//! Button tokens: one way to issue them, for a command's reply and for an alert alike.

use std::time::Duration;

use rand::Rng;

use super::Action;
use crate::domain::UserId;
use crate::store::actions as store_actions;

const TOKEN_LEN: usize = 16;

/// 16 random letters and digits: well under Telegram's 64-byte callback data and Discord's
/// 100-character custom ids.
fn new_token() -> String {
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(TOKEN_LEN).map(char::from).collect()
}

/// Whether `s` could be a token: what a pressed button carries comes from the platform, and
/// anything no version of the bot issues (a forged id with a NUL byte in it) is refused before
/// the database is asked. Letters, digits, `-` and `_`, at most Telegram's 64 bytes of
/// callback data.
pub fn well_formed(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Stores `action` under a new token that `owner` alone may press (`None`: anyone in the
/// chat, a team alert's Rent) until `ttl` has passed, and returns the token.
pub async fn issue_token(
    ex: impl sqlx::PgExecutor<'_>,
    owner: Option<UserId>,
    action: &Action,
    ttl: Duration,
) -> anyhow::Result<String> {
    let token = new_token();
    let payload = serde_json::to_value(action)?;
    store_actions::create(ex, &token, owner, &payload, ttl).await?;
    Ok(token)
}

/// As [`issue_token`] for several actions at once (a listing's buttons), in one statement:
/// (action, ttl) each; the tokens come back in the same order.
pub async fn issue_tokens(
    ex: impl sqlx::PgExecutor<'_>,
    owner: Option<UserId>,
    actions: &[(&Action, Duration)],
) -> anyhow::Result<Vec<String>> {
    let rows = actions
        .iter()
        .map(|(a, ttl)| Ok((new_token(), serde_json::to_value(a)?, *ttl)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    store_actions::create_many(ex, owner, &rows).await?;
    Ok(rows.into_iter().map(|(t, _, _)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_token_can_be_is_well_formed() {
        assert!(well_formed(&new_token()));
        assert!(well_formed("tok-old_shape-01"));
        let long = "A".repeat(65);
        for forged in ["", "AAAAAAAAAAAAAAA\0", &long, "AAAAAAAA AAAAAAA", "ААААААААААААААAA", "a;b"] {
            assert!(!well_formed(forged), "{forged:?}");
        }
    }
}
