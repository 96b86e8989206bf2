//! The command parser's tests: each command's grammar, and each bad input named.

use super::*;

/// What `s` parses as; panics with the error if it does not. The grammars' tests share it.
pub(super) fn ok(s: &str) -> Command {
    parse(s).unwrap_or_else(|e| panic!("{s:?} failed: {e}"))
}

/// The message `s` is refused with; panics if it parses.
pub(super) fn err(s: &str) -> String {
    match parse(s) {
        Ok(c) => panic!("{s:?} parsed as {c:?}"),
        Err(e) => e.message,
    }
}

/// `env` values may be tokens: a command's Debug line names them without their values.
#[test]
fn a_rents_environment_values_stay_out_of_debug() {
    let cmd = ok("/rent 4090 env HF_TOKEN=hf_s3cr3tvalue env=MODE=fast");
    let line = format!("{cmd:?}");
    assert!(line.contains("HF_TOKEN") && line.contains("MODE") && line.contains("••••"), "{line}");
    assert!(!line.contains("hf_s3cr3tvalue") && !line.contains("fast"), "{line}");
    let plan = crate::services::rent::RentPlan {
        server: crate::clore::ServerId(1),
        currency: crate::clore::Currency::Usd,
        price: 1.0,
        spot: false,
        image: "ubuntu".into(),
        ports: Vec::new(),
        env: [("HF_TOKEN".to_owned(), "hf_s3cr3tvalue".to_owned())].into(),
        env_secret: None,
        gpu: String::new(),
        watch: None,
        template: None,
        command: None,
        guard: None,
        unattended: false,
    };
    let line = format!("{plan:?}");
    assert!(line.contains("HF_TOKEN") && !line.contains("hf_s3cr3tvalue"), "{line}");
}

#[test]
fn simple_commands() {
    assert!(matches!(ok("/start"), Command::Start));
    assert!(matches!(ok("/help"), Command::Help(None)));
    assert!(matches!(ok("/help /rent"), Command::Help(Some(c)) if c == "rent"));
    assert!(matches!(ok("/gpus@clorebot 4090"), Command::Gpus { .. }));
    assert!(!addressed_elsewhere("/gpus@CloreBot 4090", Some("clorebot")));
    assert!(addressed_elsewhere("/gpus@otherbot 4090", Some("clorebot")));
    assert!(addressed_elsewhere("/gpus@otherbot 4090", None));
    assert!(!addressed_elsewhere("/gpus 4090", None));
    assert!(!addressed_elsewhere("/gpus 4090 me@host", Some("clorebot")));
    assert!(matches!(ok("/GPUS"), Command::Gpus { .. }));
    assert!(matches!(ok("/server 123"), Command::Server(ServerId(123))));
    assert!(matches!(ok("/server #123"), Command::Server(ServerId(123))));
    assert!(matches!(ok("/orders"), Command::Orders { all: false }));
    assert!(matches!(ok("/orders all"), Command::Orders { all: true }));
    assert!(matches!(ok("/wallets"), Command::Wallets));
    // A term ending in a multi-byte letter is not cut inside it (it reads as a model).
    assert!(matches!(ok("/history 4090 5д"), Command::History { .. }));
    assert!(err("/history 4090 1y").contains("`1y` is not a period"));
    assert!(matches!(ok("/market"), Command::Market { text, .. } if text.is_empty()));
    assert!(matches!(ok("/market 4090 \"rtx 3090\""), Command::Market { text, .. } if text == "4090 \"rtx 3090\""));
    assert!(err("/market 4090 cc=DE").contains("`cc=DE` is not a GPU model"));
    assert!(err("/market spot").contains("`spot` is not a GPU model"));
    assert!(matches!(ok("/watches"), Command::Watches));
    assert!(matches!(ok("/unwatch 4"), Command::Unwatch(WatchId(4))));
    assert!(matches!(ok("/myservers"), Command::MyServers));
    assert!(matches!(ok("/key"), Command::KeyStatus));
    assert!(matches!(ok("/key remove"), Command::KeyRemove));
    assert!(matches!(ok("/key set Zq8sPnW3vK1tY6uR0mXb4cLd7hJf2gAe"), Command::KeySet(Ok(_))));
    assert!(matches!(ok("/key Zq8sPnW3vK1tY6uR0mXb4cLd7hJf2gAe"), Command::KeySet(Ok(_))));
    assert!(matches!(ok("/spotprice 7 0.35"), Command::SpotPrice { order: OrderId(7), price } if price == 0.35));
    assert!(
        matches!(ok("/snooze 3 1h30m"), Command::Snooze { watch: WatchId(3), duration: Some(d) } if d.as_secs() == 5400)
    );
    assert!(matches!(ok("/snooze 3 off"), Command::Snooze { watch: WatchId(3), duration: None }));
}

#[test]
fn hostset_and_settings() {
    use crate::services::hosting::{HostTarget, PriceGiven};
    match ok("/hostset rig-a off mrl=72 price=0.00001") {
        Command::HostSet(h) => {
            assert_eq!(h.target, HostTarget::Name("rig-a".into()));
            assert_eq!(h.edit.available, Some(false));
            assert_eq!(h.edit.mrl_hours, Some(72));
            assert_eq!(h.edit.price, Some(PriceGiven::Btc(0.00001)));
        }
        c => panic!("{c:?}"),
    }
    // A dollar amount is dollars, never bitcoin.
    assert!(matches!(ok("/hostset rig-a spot=$1"), Command::HostSet(h) if h.edit.spot == Some(PriceGiven::Usd(1.0))));
    match ok(
        "/settings currency=clore image=none sshkey=\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host\" password=s3cret-pw locale=de",
    ) {
        Command::Settings(ch) => {
            assert_eq!(ch.len(), 5);
            assert!(
                matches!(&ch[2], SettingChange::SshKey(Some(k)) if k == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host")
            );
            assert!(matches!(&ch[1], SettingChange::Image(None)));
        }
        c => panic!("{c:?}"),
    }
    assert!(matches!(ok("/settings"), Command::Settings(c) if c.is_empty()));
    match ok("/settings quiet=23:00-08:00 tz=Europe/Berlin") {
        Command::Settings(ch) => {
            assert!(matches!(&ch[0], SettingChange::Quiet(Some(w)) if w.to_string() == "23:00–08:00"));
            assert!(matches!(&ch[1], SettingChange::Tz(z) if *z == chrono_tz::Europe::Berlin));
        }
        c => panic!("{c:?}"),
    }
    assert!(matches!(ok("/settings quiet=off"), Command::Settings(c) if matches!(c[..], [SettingChange::Quiet(None)])));
    assert!(
        matches!(ok("/settings timezone=america/new_york"), Command::Settings(c) if matches!(c[..], [SettingChange::Tz(chrono_tz::America::New_York)]))
    );
}

#[test]
fn errors_say_what_was_wrong() {
    let cases: &[(&str, &str)] = &[
        ("hello", "Commands start with /"),
        ("/frobnicate", "Unknown command /frobnicate"),
        ("/server", "Give the server id"),
        ("/server abc", "must be a positive whole number, not `abc`"),
        ("/server 0", "must be a positive whole number, not `0`"),
        ("/server 1 2", "Give one server id"),
        ("/wallets now", "/wallets takes no arguments, but got `now`"),
        ("/orders some", "I don't understand `some`"),
        ("/rent", "Say which server"),
        ("/rent 42 spot=-1", "spot must be a positive number"),
        ("/rent 42 spot=abc", "spot must be a number"),
        ("/rent 42 ports=22:udp", "tcp or http"),
        ("/rent 42 ports=0", "not a port number"),
        ("/rent 42 ports=22,22:http", "listed twice"),
        ("/rent 42 ports=1,2,3,4,5,6", "ports"),
        ("/rent 42 ports=80:http,81:http", "http"),
        ("/rent 42 env", "env must be followed by NAME=value"),
        ("/rent 42 env FOO", "env needs NAME=value"),
        ("/rent 42 image=", "image= needs"),
        ("/rent 42 currency=eur", "Unknown currency `eur`"),
        ("/cancel", "Give the order id"),
        ("/spotprice 7", "Give the order id and the new price"),
        ("/spotprice 7 free", "price must be a number"),
        ("/watch", "Say what to watch for"),
        ("/watch 4090 autorent", "needs a maximum price"),
        ("/watch 4090 max_orders=2", "only goes after autorent"),
        ("/watch 4090 max=0.4 autorent max_orders=99", "max_orders must be 1 to 20"),
        ("/watch 4090 cooldown=soon", "not a duration"),
        ("/snooze 3", "Give the watch id and how long"),
        ("/snooze 3 forever", "not a duration"),
        ("/snooze 3 60d", "at most 30d"),
        ("/hostset", "Give the server's name"),
        ("/hostset rig-a", "Say what to change"),
        ("/hostset rig-a mrl=0", "mrl must be 1 to"),
        ("/hostset rig-a color=blue", "I don't understand `color=blue`"),
        ("/settings currency=eur", "Unknown currency `eur`; use usd, clore or btc."),
        ("/settings theme=dark", "Unknown setting `theme`"),
        ("/settings sshkey=hello", "sshkey must be a public key"),
        ("/settings password=bad#char", "password"),
        ("/settings locale=english", "language must be en (English), de (Deutsch) or ru (Русский)"),
        // issue 27: quiet hours and their zone.
        (
            "/settings quiet=25:00-08:00",
            "Quiet hours are written from-to in 24-hour time, like 23:00-08:00; not `25:00-08:00`",
        ),
        ("/settings quiet=23:00", "like 23:00-08:00; not `23:00`"),
        ("/settings quiet=late", "not `late`"),
        ("/settings quiet=8:00-08:00", "start and end at the same time"),
        ("/settings tz=Mars/Olympus", "Unknown time zone `Mars/Olympus`"),
        ("/settings tz=CEST", "Unknown time zone `CEST`"),
        ("/gpus \"rtx 4090", "not closed"),
        ("/help rent gpus", "one command at a time"),
        ("/watch 4090 <0", "a price ceiling must be above 0"),
        ("/watch 4090 price<=0", "a price ceiling must be above 0"),
        ("/settings password=short", "at least 8 characters"),
        ("/settings image=a;b", "not a Docker image reference"),
        ("/hostset ", "Give the server's name"),
        // issue 25: references outside distribution/reference's grammar (image_ref.rs).
        ("/rent 4090 image=-rm", "image: has `-rm`, which is not a valid name part"),
        ("/rent 42 image=../../../etc/passwd", "image: has `..`, which is not a valid name part"),
        ("/settings image=.", "image: has `.`, which is not a valid name part"),
        ("/settings image=UPPER/Case", "image: has `Case`, which is not a valid name part"),
        ("/settings image=a:b:c:d", "image: has `a:b:c`, which is not a valid name part"),
        ("/settings image=x:-tag", "image: has the tag `-tag`"),
        ("/settings image=x@sha256:abc", "image: has the digest `sha256:abc`"),
        ("/settings image=host:port/x", "image: has `host:port` where a registry goes"),
        ("/settings image=a//b", "image: has an empty name part"),
        // issue 25: a cooldown past its cap, however large, is refused with the cap.
        ("/watch 4090 cooldown=99999999999h", "A cooldown is at most 30d, not `99999999999h`"),
        ("/watch 4090 cooldown=31d", "A cooldown is at most 30d"),
        ("/watch 4090 cooldown=99999999999999999999999d", "A cooldown is at most 30d"),
        ("/snooze 3 99999999999999999999999d", "at most 30d"),
        // issue 25: a blank password, and two servers where one is rented.
        ("/settings password=\"        \"", "password must not be only spaces"),
        ("/settings password=\"\t\t\t\t\t\t\t\t\"", "password must not be only spaces"),
        ("/rent #42 #43", "Give one server id"),
        ("/rent 4090 #43", "Give one server id"),
        // issue 25: an ed25519 line whose 19-byte body is its type name and an empty key.
        (
            "/settings sshkey=\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAA== me@host\"",
            "does not hold exactly one 32-byte key",
        ),
        ("/settings sshkey=\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\"", "does not hold exactly one 32-byte key"),
    ];
    for (input, want) in cases {
        let e = err(input);
        assert!(e.contains(want), "{input:?} → {e:?}, expected it to contain {want:?}");
    }
}

#[test]
fn any_error_of_a_command_that_may_hold_a_secret_is_secret() {
    for line in [
        "/settings ssh_password=x",
        "/settings sshpassword=hunter2hunter2",
        "/settings theme=dark",
        "/settings currency=eur",
        "/rent 42 env FOO",
        "/rent 42 env=BAD-NAME=1",
    ] {
        let e = parse(line).unwrap_err();
        assert!(e.secret, "{line} → {e:?}");
        assert!(!e.message.contains("hunter2"), "{e:?}");
    }
    for line in ["/rent 42 spot=-1", "/gpus \"x", "/watch"] {
        assert!(!parse(line).unwrap_err().secret, "{line}");
    }
}

#[test]
fn input_is_normalised_before_parsing() {
    assert_eq!(normalize("／ｇｐｕｓ　４０９０"), "/gpus 4090");
    assert_eq!(normalize("40\u{200b}90\u{200e}\u{2066}x\u{2069}\u{ad}"), "4090x");
    assert!(is_command("\u{feff}/start"));
    match (ok("/watch ４０９０ max＝0.4"), ok("/watch 4090 max=0.4")) {
        (Command::Watch(a), Command::Watch(b)) => assert_eq!(a, b),
        other => panic!("{other:?}"),
    }
    // Echoes are bounded whatever was typed.
    assert!(err(&format!("/{}", "z".repeat(10_000))).chars().count() < 120);
}
