//! Views: replies built the same way wherever they are sent from — a command's answer or an
//! alert. The alert engine uses these (never a command handler) to speak as the commands do.

pub mod rent;
