//! Languages: every word a user reads comes from a Fluent catalogue (`src/i18n/<lang>/*.ftl`,
//! compiled in), in English, German or Russian; numbers and dates follow the language too.
//!
//! The language is the request's, like its tracing span: it is chosen once where a command, a
//! button press or an alert begins ([`scope`], [`sync_scope`]) and everything below it — the
//! handlers, the parsers' error messages, money and dates — reads it with [`Lang::current`].
//! Outside any scope (a log line, a test helper) it is English. Work moved to another task or
//! thread takes the language along explicitly (`Lang::current()` before, a scope inside).
//!
//! Who gets which language ([`resolve`]): in a group whose admin chose one, that; else the
//! user's `/settings locale=`; else what their app says (Telegram `language_code`, Discord
//! `locale`); else English.

use std::borrow::Cow;
use std::future::Future;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language clorebot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    De,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::Ru];

    /// The ISO 639-1 code: `en`, `de`, `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name for itself.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Ru => "Русский",
        }
    }

    /// A language tag as platforms and people write it (`de`, `de-AT`, `ru_RU`, `EN-us`): its
    /// primary language, if we speak it.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The language of the request or alert being worked on; English outside one.
    pub fn current() -> Lang {
        LANG.try_with(|l| *l).unwrap_or_default()
    }

    fn index(self) -> usize {
        self as usize
    }

    fn chrono_locale(self) -> chrono::Locale {
        match self {
            Lang::En => chrono::Locale::en_GB,
            Lang::De => chrono::Locale::de_DE,
            Lang::Ru => chrono::Locale::ru_RU,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The first of `choices` (most specific first) that names a language we speak, else English.
pub fn resolve<'a>(choices: impl IntoIterator<Item = Option<&'a str>>) -> Lang {
    choices.into_iter().flatten().find_map(Lang::parse).unwrap_or_default()
}

tokio::task_local! {
    static LANG: Lang;
}

/// Runs `work` in `lang`.
pub fn scope<F: Future>(lang: Lang, work: F) -> impl Future<Output = F::Output> {
    LANG.scope(lang, work)
}

/// Runs `work` (synchronous) in `lang`.
pub fn sync_scope<R>(lang: Lang, work: impl FnOnce() -> R) -> R {
    LANG.sync_scope(lang, work)
}

/// The catalogue files, by area; each language has every one (a test holds them to it).
macro_rules! catalogues {
    ($($area:literal),+ $(,)?) => {
        /// `(area, [en, de, ru])`
        pub const CATALOGUES: &[(&str, [&str; 3])] = &[$(
            ($area, [
                include_str!(concat!("en/", $area, ".ftl")),
                include_str!(concat!("de/", $area, ".ftl")),
                include_str!(concat!("ru/", $area, ".ftl")),
            ]),
        )+];
    };
}

catalogues![
    "core",
    "help",
    "parse",
    "market",
    "query",
    "rent",
    "watch",
    "account",
    "alerts",
    "frontends",
    "templates",
    "market_watch",
    "hostset"
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<[Bundle; 3]> = LazyLock::new(|| Lang::ALL.map(bundle));

fn bundle(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a language code is a language identifier");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around values: chat clients show them as stray characters
    // in monospace, and every language here runs left to right.
    b.set_use_isolating(false);
    // Numbers Fluent prints itself (`{ $n } servers`) are written the language's way too.
    b.set_formatter(match lang {
        Lang::En => None,
        Lang::De => Some(localized_de),
        Lang::Ru => Some(localized_ru),
    });
    for (area, files) in CATALOGUES {
        let res = FluentResource::try_new(files[lang.index()].to_owned()).unwrap_or_else(|(res, errors)| {
            tracing::error!(%lang, area, ?errors, "a catalogue has syntax errors; the rest of it is used");
            res
        });
        if let Err(errors) = b.add_resource(res) {
            tracing::error!(%lang, area, ?errors, "a catalogue repeats message ids; the first is used");
        }
    }
    b
}

fn localized_de<M>(v: &FluentValue, _: &M) -> Option<String> {
    localized(Lang::De, v)
}

fn localized_ru<M>(v: &FluentValue, _: &M) -> Option<String> {
    localized(Lang::Ru, v)
}

fn localized(lang: Lang, v: &FluentValue) -> Option<String> {
    match v {
        FluentValue::Number(n) => Some(number_in(lang, &n.as_string())),
        _ => None,
    }
}

/// A value for a message's variable: text as it is, numbers for plural rules (`{ $n -> [one] … }`).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<Cow<'_, str>> for Arg {
    fn from(s: Cow<'_, str>) -> Arg {
        Arg::Text(s.into_owned())
    }
}

macro_rules! number_args {
    ($($t:ty),+) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )+};
}

number_args!(i32, i64, u32, u64, usize, f64);

/// Whether `lang`'s catalogue has the message `id` (for optional messages named at run time).
pub fn has(lang: Lang, id: &str) -> bool {
    BUNDLES[lang.index()].has_message(id)
}

/// The message `id` in the current language with `args`; see [`crate::t`].
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    text_in(Lang::current(), id, args)
}

/// The message `id` in `lang`. A message missing from a catalogue (the catalogue test keeps
/// that from shipping) falls back to English, then to its id.
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        let v = match value {
            Arg::Text(s) => FluentValue::from(s.as_str()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fargs.set(*name, v);
    }
    for l in [lang, Lang::En] {
        let b = &BUNDLES[l.index()];
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = vec![];
            let s = b.format_pattern(pattern, Some(&fargs), &mut errors);
            if !errors.is_empty() {
                tracing::error!(%l, id, ?errors, "a message did not format cleanly");
            }
            return s.into_owned();
        }
        tracing::error!(%l, id, "a message is missing from the catalogue");
    }
    id.to_owned()
}

/// The message `id` in the current language: `t!("gpus-none", query = q.describe())`.
/// Every argument name must be one of the message's variables (the catalogue test checks
/// each call in the source against the English catalogue).
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::text($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// A number written the English way (`31250.5`, `-0.25`, `98.5`) as the current language
/// writes it: `31250.5` in English, `31.250,5` in German, `31 250,5` in Russian (a narrow
/// no-break space, so it never wraps). Four-digit whole parts stay ungrouped (`1250,5`).
pub fn number(en: &str) -> String {
    number_in(Lang::current(), en)
}

fn number_in(lang: Lang, en: &str) -> String {
    let (decimal, group) = match lang {
        Lang::En => return en.to_owned(),
        Lang::De => (',', '.'),
        Lang::Ru => (',', '\u{202F}'),
    };
    let (sign, body) = en.strip_prefix('-').map_or(("", en), |b| ("-", b));
    let (mantissa, exp) = body.split_once('e').map_or((body, None), |(m, e)| (m, Some(e)));
    let (int, frac) = mantissa.split_once('.').map_or((mantissa, None), |(i, f)| (i, Some(f)));
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        return en.to_owned();
    }
    let mut out = String::from(sign);
    // Four-digit numbers stay whole (`1250`), as both languages' style guides prefer.
    let grouped = int.len() > 4;
    for (i, ch) in int.chars().enumerate() {
        if grouped && i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push(decimal);
        out.push_str(f);
    }
    if let Some(e) = exp {
        out.push('e');
        out.push_str(e);
    }
    out
}

/// A moment as the current language writes it, in UTC: `2026-11-24 14:05 UTC`,
/// `24.11.2026 14:05 UTC`.
pub fn datetime(at: DateTime<Utc>) -> String {
    match Lang::current() {
        Lang::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        Lang::De | Lang::Ru => at.format("%d.%m.%Y %H:%M UTC").to_string(),
    }
}

/// A time of day in UTC: `14:05 UTC` (the same in all three languages).
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC").to_string()
}

/// A day and month with the month's short name, for chart axes and "low on …":
/// `24 Nov`, `24. Nov`, `24 ноя`.
pub fn day_month(at: DateTime<Utc>) -> String {
    let lang = Lang::current();
    let pattern = match lang {
        Lang::De => "%-d. %b",
        Lang::En | Lang::Ru => "%-d %b",
    };
    at.format_localized(pattern, lang.chrono_locale()).to_string().trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests;
