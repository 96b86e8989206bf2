//! The console front-end (`clorebot chat`, `clorebot demo`): one command per line in, each
//! reply as plain text out. Buttons print as `[1] Confirm  [2] Abort`; `/press N` presses
//! button N of the latest message that had buttons. Like every front-end it only translates.

use std::io::IsTerminal;

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::alerts::deliver::{Notifier, SendError, Target};
use crate::core::{Button, Caller, Core, Reply, Visibility};
use crate::store::Platform;
use crate::store::users::ChatKind;

/// A console user in a chat: the user's private chat, or a group named by `--chat`.
pub fn caller(user: &str, group: Option<&str>) -> Caller {
    let dm = format!("dm:{user}");
    match group {
        Some(g) => Caller {
            platform: Platform::Console,
            user_id: user.to_owned(),
            display_name: user.to_owned(),
            chat_id: format!("group:{g}"),
            chat_kind: ChatKind::Group,
            guild_id: None,
            chat_title: g.to_owned(),
            dm_chat_id: dm,
            // Whoever runs the console administers its groups.
            is_chat_admin: true,
        },
        None => Caller {
            platform: Platform::Console,
            user_id: user.to_owned(),
            display_name: user.to_owned(),
            chat_id: dm.clone(),
            chat_kind: ChatKind::Dm,
            guild_id: None,
            chat_title: String::new(),
            dm_chat_id: dm,
            is_chat_admin: true,
        },
    }
}

/// One person typing into the console.
pub struct Session<'a> {
    core: &'a Core,
    pub caller: Caller,
    buttons: Vec<Button>,
}

impl<'a> Session<'a> {
    pub fn new(core: &'a Core, caller: Caller) -> Session<'a> {
        Session { core, caller, buttons: Vec::new() }
    }

    /// The buttons of the latest message that had any.
    pub fn buttons(&self) -> &[Button] {
        &self.buttons
    }

    /// Handles one input line and returns what the console prints for it.
    pub async fn line(&mut self, text: &str) -> String {
        let text = text.trim();
        if text.is_empty() {
            return String::new();
        }
        let replies = if let Some(rest) = text.strip_prefix("/press") {
            match self.pick(rest.trim()) {
                Ok(token) => self.core.press(&self.caller, &token).await,
                Err(msg) => return msg,
            }
        } else {
            self.core.handle_text(&self.caller, text).await
        };
        self.render(&replies)
    }

    /// Presses a token directly (tests: another user's button).
    pub async fn press_token(&mut self, token: &str) -> String {
        let replies = self.core.press(&self.caller, token).await;
        self.render(&replies)
    }

    fn pick(&self, arg: &str) -> Result<String, String> {
        if self.buttons.is_empty() {
            return Err("There are no buttons to press.".into());
        }
        let n: usize = arg.parse().map_err(|_| format!("Usage: /press N, with N from 1 to {}.", self.buttons.len()))?;
        self.buttons
            .get(n.wrapping_sub(1))
            .map(|b| b.token.clone())
            .ok_or_else(|| format!("There is no button {n}; choose 1 to {}.", self.buttons.len()))
    }

    fn render(&mut self, replies: &[Reply]) -> String {
        let out: Vec<String> = replies.iter().map(|r| self.render_one(r, "")).collect();
        out.join("\n\n")
    }

    /// The one console rendering of a reply, a command's or an alert's: its text (after
    /// `prefix`), then its buttons numbered across rows, which become the ones `/press` presses.
    fn render_one(&mut self, r: &Reply, prefix: &str) -> String {
        let mut text = String::new();
        if r.delete_trigger {
            text.push_str("(your message was deleted)\n");
        }
        if r.visibility == Visibility::Private && !self.caller_in_private() {
            text.push_str("(only you can see this)\n");
        }
        text.push_str(prefix);
        text.push_str(&r.plain_text());
        if r.buttons().next().is_some() {
            let mut n = 0;
            for row in &r.rows {
                let labels: Vec<String> = row
                    .iter()
                    .map(|b| {
                        n += 1;
                        format!("[{n}] {}", b.label)
                    })
                    .collect();
                text.push('\n');
                text.push_str(&labels.join("  "));
            }
            self.buttons = r.buttons().cloned().collect();
        }
        text
    }

    /// What the console prints for an alert: `🔔 ` and the reply.
    pub fn show_alert(&mut self, reply: &Reply) -> String {
        self.render_one(reply, "🔔 ")
    }

    fn caller_in_private(&self) -> bool {
        self.caller.chat_kind == ChatKind::Dm
    }
}

/// How long delivery waits for the console to print an alert before trying again later.
const PRINT_WAIT: Duration = Duration::from_secs(30);

/// An alert on its way to the screen; `printed` is answered once it has been written out.
pub struct ConsoleAlert {
    pub reply: Reply,
    printed: oneshot::Sender<()>,
}

/// Delivers the alerts addressed to one console user (their private chat and, with
/// `--chat`, that group) to the console's screen. An alert counts as delivered only once
/// it is printed: one still in the queue when the console closes is delivered next time.
#[derive(Clone)]
pub struct ConsoleNotifier {
    targets: Vec<String>,
    tx: mpsc::UnboundedSender<ConsoleAlert>,
}

impl ConsoleNotifier {
    pub fn new(caller: &Caller) -> (ConsoleNotifier, mpsc::UnboundedReceiver<ConsoleAlert>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut targets = vec![caller.dm_chat_id.clone()];
        if caller.chat_id != caller.dm_chat_id {
            targets.push(caller.chat_id.clone());
        }
        (ConsoleNotifier { targets, tx }, rx)
    }
}

impl Notifier for ConsoleNotifier {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn targets(&self) -> Option<Vec<String>> {
        Some(self.targets.clone())
    }

    async fn send(&self, _to: &Target, reply: &Reply) -> Result<(), SendError> {
        let closing = || SendError::retry("the console is closing");
        let (printed, done) = oneshot::channel();
        self.tx.send(ConsoleAlert { reply: reply.clone(), printed }).map_err(|_| closing())?;
        match tokio::time::timeout(PRINT_WAIT, done).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(closing()),
            Err(_) => Err(SendError::retry("the console did not print the alert in time")),
        }
    }
}

/// Reads commands from stdin until it ends, printing replies (and alerts, if a receiver is
/// given) to stdout.
pub async fn run_stdio(
    core: &Core,
    caller: Caller,
    alerts: Option<mpsc::UnboundedReceiver<ConsoleAlert>>,
) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let mut out = tokio::io::stdout();
    run(core, caller, BufReader::new(tokio::io::stdin()), &mut out, interactive, alerts).await
}

pub async fn run<R, W>(
    core: &Core,
    caller: Caller,
    input: R,
    out: &mut W,
    prompt: bool,
    mut alerts: Option<mpsc::UnboundedReceiver<ConsoleAlert>>,
) -> anyhow::Result<()>
where
    R: tokio::io::AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut session = Session::new(core, caller);
    let mut input = input;
    let mut buf = Vec::new();
    let mut show_prompt = prompt;
    loop {
        if show_prompt {
            out.write_all(b"> ").await?;
            out.flush().await?;
        }
        buf.clear();
        let (printed, ack) = tokio::select! {
            n = input.read_until(b'\n', &mut buf) => {
                if n? == 0 {
                    break;
                }
                // Bytes that are not UTF-8 (a paste from elsewhere) become U+FFFD; the
                // session goes on.
                let line = String::from_utf8_lossy(&buf);
                (session.line(line.trim_end_matches(['\n', '\r'])).await, None)
            },
            Some(alert) = async {
                match alerts.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                if prompt {
                    out.write_all(b"\r").await?;
                }
                (session.show_alert(&alert.reply), Some(alert.printed))
            }
        };
        show_prompt = prompt;
        if !printed.is_empty() {
            out.write_all(printed.as_bytes()).await?;
            out.write_all(b"\n\n").await?;
            out.flush().await?;
        }
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
    }
    Ok(())
}
