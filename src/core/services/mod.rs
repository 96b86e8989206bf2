//! Services under the handlers: what a command and the alert engine both do, called with a
//! user rather than through a handler (DESIGN §2).

pub mod orders;
pub mod rent;
