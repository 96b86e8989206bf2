//! The console front-end (`clorebot chat`, `clorebot demo`): one command per line in, each
//! reply as plain text out. Buttons print as `[1] Confirm  [2] Abort`; `/press N` presses
//! button N of the latest message that had buttons. Like every front-end it only translates.

use std::io::IsTerminal;

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::domain::Scope;
use crate::notify::{Notifier, SendError, Target};
use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::core::chats::ConsoleGroups;
use crate::core::{
    Button, Caller, ChatKind, ChatRef, Core, Frontend, Identity, Platform, PressResponse, Reply, Response, Visibility,
};
use crate::i18n;
use crate::t;

/// The console as a platform: who administers a group is core's rule for the console
/// ([`ConsoleGroups`]); a user's private chat is `dm:<user>`.
struct ConsoleFrontend {
    groups: ConsoleGroups,
}

impl Frontend for ConsoleFrontend {
    fn is_chat_admin<'a>(&'a self, who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(self.groups.is_admin(who, chat))
    }

    fn private_chat<'a>(&'a self, who: &'a Identity) -> BoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move { Ok(Some(private_chat_of(&who.user_id))) })
    }
}

fn private_chat_of(user: &str) -> String {
    format!("dm:{user}")
}

/// A console user in a chat of `core`'s database: the user's private chat, or a group named
/// by `--chat`.
pub fn caller(core: &Core, user: &str, group: Option<&str>) -> Caller {
    let (chat_id, kind, title) = match group {
        Some(g) => (format!("group:{g}"), ChatKind::Group, g.to_owned()),
        None => (private_chat_of(user), ChatKind::Dm, String::new()),
    };
    let frontend = ConsoleFrontend { groups: core.console_groups() };
    Caller {
        who: Identity {
            platform: Platform::Console,
            user_id: user.to_owned(),
            display_name: user.to_owned(),
            locale: None,
        },
        chat: ChatRef { platform: Platform::Console, chat_id, kind, guild_id: None, thread_id: None },
        chat_title: title,
        frontend: Arc::new(frontend),
    }
}

/// One person typing into the console.
pub struct Session<'a> {
    core: &'a Core,
    pub caller: Caller,
    buttons: Vec<Button>,
    /// Whether the group's creator is known (after this session's first line).
    opened: bool,
    /// Where a press's progress goes as it comes, printed by [`run`] (sessions without it
    /// print only the final answer).
    progress: Option<mpsc::UnboundedSender<String>>,
}

impl<'a> Session<'a> {
    pub fn new(core: &'a Core, caller: Caller) -> Session<'a> {
        Session { core, caller, buttons: Vec::new(), opened: false, progress: None }
    }

    /// A group whose creator is not known yet gets the first person to speak in it.
    async fn open(&mut self) {
        if self.opened || self.caller.in_private() {
            return;
        }
        match self.core.console_groups().open(&self.caller.who, &self.caller.chat).await {
            Ok(()) => self.opened = true,
            Err(e) => tracing::warn!(error = %e, "could not record the console group's creator"),
        }
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
        self.open().await;
        if let Some(rest) = text.strip_prefix("/press") {
            let lang = self.core.lang_of(&self.caller).await;
            return match i18n::sync_scope(lang, || self.pick(rest.trim())) {
                Ok(token) => self.press_token(&token).await,
                Err(msg) => msg,
            };
        }
        let response = self.core.handle_text(&self.caller, text).await;
        // What the console adds is in the caller's language as it is now (after a
        // `/settings locale=…`, the new one).
        let lang = self.core.lang_of(&self.caller).await;
        i18n::sync_scope(lang, || self.render_response(&response))
    }

    /// Sends each progress a press reports, rendered, to the receiver returned: what
    /// [`run`] prints while the press goes on.
    pub fn show_progress(&mut self) -> mpsc::UnboundedReceiver<String> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.progress = Some(tx);
        rx
    }

    /// Presses a token directly (tests: another user's button).
    pub async fn press_token(&mut self, token: &str) -> String {
        let pressed = match &self.progress {
            // The console cannot edit what it printed: each state prints as `⏳ …`, none
            // skipped (printing keeps up).
            Some(tx) => {
                let show = |r: Reply| {
                    let _ = tx.send(format!("⏳ {}", r.plain_text()));
                    std::future::ready(())
                };
                self.core.press_showing(&self.caller, token, Duration::ZERO, show).await
            }
            None => self.core.press(&self.caller, token).await,
        };
        let lang = self.core.lang_of(&self.caller).await;
        i18n::sync_scope(lang, || self.render_press(&pressed))
    }

    fn render_response(&mut self, response: &Response) -> String {
        let out: Vec<String> = response.replies.iter().map(|r| self.render_one(r, "")).collect();
        let deleted =
            if response.delete_trigger { format!("{}\n", t!("console-message-deleted")) } else { String::new() };
        format!("{deleted}{}", out.join("\n\n"))
    }

    /// A toast prints as `💬 …`; the pressed message's new content as `✎ …` (the console
    /// cannot edit what it printed, so it prints the new version).
    fn render_press(&mut self, p: &PressResponse) -> String {
        let mut out = Vec::new();
        if let Some(t) = &p.toast {
            out.push(format!("💬 {t}"));
        }
        if let Some(r) = &p.replace_source {
            out.push(self.render_one(r, "✎ "));
        }
        out.extend(p.replies.iter().map(|r| self.render_one(r, "")));
        out.join("\n\n")
    }

    fn pick(&self, arg: &str) -> Result<String, String> {
        if self.buttons.is_empty() {
            return Err(t!("console-no-buttons"));
        }
        let max = self.buttons.len();
        let n: usize = arg.parse().map_err(|_| t!("console-press-usage", max = max))?;
        self.buttons
            .get(n.wrapping_sub(1))
            .map(|b| b.token.clone())
            .ok_or_else(|| t!("console-no-such-button", n = n, max = max))
    }

    /// The one console rendering of a reply, a command's or an alert's: its text (after
    /// `prefix`), then its buttons numbered across rows, which become the ones `/press` presses.
    /// Public so tests can render a reply they hold as the console prints it (snapshots).
    pub fn render_one(&mut self, r: &Reply, prefix: &str) -> String {
        let mut text = String::new();
        if r.visibility == Visibility::Private && !self.caller_in_private() {
            text.push_str(&t!("console-only-you"));
            text.push('\n');
        }
        text.push_str(prefix);
        text.push_str(&r.plain_text());
        if let Some(png) = &r.image {
            text.push('\n');
            text.push_str(&match save_image(png) {
                Ok(path) => t!("console-chart", path = path.display().to_string()),
                Err(e) => t!("console-chart-not-saved", error = e.to_string()),
            });
        }
        // Link buttons are Telegram's deep links: nothing to press here.
        let rows = r.pressable_rows();
        if !rows.is_empty() {
            let mut n = 0;
            for row in &rows {
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
            self.buttons = rows.into_iter().flatten().collect();
        }
        text
    }

    /// What the console prints for an alert: `🔔 ` and the reply (which comes in its
    /// recipient's language; what the console adds follows the caller's).
    pub async fn show_alert(&mut self, reply: &Reply) -> String {
        let lang = self.core.lang_of(&self.caller).await;
        i18n::sync_scope(lang, || self.render_one(reply, "🔔 "))
    }

    fn caller_in_private(&self) -> bool {
        self.caller.in_private()
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
    scope: Scope,
    tx: mpsc::UnboundedSender<ConsoleAlert>,
}

impl ConsoleNotifier {
    pub fn new(caller: &Caller) -> (ConsoleNotifier, mpsc::UnboundedReceiver<ConsoleAlert>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut targets = vec![private_chat_of(&caller.who.user_id)];
        if !caller.in_private() {
            targets.push(caller.chat.chat_id.clone());
        }
        (ConsoleNotifier { scope: Scope { chats: targets, users: vec![caller.who.user_id.clone()] }, tx }, rx)
    }
}

impl Notifier for ConsoleNotifier {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn scope(&self) -> Option<Scope> {
        Some(self.scope.clone())
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
    let mut progress = session.show_progress();
    let mut input = input;
    let mut buf = Vec::new();
    let mut show_prompt = prompt;
    loop {
        if show_prompt {
            out.write_all(b"> ").await?;
            out.flush().await?;
        }
        // `buf` is only cleared once a line is handled: a read that an alert interrupts has
        // kept its bytes there, and the next read goes on from them.
        let (printed, ack) = tokio::select! {
            n = input.read_until(b'\n', &mut buf) => {
                if n? == 0 && buf.is_empty() {
                    break;
                }
                // Bytes that are not UTF-8 (a paste from elsewhere) become U+FFFD; the
                // session goes on.
                let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_owned();
                buf.clear();
                (printing(session.line(&line), &mut progress, out).await?, None)
            },
            Some(alert) = async {
                match alerts.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                if alert.printed.is_closed() {
                    // Delivery stopped waiting and will send it again: printing this copy
                    // would show the alert twice.
                    show_prompt = false;
                    continue;
                }
                if prompt {
                    out.write_all(b"\r").await?;
                }
                (session.show_alert(&alert.reply).await, Some(alert.printed))
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

/// Awaits a line's answer, printing the progress it reports meanwhile, as it comes.
async fn printing<W: AsyncWrite + Unpin>(
    answer: impl std::future::Future<Output = String>,
    progress: &mut mpsc::UnboundedReceiver<String>,
    out: &mut W,
) -> std::io::Result<String> {
    tokio::pin!(answer);
    loop {
        tokio::select! {
            // Progress first: what was reported before the answer prints before it.
            biased;
            Some(line) = progress.recv() => {
                out.write_all(line.as_bytes()).await?;
                out.write_all(b"\n\n").await?;
                out.flush().await?;
            }
            printed = &mut answer => return Ok(printed),
        }
    }
}

/// Writes a reply's PNG where the console user can open it: a new file in the temporary
/// directory (`clorebot-chart-<time>-<n>.png`), kept after the session.
fn save_image(png: &[u8]) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let mut file = tempfile::Builder::new().prefix(&format!("clorebot-chart-{stamp}-")).suffix(".png").tempfile()?;
    file.write_all(png)?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    Ok(path)
}
