//! `console_groups`: who opened each console group (the console's stand-in for a group's
//! creator, whom the platforms name).

use sqlx::PgExecutor;

/// The creator of the console group `chat_id`: `claimant` if the group had none (it is
/// recorded as the creator), else whoever was recorded first.
pub async fn creator(ex: impl PgExecutor<'_>, chat_id: &str, claimant: &str) -> sqlx::Result<String> {
    // The SELECT does not see the row the INSERT adds (one snapshot): exactly one of the
    // two answers.
    sqlx::query_scalar!(
        r#"WITH ins AS (INSERT INTO console_groups (chat_id, creator) VALUES ($1, $2)
                        ON CONFLICT (chat_id) DO NOTHING RETURNING creator)
           SELECT creator AS "creator!" FROM ins
           UNION ALL SELECT creator FROM console_groups WHERE chat_id = $1
           LIMIT 1"#,
        chat_id,
        claimant
    )
    .fetch_one(ex)
    .await
}
