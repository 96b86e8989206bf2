//! Log setup: `RUST_LOG` filters (default `info`), `LOG_FORMAT=json|pretty` (default pretty),
//! always to stderr so stdout stays for what a command prints. Panics are logged through the
//! same subscriber (one line, bounded), not printed raw. A few targets are capped whatever
//! `RUST_LOG` says ([`CAPS`]): what they record holds secrets.

use tracing::Subscriber;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Filter, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};
use tracing_subscriber::util::SubscriberInitExt;

/// Without `RUST_LOG`: our own and most crates' info, but serenity only from warnings and its
/// gateway only from errors. [`CAPS`] holds those floors (and more) whatever `RUST_LOG` says;
/// they are repeated here so that the default reads whole.
pub const DEFAULT_FILTER: &str = "info,serenity=warn,serenity::gateway=error";

/// The most a target logs, whatever `RUST_LOG` says (a target's modules included; the longest
/// match wins). An operator who asks for `trace` to debug must not get secrets with it.
pub const CAPS: &[(&str, LevelFilter)] = &[
    // Serenity's spans (INFO) record their arguments' Debug whole: a gateway event with its
    // interaction token, an error with its request's URL.
    ("serenity", LevelFilter::WARN),
    // Its request spans record the request: the route, which holds an interaction's token
    // (`webhooks/{app}/{token}`), and the body as a byte array (a follow-up with a generated
    // SSH password); its warnings name the route too.
    ("serenity::http", LevelFilter::OFF),
    // A gateway frame it cannot decode is logged whole at WARN, interaction token included.
    ("serenity::gateway", LevelFilter::ERROR),
    // The websocket under the gateway logs every frame at TRACE, as text, bytes and hex: the
    // Identify with the bot token, interactions with theirs.
    ("tungstenite", LevelFilter::DEBUG),
    // reqwest's byte-by-byte connection log, when a client turns it on: every request whole,
    // headers (bot tokens, Clore keys) and bodies.
    ("reqwest::connect::verbose", LevelFilter::OFF),
];

/// A panic message in a log line is cut to this many characters: it may quote user input.
const PANIC_TEXT_MAX: usize = 200;

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Installs the log subscriber, to stderr, and routes the `log` crate's records (reqwest,
/// teloxide) through it. `filter`: `RUST_LOG` as `config` read it (see [`filter`]).
pub fn init(format: LogFormat, filter: Option<&str>) {
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = subscriber(format, filter, std::io::stderr).try_init();
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(at = %at, panic = %panic_text(info.payload()), "panic");
    }));
}

/// The subscriber [`init`] installs, writing its lines to `writer`.
pub fn subscriber<W>(format: LogFormat, filter: Option<&str>, writer: W) -> impl Subscriber + Send + Sync + use<W>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt::layer().with_writer(writer);
    let lines: Box<dyn Layer<Registry> + Send + Sync> =
        if format == LogFormat::Json { lines.json().boxed() } else { lines.boxed() };
    tracing_subscriber::registry().with(lines.with_filter(self::filter(filter)))
}

/// What is logged: what `spec` (`RUST_LOG`) enables — `None`, or a spec that does not parse,
/// means [`DEFAULT_FILTER`] — and [`CAPS`] allows. Both must agree.
pub fn filter<S: Subscriber + for<'a> LookupSpan<'a>>(spec: Option<&str>) -> impl Filter<S> + Send + Sync + use<S> {
    let asked = spec.and_then(|f| EnvFilter::try_new(f).ok()).unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    Targets::new().with_default(LevelFilter::TRACE).with_targets(CAPS.iter().copied()).and(asked)
}

/// The message of a panic payload, one line and bounded.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    crate::text::bound(&text.split_whitespace().collect::<Vec<_>>().join(" "), PANIC_TEXT_MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// What `spec` lets through of one event per (target, level), by target.
    fn logged(spec: &str) -> String {
        let out = Arc::new(Mutex::new(Vec::<u8>::new()));
        let writer = out.clone();
        let make = move || Writer(writer.clone());
        tracing::subscriber::with_default(subscriber(LogFormat::Pretty, Some(spec), make), || {
            tracing::trace!(target: "serenity::http::client", "http trace");
            tracing::warn!(target: "serenity::http::client", "http warn");
            tracing::warn!(target: "serenity::gateway::ws", "gateway warn");
            tracing::error!(target: "serenity::gateway::ws", "gateway error");
            tracing::info!(target: "serenity::client", "client info");
            tracing::warn!(target: "serenity::client", "client warn");
            tracing::trace!(target: "tungstenite::protocol", "frame trace");
            tracing::debug!(target: "tungstenite::protocol", "frame debug");
            tracing::trace!(target: "clorebot::core", "ours trace");
        });
        String::from_utf8_lossy(&out.lock().unwrap()).into_owned()
    }

    struct Writer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Writer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_caps_hold_whatever_rust_log_asks() {
        for spec in ["trace", "serenity=trace,tungstenite=trace,clorebot=trace", "serenity::http=trace,trace"] {
            let out = logged(spec);
            for kept in ["gateway error", "client warn", "frame debug", "ours trace"] {
                assert!(out.contains(kept), "{spec}: {kept} missing from\n{out}");
            }
            for capped in ["http trace", "http warn", "gateway warn", "client info", "frame trace"] {
                assert!(!out.contains(capped), "{spec}: {capped} in\n{out}");
            }
        }
        // Below the caps, RUST_LOG decides: the default keeps serenity's warnings, not our trace.
        let out = logged("info,serenity=warn,serenity::gateway=error");
        assert!(out.contains("client warn") && !out.contains("ours trace") && !out.contains("frame debug"), "{out}");
        assert!(logged("off").is_empty());
    }
}
