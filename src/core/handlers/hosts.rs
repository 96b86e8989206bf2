//! For hosts: what a command learned about a host's servers (`/myservers` is in
//! `myservers.rs`, `/hostset` in `hostset.rs`).

use crate::core::{Ctx, Failure};
use crate::store::account_polls;
use crate::store::account_polls::HOST_RECHECK;

/// Tells the account poll what a command learned: hosts' servers are watched from now on.
pub(super) async fn saw(cx: &Ctx<'_>, mine: &crate::clore::MyServers) -> Result<(), Failure> {
    let host = !mine.servers.is_empty();
    account_polls::saw_servers(&cx.core.deps.pool, cx.user.id, host, HOST_RECHECK).await?;
    Ok(())
}
