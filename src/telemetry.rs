//! Log setup: `RUST_LOG` filters (default `info`), `LOG_FORMAT=json|pretty` (default pretty),
//! always to stderr so stdout stays for what a command prints. Panics are logged through the
//! same subscriber (one line, bounded), not printed raw.

use tracing_subscriber::EnvFilter;

/// Without `RUST_LOG`: our own and most crates' info, but serenity only from warnings — its
/// request spans (INFO) carry routes that hold interaction tokens — and its gateway only from
/// errors: a frame it cannot decode is logged whole at WARN, interaction token included.
pub const DEFAULT_FILTER: &str = "info,serenity=warn,serenity::gateway=error";

/// A panic message in a log line is cut to this many characters: it may quote user input.
const PANIC_TEXT_MAX: usize = 200;

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// Installs the log subscriber. `filter`: `RUST_LOG` as `config` read it; `None`, or one that
/// does not parse, means [`DEFAULT_FILTER`].
pub fn init(format: LogFormat, filter: Option<&str>) {
    let filter = filter.and_then(|f| EnvFilter::try_new(f).ok()).unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    let json = format == LogFormat::Json;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(at = %at, panic = %panic_text(info.payload()), "panic");
    }));
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
