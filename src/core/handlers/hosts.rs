//! For hosts: a host's servers as Clore lists them, for every command that reads them
//! (`/myservers` is in `myservers.rs`, `/hostset` in `hostset.rs`).

use crate::clore::{ApiKey, MyServers};
use crate::core::{Ctx, Failure};
use crate::store::account_polls;
use crate::store::account_polls::HOST_RECHECK;

/// The caller's servers (`my_servers`), telling the account poll what that showed: a host's
/// servers are watched from now on.
pub(super) async fn listed(cx: &Ctx<'_>, key: &ApiKey) -> Result<MyServers, Failure> {
    let mine = cx.core.deps.clore.my_servers(key).await?;
    let host = !mine.servers.is_empty();
    account_polls::saw_servers(&cx.core.deps.pool, cx.user.id, host, HOST_RECHECK).await?;
    Ok(mine)
}
