//! The bot's log lines, kept for a test to wait on (see [`super::wait`]).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use tracing_subscriber::layer::SubscriberExt;

use super::wait::Events;

/// Log messages, in the order they were logged.
#[derive(Clone, Default)]
pub struct Logs {
    lines: Arc<Mutex<Vec<String>>>,
    /// Signalled on every line.
    pub events: Events,
}

impl Logs {
    /// Keeps the messages logged on this thread until the guard is dropped. A
    /// `#[tokio::test]` runs on one thread, with every task it spawns: its bot's whole log,
    /// and no other test's.
    pub fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::registry().with(Layer(logs.clone()));
        (logs, tracing::subscriber::set_default(subscriber))
    }

    /// Whether a message containing `text` was logged.
    pub fn contains(&self, text: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l.contains(text))
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

struct Layer(Logs);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Layer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut m = Message(String::new());
        event.record(&mut m);
        self.0.lines.lock().unwrap().push(m.0);
        self.0.events.signal();
    }
}
