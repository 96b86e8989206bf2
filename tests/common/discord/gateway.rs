//! A fake Discord gateway for tests.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::super::wait::Events;
use super::APP_ID;

/// A fake Discord gateway: Hello, READY after the Identify, heartbeats acknowledged, and
/// interactions pushed as `INTERACTION_CREATE` dispatches (plain text frames).
#[derive(Clone)]
pub struct FakeGateway {
    addr: SocketAddr,
    push: tokio::sync::mpsc::UnboundedSender<ToBot>,
    /// Told on every Identify and every Resume.
    pub identified: Arc<tokio::sync::Notify>,
    /// Sessions started (Identify) and resumed (Resume).
    pub sessions: Arc<Mutex<(usize, usize)>>,
    /// Signalled when a session starts or resumes.
    pub events: Events,
}

enum ToBot {
    Interaction(Value),
    /// Close the connection with this close code.
    Close(u16),
}

impl FakeGateway {
    pub async fn start() -> FakeGateway {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message as Ws;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (push, rx) = tokio::sync::mpsc::unbounded_channel::<ToBot>();
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let identified = Arc::new(tokio::sync::Notify::new());
        let sessions = Arc::new(Mutex::new((0, 0)));
        let events = Events::default();
        let (ready_flag, url, counts, told) =
            (identified.clone(), format!("ws://{addr}"), sessions.clone(), events.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { continue };
                let (rx, ready_flag, url, counts, told) =
                    (rx.clone(), ready_flag.clone(), url.clone(), counts.clone(), told.clone());
                tokio::spawn(async move {
                    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 45000 } });
                    if ws.send(Ws::Text(hello.to_string())).await.is_err() {
                        return;
                    }
                    let mut rx = rx.lock().await;
                    let mut seq = 0u64;
                    loop {
                        tokio::select! {
                            frame = ws.next() => {
                                let Some(Ok(Ws::Text(t))) = frame else { return };
                                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                                match v["op"].as_u64() {
                                    Some(1) => { let _ = ws.send(Ws::Text(json!({ "op": 11 }).to_string())).await; }
                                    Some(2) => {
                                        seq += 1;
                                        let ready = json!({ "op": 0, "s": seq, "t": "READY", "d": {
                                            "v": 10, "session_id": "fake-session", "resume_gateway_url": url, "guilds": [],
                                            "user": { "id": APP_ID.to_string(), "username": "clorebot", "discriminator": "4821",
                                                      "avatar": null, "bot": true, "global_name": null, "public_flags": 0 },
                                            "application": { "id": APP_ID.to_string(), "flags": 0 } } });
                                        let _ = ws.send(Ws::Text(ready.to_string())).await;
                                        counts.lock().unwrap().0 += 1;
                                        told.signal();
                                        ready_flag.notify_waiters();
                                        ready_flag.notify_one();
                                    }
                                    // Resume: the session goes on where the bot left it.
                                    Some(6) => {
                                        seq = v["d"]["seq"].as_u64().unwrap_or(seq) + 1;
                                        let resumed = json!({ "op": 0, "s": seq, "t": "RESUMED", "d": null });
                                        let _ = ws.send(Ws::Text(resumed.to_string())).await;
                                        counts.lock().unwrap().1 += 1;
                                        told.signal();
                                        ready_flag.notify_waiters();
                                        ready_flag.notify_one();
                                    }
                                    _ => {}
                                }
                            }
                            Some(m) = rx.recv() => match m {
                                ToBot::Interaction(interaction) => {
                                    seq += 1;
                                    let d = json!({ "op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": interaction });
                                    if ws.send(Ws::Text(d.to_string())).await.is_err() { return; }
                                }
                                ToBot::Close(code) => {
                                    use tokio_tungstenite::tungstenite::protocol::{CloseFrame, frame::coding::CloseCode};
                                    let frame = CloseFrame { code: CloseCode::from(code), reason: "fake gateway closed it".into() };
                                    let _ = ws.close(Some(frame)).await;
                                    return;
                                }
                            },
                        }
                    }
                });
            }
        });
        FakeGateway { addr, push, identified, sessions, events }
    }

    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    pub fn push(&self, interaction: Value) {
        self.push.send(ToBot::Interaction(interaction)).unwrap();
    }

    /// Closes the bot's connection with `code` (4000: "unknown error", resumable).
    pub fn close(&self, code: u16) {
        self.push.send(ToBot::Close(code)).unwrap();
    }
}
