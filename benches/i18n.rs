//! What speaking the user's language costs: every price, duration and sentence a reply holds
//! is a Fluent message formatted at the time. Measures one price (`$0.48/day ($0.02/h)`, three
//! messages), the `/help` overview (20 messages) and a `/gpus` page's worth of prices (eight
//! rows, 24 messages), in English and in Russian (plural rules, localized digits).
//!
//! Run: `cargo bench --bench i18n`.

use std::hint::black_box;

use clorebot::clore::Currency;
use clorebot::core::help;
use clorebot::domain::format;
use clorebot::i18n::{Lang, sync_scope};
use criterion::Criterion;

fn bench(c: &mut Criterion) {
    for lang in [Lang::En, Lang::Ru] {
        c.bench_function(&format!("i18n {lang}: one price per day"), |b| {
            b.iter(|| sync_scope(lang, || black_box(format::per_day(black_box(0.48), Currency::Usd))))
        });
        c.bench_function(&format!("i18n {lang}: a /gpus page of prices (8 rows)"), |b| {
            b.iter(|| {
                sync_scope(lang, || {
                    (0..8)
                        .map(|i| format::per_day(black_box(3.6 + f64::from(i) * 0.11), Currency::Usd))
                        .collect::<Vec<_>>()
                })
            })
        });
        c.bench_function(&format!("i18n {lang}: the /help overview"), |b| {
            b.iter(|| sync_scope(lang, || black_box(help::overview())))
        });
    }
}

criterion::criterion_group!(benches, bench);
criterion::criterion_main!(benches);
