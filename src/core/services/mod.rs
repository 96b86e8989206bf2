//! Services under the handlers: what a command and the alert engine both do, called with a
//! user rather than through a handler (DESIGN §2).

pub mod login;
pub mod orders;
pub mod rent;
pub mod tokens;

pub use login::{SshLogin, ssh_login};
pub use tokens::{issue_token, issue_tokens};
