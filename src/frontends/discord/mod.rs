//! The Discord front-end (DESIGN §11), being built: the pieces below are complete and
//! tested; the interactions endpoint, the gateway and the notifier that use them come next.

pub mod commands;
pub mod render;
pub mod verify;
