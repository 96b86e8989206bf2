//! Installing clorebot (docs/discord.md): to a server (integration type 0), where the bot
//! posts team alerts, or to a user's own account (1), where its commands follow them into any
//! server or DM and answer them alone. The two install links, and the bot permissions a server
//! install asks for: what alerts need in a channel and nothing more (Discord's docs:
//! resources/application "Installation Context", topics/permissions "Bitwise Permission Flags").

/// The permissions the bot needs in a channel it posts alerts to, by name.
pub const BOT_PERMISSIONS: [(u64, &str); 5] = [
    (1 << 10, "View Channel"),
    (1 << 11, "Send Messages"),
    // A team watch made in a thread alerts into it.
    (1 << 38, "Send Messages in Threads"),
    (1 << 14, "Embed Links"),
    // Charts (`/history`, `/market`) are PNG attachments.
    (1 << 15, "Attach Files"),
];

/// [`BOT_PERMISSIONS`] as one bit set: 274877959168.
pub const fn bot_permissions() -> u64 {
    let mut all = 0;
    let mut i = 0;
    while i < BOT_PERMISSIONS.len() {
        all |= BOT_PERMISSIONS[i].0;
        i += 1;
    }
    all
}

/// The names of the permissions `granted` lacks.
pub fn missing_permissions(granted: u64) -> Vec<&'static str> {
    BOT_PERMISSIONS.iter().filter(|(bit, _)| granted & bit == 0).map(|(_, name)| *name).collect()
}

/// The link that adds clorebot to a server: the bot, its commands, and the permissions alerts
/// need.
pub fn server_link(app: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={app}&integration_type=0&scope=bot+applications.commands&permissions={}",
        bot_permissions()
    )
}

/// The link that adds clorebot to a user's own account: its commands only.
pub fn user_link(app: u64) -> String {
    format!("https://discord.com/oauth2/authorize?client_id={app}&integration_type=1&scope=applications.commands")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permissions_are_the_ones_the_docs_name() {
        assert_eq!(bot_permissions(), 274877959168);
        assert_eq!(missing_permissions(2048 | 1024), ["Send Messages in Threads", "Embed Links", "Attach Files"]);
        assert!(missing_permissions(bot_permissions()).is_empty());
        assert!(
            server_link(7)
                .ends_with("client_id=7&integration_type=0&scope=bot+applications.commands&permissions=274877959168")
        );
    }
}
