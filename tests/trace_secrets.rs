//! No secret in the log, even when an operator asks for everything (`RUST_LOG=trace`): the
//! bot runs with the production subscriber (`clorebot::telemetry::subscriber`) at `trace`,
//! its lines written to a buffer, while a Discord user saves a key through the form and rents
//! with a generated SSH password, another asks for help over the gateway, and a Telegram user lists GPUs, saves a key
//! and a rent template with secrets. The buffer
//! is then searched for every secret of the run: as text, percent-decoded, and decoded from
//! the byte arrays, hex and base64 that Debug output and encoders make of bytes.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use clorebot::telemetry::{self, LogFormat};
use common::discord::{self as fake_dc, FakeDiscord, fixture};
use common::telegram::{self as fake_tg, FakeTelegram, Limits, updates as up};
use common::*;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

const ANN: i64 = 218485655;
const MEMBER: &str = "2147601408";

/// Where the subscriber writes: every line kept.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    /// The records written (a record's lines after its first joined to it), without their
    /// colours.
    fn records(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        let mut out: Vec<String> = Vec::new();
        for line in text.lines().map(strip_ansi) {
            // A record starts with its time: `2026-12-06T05:46:33.039192Z`.
            let starts = line.len() > 20 && line.as_bytes()[4] == b'-' && line.as_bytes()[10] == b'T';
            match out.last_mut() {
                Some(last) if !starts => {
                    last.push('\n');
                    last.push_str(&line);
                }
                _ => out.push(line),
            }
        }
        out
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The bot on the simulator with both front-ends against the fakes, serving HTTP interactions.
struct Bot {
    dc: FakeDiscord,
    tg: FakeTelegram,
    gateway: fake_dc::FakeGateway,
    key: SigningKey,
    url: String,
    done: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
    _sim: clorebot::sim::SimHandle,
}

impl Bot {
    async fn start() -> Bot {
        let dc = FakeDiscord::start().await;
        let tg = FakeTelegram::start(Limits::RAISED).await;
        let gateway = fake_dc::FakeGateway::start().await;
        dc.use_gateway(&gateway);
        let key = SigningKey::from_bytes(&[7; 32]);
        let dc_cfg = fake_dc::config(&dc, Some(&key), true);
        let tg_cfg = fake_tg::bot_config(&tg, Limits::RAISED, clorebot::config::MAX_WAITING, None);
        let t = test_app_on(start_sim(200).await, |c| {
            c.discord = Some(dc_cfg);
            c.telegram = Some(tg_cfg);
        })
        .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/discord/interactions", listener.local_addr().unwrap());
        let (done, rx) = tokio::sync::oneshot::channel::<()>();
        let TestApp { sim, app, .. } = t;
        let served = tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        tokio::time::timeout(WAIT, gateway.identified.notified()).await.expect("the bot identifies on the gateway");
        Bot { dc, tg, gateway, key, url, done, served, _sim: sim }
    }

    /// Posts a signed interaction; a deferral in the answer is told to the fake.
    async fn post(&self, interaction: &Value) -> Value {
        let (status, answer) = fake_dc::post_signed(&self.url, &self.key, interaction).await;
        assert_eq!(status, 200);
        if answer["type"] == 5 {
            self.dc.deferred(interaction["token"].as_str().unwrap(), answer["data"]["flags"].as_u64().unwrap_or(0));
        }
        answer
    }

    async fn calls_for(&self, token: &str, n: usize) -> Vec<fake_dc::Call> {
        self.dc.wait_for(WAIT, |_| self.dc.for_interaction(token).len() >= n).await;
        self.dc.for_interaction(token)
    }

    /// Stops the bot, letting what is under way finish.
    async fn stop(self) {
        self.done.send(()).unwrap();
        self.served.await.unwrap().unwrap();
    }
}

/// Interaction `n` of kind `fixture_name`, with its own id and token (returned).
fn interaction(fixture_name: &str, n: u64) -> (Value, String) {
    let token = format!("aW50ZXJhY3Rpb24-secret-token-{n}");
    let mut i = fixture(fixture_name);
    i["id"] = json!(format!("{}", 1355555555555555600u64 + n));
    i["token"] = json!(token);
    (i, token)
}

#[tokio::test]
async fn no_secret_reaches_the_log_even_at_trace() {
    // `log` records (reqwest, teloxide) go to this thread's subscriber, as `init` has them go
    // to the global one.
    tracing_log::LogTracer::init().unwrap();
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let guard = tracing::subscriber::set_default(telemetry::subscriber(LogFormat::Pretty, Some("trace"), move || {
        writer.clone()
    }));
    let bot = Bot::start().await;
    let mut tokens = Vec::new();

    // Discord: /key opens a form; the key typed into it is checked and saved.
    let (mut i, token) = interaction("command", 0);
    i["data"]["name"] = json!("key");
    i["data"]["options"] = json!([]);
    tokens.push(token);
    assert_eq!(bot.post(&i).await["data"]["custom_id"], "clorebot:key");
    let (mut m, token) = interaction("modal", 1);
    m["data"]["custom_id"] = json!("clorebot:key");
    m["data"]["components"][0]["components"][0]["custom_id"] = json!("key");
    m["data"]["components"][0]["components"][0]["value"] = json!(KEY);
    bot.post(&m).await;
    let saved = bot.calls_for(&token, 1).await;
    assert!(saved[0].shown().starts_with("Key saved, encrypted"), "{}", saved[0].shown());
    tokens.push(token);

    // /rent 4090, confirmed: the order, and the generated password in a follow-up.
    let (mut i, token) = interaction("command", 2);
    i["data"]["name"] = json!("rent");
    i["data"]["options"] = json!([{ "name": "target", "type": 3, "value": "4090" }]);
    i["member"]["permissions"] = json!(MEMBER);
    bot.post(&i).await;
    let confirm = bot.calls_for(&token, 1).await[0].clone();
    tokens.push(token);
    let (mut p, token) = interaction("component", 3);
    p["data"]["custom_id"] = json!(confirm.button("Confirm"));
    bot.post(&p).await;
    let calls = bot.calls_for(&token, 2).await;
    tokens.push(token);
    let shown = calls.iter().map(|c| c.content()).find(|c| c.contains("SSH password")).expect("the password");
    let password = shown
        .split('`')
        .find(|s| s.len() >= 16 && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no password in {shown}"))
        .to_owned();

    // /help over the gateway.
    let (mut i, token) = interaction("command", 4);
    i["data"]["name"] = json!("help");
    i["data"]["options"] = json!([]);
    bot.gateway.push(i);
    assert!(bot.calls_for(&token, 1).await[0].content().contains("/gpus"));
    tokens.push(token);

    // Telegram: a listing and a key saved in a private chat.
    bot.tg.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates")).await;
    bot.tg.push(up::private(892252934, 6557, ANN, "/gpus 4090"));
    bot.tg.wait_for(WAIT, |_| !bot.tg.sent_to(ANN).is_empty()).await;
    bot.tg.push(up::private(892252935, 6558, ANN, &format!("/key set {KEY}")));
    bot.tg.wait_for(WAIT, |_| bot.tg.sent_to(ANN).len() >= 2).await;
    assert!(bot.tg.sent_to(ANN)[1].text().starts_with("Key saved, encrypted"), "{}", bot.tg.sent_to(ANN)[1].text());
    // A rent template with secrets, saved in the private chat and shown masked.
    let (hf, pw, jupyter) = ("hf_trace_secret_91", "Trace-pw-5521", "jtrace77x");
    let save = format!("/template save tt env HF_TOKEN={hf} password={pw} jupyter={jupyter}");
    bot.tg.push(up::private(892252936, 6559, ANN, &save));
    bot.tg.wait_for(WAIT, |_| bot.tg.sent_to(ANN).len() >= 3).await;
    assert!(
        bot.tg.sent_to(ANN)[2].text().contains("Template <code>tt</code> saved."),
        "{}",
        bot.tg.sent_to(ANN)[2].text()
    );
    bot.tg.push(up::private(892252937, 6560, ANN, "/template show tt"));
    bot.tg.wait_for(WAIT, |_| bot.tg.sent_to(ANN).len() >= 4).await;
    assert!(bot.tg.sent_to(ANN)[3].text().contains("HF_TOKEN=••••"), "{}", bot.tg.sent_to(ANN)[3].text());
    bot.tg.handed_on().await;
    bot.stop().await;
    drop(guard);

    let lines = buffer.records();
    // Not vacuous: everything was logged, down to TRACE: hyper's connection pool, the
    // database's queries inside our command spans, reqwest's `log` records, our own lines.
    for needles in [
        &[" TRACE ", " hyper_util::client::legacy::pool: "][..],
        &[" DEBUG ", "command{cmd=\"rent\"", " sqlx::query: "],
        &[" DEBUG ", " reqwest::connect: "],
        &[" INFO ", " clorebot::frontends::discord::gateway: "],
    ] {
        let found = lines.iter().any(|l| needles.iter().all(|n| l.contains(n)));
        assert!(found, "no line with {needles:?} among {} records", lines.len());
    }

    let mut secrets: Vec<(String, Vec<u8>)> = vec![
        ("the SSH password".into(), password.into_bytes()),
        ("the Discord bot token".into(), fake_dc::TOKEN.into()),
        ("the Telegram bot token".into(), fake_tg::TOKEN.into()),
        ("the Telegram webhook secret".into(), b"hook-Secret_123".to_vec()),
        ("the Clore API key".into(), KEY.into()),
        ("the master key".into(), vec![11; 32]),
        ("the master key (base64)".into(), master_key_b64().into_bytes()),
        ("a template's env value".into(), hf.into()),
        ("a template's SSH password".into(), pw.into()),
        ("a template's Jupyter token".into(), jupyter.into()),
    ];
    secrets.extend(tokens.into_iter().map(|t| ("an interaction token".to_owned(), t.into_bytes())));
    let mut leaks: BTreeMap<(String, &str, String), usize> = BTreeMap::new();
    for line in &lines {
        let forms = forms(line);
        for (name, secret) in &secrets {
            if let Some((form, _)) = forms.iter().find(|(_, bytes)| contains(bytes, secret)) {
                *leaks.entry((name.clone(), form, place(line))).or_default() += 1;
            }
        }
    }
    let told: Vec<String> =
        leaks.iter().map(|((name, form, place), n)| format!("{name} {form} in {place}: {n} records")).collect();
    assert!(told.is_empty(), "secrets in the log ({} records):\n{}", lines.len(), told.join("\n"));
}

/// The search finds a secret in each form it reads, and nothing where there is none.
#[test]
fn the_search_reads_each_form() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let secret = b"pw-Secret_42";
    let found = |line: &str| forms(line).iter().find(|(_, b)| contains(b, secret)).map(|(form, _)| *form);
    let array = format!("request{{req=Request {{ body: Some({:?}) }}}}: hyper: sent", secret.to_vec());
    assert_eq!(found(&array), Some("as a byte array"), "{array}");
    assert_eq!(found(&format!("payload: 0x{}", hex::encode(b"{\"t\":\"pw-Secret_42\"}"))), Some("in hex"));
    for encoded in [STANDARD.encode(b"{\"t\":\"pw-Secret_42\"}"), URL_SAFE_NO_PAD.encode(b"ab pw-Secret_42")] {
        assert_eq!(found(&format!("frame=\"{encoded}\"")), Some("in base64"), "{encoded}");
    }
    assert_eq!(found("GET /webhooks/1/pw%2DSecret%5F42"), Some("percent-encoded"));
    assert_eq!(found("a pw-Secret_42 here"), Some("as text"));
    assert_eq!(found("sizes [112, 119, 45, 83, 101], 99, 114 and pw-Secret_4"), None);
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The line's readings: as written, percent-decoded, and each run of numbers 0–255, of hex
/// digits and of base64 characters decoded to bytes.
fn forms(line: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = vec![("as text", line.as_bytes().to_vec()), ("percent-encoded", percent_decoded(line))];
    out.extend(byte_arrays(line).into_iter().map(|b| ("as a byte array", b)));
    for run in runs(line, |c| c.is_ascii_hexdigit()).into_iter().filter(|r| r.len() >= 16) {
        for start in [0, 1] {
            let r = &run[start..];
            if let Ok(b) = hex::decode(&r[..r.len() / 2 * 2]) {
                out.push(("in hex", b));
            }
        }
    }
    let b64 = |c: char| c.is_ascii_alphanumeric() || "+/-_".contains(c);
    let engines = [base64::engine::general_purpose::STANDARD_NO_PAD, base64::engine::general_purpose::URL_SAFE_NO_PAD];
    for run in runs(line, b64).into_iter().filter(|r| r.len() >= 12) {
        // A secret inside a longer blob sits at one of four offsets.
        for start in 0..4 {
            let r = &run[start..];
            let r = &r[..r.len() / 4 * 4];
            for e in &engines {
                if let Ok(b) = e.decode(r) {
                    out.push(("in base64", b));
                }
            }
        }
    }
    out
}

/// Maximal runs of characters that `is` accepts.
fn runs(line: &str, is: impl Fn(char) -> bool) -> Vec<&str> {
    line.split(|c: char| !is(c)).filter(|r| !r.is_empty()).collect()
}

/// `[104, 117, …]`: runs of at least four numbers 0–255 separated by commas.
fn byte_arrays(line: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let mut end = 0;
    for (at, number) in
        line.match_indices(|c: char| c.is_ascii_digit()).fold(Vec::<(usize, String)>::new(), |mut v, (i, d)| {
            match v.last_mut() {
                Some((s, n)) if *s + n.len() == i => n.push_str(d),
                _ => v.push((i, d.to_owned())),
            }
            v
        })
    {
        let joined = line[end..at].trim() == ",";
        end = at + number.len();
        match number.parse::<u8>() {
            Ok(b) if joined => run.push(b),
            parsed => {
                if run.len() >= 4 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
                run.extend(parsed.ok());
            }
        }
    }
    if run.len() >= 4 {
        out.push(run);
    }
    out
}

fn percent_decoded(line: &str) -> Vec<u8> {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok())
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Where a line comes from: its target, and the spans it was logged in (by name).
fn place(line: &str) -> String {
    // `<time> <LEVEL> <span>{<fields>}:<span>…: <target>: <message>`, braces nested in fields.
    let rest = line.split_whitespace().skip(2).collect::<Vec<_>>().join(" ");
    let (mut depth, mut pieces, mut start) = (0usize, Vec::new(), 0);
    let bytes = rest.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                pieces.push(&rest[start..i]);
                start = i + 2;
            }
            _ => {}
        }
    }
    let is_path = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    let Some(at) = pieces.iter().position(|p| p.contains("::") && is_path(p)) else {
        return rest.chars().take(60).collect();
    };
    let spans: Vec<String> = pieces[..at].iter().flat_map(|p| split_spans(p)).collect();
    if spans.is_empty() { pieces[at].to_owned() } else { format!("{} (spans {})", pieces[at], spans.join(", ")) }
}

/// `a{…}:b{…}` → the names `a`, `b`.
fn split_spans(spans: &str) -> Vec<String> {
    let (mut depth, mut names, mut name) = (0usize, Vec::new(), String::new());
    for c in spans.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                names.push(std::mem::take(&mut name));
            }
            c if depth == 0 => name.push(c),
            _ => {}
        }
    }
    names.push(name);
    names.retain(|n| !n.is_empty());
    names
}
