//! Answers out: a command's or a press's replies sent where they belong (a private reply to a
//! command given in a group goes to the user's private chat), the group's one-line note
//! about it, and the command menu.

use std::time::Instant;

use teloxide::types::{BotCommand, MessageId};

use super::{Me, Place, Telegram, render, send};
use crate::core::{Caller, Reply, Visibility, help};
use crate::i18n::{self, Lang};
use crate::t;

impl Telegram {
    /// Sends a command's or a press's replies. In a group, private ones go to the user's
    /// private chat and the group gets one line about it — or, when the user never started
    /// the bot, how to; a private reply is then sent nowhere. `secret` is set when the command
    /// held a secret: whether its message could be deleted.
    /// `received`: when the update came in, to measure until the first reply is issued.
    pub(super) async fn answer(
        &self,
        caller: &Caller,
        me: &Me,
        replies: Vec<Reply>,
        answer_to: Option<MessageId>,
        secret: Option<bool>,
        mut received: Option<Instant>,
    ) {
        let here = Place {
            chat: caller.chat.chat_id.parse().unwrap_or_default(),
            thread: caller.chat.thread_id.as_deref().and_then(|t| t.parse().ok()),
        };
        // An anonymous admin (the group's own id) has no private chat.
        let private = caller.who.user_id.parse::<i64>().ok().filter(|id| *id > 0);
        let (mut sent_privately, mut unreachable) = (false, false);
        for r in &replies {
            if let Some(at) = received.take() {
                answered(at, "message");
            }
            let to_user = r.visibility == Visibility::Private && !caller.in_private();
            let result = match (to_user, private) {
                (false, _) => self.sender.send(here, r, answer_to).await,
                (true, _) if unreachable => continue,
                (true, None) => {
                    unreachable = true;
                    continue;
                }
                (true, Some(user)) => match self.sender.send(Place { chat: user, thread: None }, r, None).await {
                    Ok(id) => {
                        sent_privately = true;
                        Ok(id)
                    }
                    Err(e) if send::is_unreachable(&e) => {
                        unreachable = true;
                        continue;
                    }
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                let e = send::describe(&e, &self.sender.token);
                tracing::warn!(chat = here.chat, error = %e, "could not send a reply");
            }
        }
        if caller.in_private() || !(sent_privately || unreachable || secret.is_some()) {
            return;
        }
        let lang = self.core.lang_of(caller).await;
        let note = i18n::sync_scope(lang, || group_note(caller, me, unreachable, sent_privately, secret));
        if let Err(e) = self.sender.send_html(here, &note).await {
            tracing::warn!(chat = here.chat, error = %send::describe(&e, &self.sender.token), "could not send a note");
        }
    }
}

/// The group's note about an answer that went elsewhere (see [`Telegram::answer`]), in HTML.
fn group_note(caller: &Caller, me: &Me, unreachable: bool, sent_privately: bool, secret: Option<bool>) -> String {
    let who = render::mention(&caller.who.user_id, &caller.who.display_name);
    let mut note = if unreachable {
        let bot = format!("<a href=\"https://t.me/{0}\">@{0}</a>", render::escape(&me.username));
        t!("telegram-note-not-started", who = who, bot = bot)
    } else if sent_privately {
        t!("telegram-note-sent-privately", who = who)
    } else {
        who
    };
    let mut add = |more: String| {
        note.push(' ');
        note.push_str(&more);
    };
    match secret {
        Some(true) => add(t!("telegram-note-deleted")),
        Some(false) => add(t!("telegram-note-not-deleted")),
        None => {}
    }
    if secret.is_some() && !sent_privately {
        add(t!("telegram-note-revoke-key"));
    }
    note
}

/// The command menu in `lang`: every command with its summary.
pub(super) fn menu(lang: Lang) -> Vec<BotCommand> {
    help::COMMANDS.iter().map(|c| BotCommand::new(c.name, help::summary_in(lang, c.name))).collect()
}

/// Records how long an update took until its answer was issued (handed to the send queue,
/// which may hold it back to keep to Telegram's limits).
pub(super) fn answered(received: Instant, update: &'static str) {
    metrics::histogram!("clorebot_telegram_answer_seconds", "update" => update)
        .record(received.elapsed().as_secs_f64());
}
