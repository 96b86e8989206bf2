//! How a user logs in to what they rent: the one rule the rent prompt, `/rent`, auto-rent
//! watches and the rent service all follow.

use secrecy::SecretString;

use super::{Deps, Failure};
use crate::store::crypto::SecretKind;
use crate::store::secrets;
use crate::store::users::User;
use crate::t;

/// Why an unattended rent (auto-rent) cannot go ahead without a saved login, in the current
/// language (a clause: it follows "Auto-rent watch #3: ").
pub fn no_saved_login() -> String {
    t!("rent-no-saved-login")
}

/// A user's saved way in, if any: a saved SSH key wins over a saved password.
pub enum SshLogin {
    Key(String),
    Password(SecretString),
    /// Nothing saved: an attended rent generates a password and shows it once; an
    /// unattended one (auto-rent) cannot rent.
    Nothing,
}

impl SshLogin {
    /// For the rent prompt: what the order will be logged in with.
    pub fn describe(&self) -> String {
        match self {
            SshLogin::Key(_) => t!("rent-login-saved-key"),
            SshLogin::Password(_) => t!("rent-login-saved-password"),
            SshLogin::Nothing => t!("rent-login-new-password"),
        }
    }

    /// For the rent prompt, when a template gives the login.
    pub fn describe_from_template(&self) -> String {
        match self {
            SshLogin::Key(_) => t!("rent-login-template-key"),
            SshLogin::Password(_) => t!("rent-login-template-password"),
            SshLogin::Nothing => t!("rent-login-new-password"),
        }
    }
}

/// `user`'s saved login. A saved password that no longer decrypts counts as none (logged):
/// a new one is generated, rather than an order made that nobody can enter. A saved key that
/// is not a whole public key (saved before keys were checked down to the key) is refused,
/// before any confirmation, with what is wrong with it.
pub async fn ssh_login(deps: &Deps, user: &User) -> Result<SshLogin, Failure> {
    if let Some(k) = &user.settings.ssh_key {
        crate::clore::validate::check_ssh_key(k)
            .map_err(|e| Failure::user(t!("rent-saved-key-bad", problem = e.problem)))?;
        return Ok(SshLogin::Key(k.clone()));
    }
    Ok(match secrets::get(&deps.pool, &deps.keyring, user.id, SecretKind::SshPassword).await? {
        Some(secrets::Stored::Usable(p)) => SshLogin::Password(p),
        Some(secrets::Stored::Undecryptable(e)) => {
            tracing::warn!(user = %user.id, error = %e, "saved SSH password does not decrypt; treating it as unset");
            SshLogin::Nothing
        }
        None => SshLogin::Nothing,
    })
}
