//! What a person waits on while typing, in the core (issue 28), against a 3,000-server
//! market held warm as the market poll keeps it:
//!
//! 1. Telegram inline mode: the offers for `@bot <query>` (`Core::offers`) — parse, the query
//!    run over the snapshot, ten cards in the asker's language. Telegram shows nothing until
//!    `answerInlineQuery` arrives, and asks again on each keystroke.
//! 2. Discord autocomplete (`Core::suggest`, answered within Discord's 3 s): countries after
//!    `cc=` (the query run over the snapshot), and template names (two database reads) for a
//!    user with 20 templates in a group with 20 team templates.
//!
//! The HTTP around them is measured by the `telegram` and `discord` benches.
//!
//! Run: `cargo bench --bench reach` (about half a minute).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use clorebot::core::offers::Offers;
use clorebot::core::suggest::{Asker, Field};
use clorebot::domain::Platform;
use clorebot::frontends::console::caller;
use clorebot::i18n::Lang;
use common::*;
use criterion::Criterion;

const SERVERS: usize = 3000;

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(async {
        // Bob speaks first in the group, so he is its admin and saves its team templates.
        let w = test_app_on(start_sim(SERVERS).await, |c| c.market_ttl = Duration::from_secs(3600)).await;
        w.core.deps.market.get().await.unwrap();
        let (ann, team) = (caller(&w.core, "ann", None), caller(&w.core, "bob", Some("ops")));
        for i in 0..20 {
            for (who, name, whose) in [(&ann, format!("mine-{i}"), ""), (&team, format!("team-{i}"), " here")] {
                let r = w
                    .core
                    .handle_text(who, &format!("/template save {name} image=nvidia/cuda:12.4.1-base{whose}"))
                    .await;
                assert!(r.replies[0].plain_text().contains(&name), "{}", r.replies[0].plain_text());
            }
        }
        w
    });
    let group_chat = caller(&w.core, "ann", Some("ops")).chat.chat_id;
    let mut c = Criterion::default().configure_from_args().sample_size(50);

    for (name, text) in [("inline offers: 4090 <8 cc=de", "4090 <8 cc=de"), ("inline offers: (empty)", "")] {
        c.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    match w.core.offers(Lang::En, text).await {
                        Offers::Found(found) => assert!(!found.is_empty() && found.len() <= 10),
                        Offers::Problem { title, text } => panic!("{title}: {text}"),
                    }
                })
            })
        });
    }

    let asker = Asker { platform: Platform::Console, user: "ann", chat: &group_chat };
    c.bench_function("autocomplete: countries after 4090 cc=", |b| {
        b.iter(|| {
            rt.block_on(async {
                let found = w.core.suggest(asker, Field::Query, "4090 cc=").await;
                assert!(!found.is_empty());
            })
        })
    });
    c.bench_function("autocomplete: template names (20 own + 20 of the group)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let found = w.core.suggest(asker, Field::Template, "1").await;
                // mine-1, mine-10..19, team-1, team-10..19: at most 25 are offered.
                assert_eq!(found.len(), 22);
            })
        })
    });
    c.final_summary();
}
