//! Discord's select menus under a `/gpus` listing (Sort, Country) and autocomplete of
//! template names and countries, end to end: interactions in Discord's shapes posted to the
//! real listener (tests/common/discord/app.rs), what the bot sends checked by the fake
//! Discord against the platform's limits (tests/common/discord.rs: a select alone in its row,
//! at most 25 options of at most 100 characters, at most 5 rows; at most 25 choices).

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::discord::app::{MANAGER, MEMBER, OTHER_USER, USER};
use common::discord::{Call, DiscordApp, invalid_autocomplete, query};
use serde_json::{Value, json};

/// A listed server as a user reads its line: `#id  N× model  price  RAM  CC  reliability  status`.
#[derive(Debug)]
struct Listed {
    id: u64,
    gpus: u32,
    cc: Option<String>,
}

/// The servers a listing shows, in order. (Its text is escaped markdown: `\#123`.)
fn listed(c: &Call) -> Vec<Listed> {
    c.shown()
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split("  ").collect();
            let id = parts.first()?.trim_start_matches('\\').strip_prefix('#')?.parse().ok()?;
            let gpus = parts.get(1)?.split('×').next()?.parse().ok()?;
            let cc =
                parts.iter().find(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase())).map(|p| p.to_string());
            Some(Listed { id, gpus, cc })
        })
        .collect()
}

/// Chooses the option labelled `label…` of the menu `placeholder…` on `listing`; the
/// listing as the choice leaves it (the message is edited in place, as Next ▸ does).
async fn choose(d: &DiscordApp, listing: &Call, placeholder: &str, label: &str) -> Call {
    let (id, options) = listing.menu(placeholder);
    let (_, value, _) = options.iter().find(|(l, _, _)| l.starts_with(label)).unwrap_or_else(|| panic!("{options:?}"));
    let (i, token) = d.select(&id, value);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 6 })), "acknowledged at once");
    let calls = d.calls_for(&token, 1).await;
    assert_eq!((calls[0].method.as_str(), calls[0].path.ends_with("/messages/@original")), ("PATCH", true));
    calls[0].clone()
}

fn labels(options: &[(String, String, bool)]) -> Vec<&str> {
    options.iter().map(|(l, _, _)| l.as_str()).collect()
}

fn chosen(options: &[(String, String, bool)]) -> Vec<&str> {
    options.iter().filter(|o| o.2).map(|(l, _, _)| l.as_str()).collect()
}

/// The number in a listing's title: `12 servers — …`.
fn count(c: &Call) -> usize {
    let title = c.body["embeds"][0]["title"].as_str().unwrap_or_default();
    title.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{title}"))
}

/// The select and autocomplete interactions the tests send read as serenity reads Discord's.
#[test]
fn a_choice_and_an_autocomplete_read_as_serenity_reads_them() {
    use serenity::model::application::{ComponentInteractionDataKind, Interaction};
    let mut choice = common::discord::fixture("component");
    choice["data"] = json!({ "component_type": 3, "custom_id": "menu:0", "values": ["tokG"] });
    let Ok(Interaction::Component(c)) = serde_json::from_value(choice) else { panic!("not a component") };
    assert_eq!(c.data.custom_id, "menu:0");
    assert!(matches!(&c.data.kind, ComponentInteractionDataKind::StringSelect { values } if values == &["tokG"]));
    let mut typed = common::discord::fixture("autocomplete");
    typed["data"]["name"] = json!("rent");
    typed["data"]["options"] = json!([{ "name": "template", "type": 3, "value": "tr", "focused": true }]);
    let Ok(Interaction::Autocomplete(a)) = serde_json::from_value(typed) else { panic!("not an autocomplete") };
    let focus = a.data.autocomplete().unwrap();
    assert_eq!((focus.name, focus.value), ("template", "tr"));
}

#[tokio::test]
async fn a_listing_sorts_and_filters_by_country_through_its_menus() {
    let d = DiscordApp::start(Duration::from_secs(60)).await;
    let listing = d.run(USER, "gpus", query("4090"), MEMBER).await;
    let first = listed(&listing);
    assert!(first.len() >= 2, "{}", listing.shown());
    let total = count(&listing);

    // Two selects under the buttons: Sort, cheapest first as the listing is; Country, any.
    let menus = listing.menus();
    assert_eq!(menus.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(), ["Sort…", "Country…"]);
    let (_, sort) = listing.menu("Sort");
    assert_eq!(labels(&sort), ["Cheapest first", "Most GPUs first", "Most reliable first"]);
    assert_eq!(chosen(&sort), ["Cheapest first"]);
    let (_, countries) = listing.menu("Country");
    assert_eq!(chosen(&countries), ["Any country"]);
    assert_eq!(countries[0].0, "Any country");
    // Each country once, with how many servers it has; together they are the listing's.
    let mut per_country = Vec::new();
    for (label, _, _) in &countries[1..] {
        let (cc, n) = label.split_once(" — ").unwrap_or_else(|| panic!("{label}"));
        let n: usize = n.split_whitespace().next().unwrap().parse().unwrap();
        per_country.push((cc.to_owned(), n));
    }
    assert!(per_country.len() >= 2 && per_country.windows(2).all(|w| w[0].0 < w[1].0), "{per_country:?}");
    assert!(per_country.iter().map(|(_, n)| n).sum::<usize>() <= total);
    // Within Discord's 5 action rows: the two menus, the page row, and Rent / Details for
    // the first two servers.
    assert!(listing.shown().contains("page 1/"), "{}", listing.shown());
    assert_eq!(listing.body["components"].as_array().unwrap().len(), 5);
    let details = listing.buttons().into_iter().filter(|(l, _)| l.starts_with("Details #")).count();
    assert_eq!(details, 2, "{:?}", listing.buttons());
    assert!(listing.buttons().iter().any(|(l, _)| l.starts_with("Next")), "{:?}", listing.buttons());

    // Most GPUs first: the same servers, the ones with most GPUs at the top.
    let by_gpus = choose(&d, &listing, "Sort", "Most GPUs first").await;
    let sorted = listed(&by_gpus);
    assert!(sorted.windows(2).all(|w| w[0].gpus >= w[1].gpus), "{sorted:?}");
    assert!(first.iter().all(|s| s.gpus <= sorted[0].gpus), "{first:?} vs {sorted:?}");
    // The seeded market has 4090 boxes of several GPUs; the cheapest are single ones.
    assert!(sorted[0].gpus > first[0].gpus, "{first:?} vs {sorted:?}");
    assert_eq!(count(&by_gpus), total);
    assert_eq!(chosen(&by_gpus.menu("Sort").1), ["Most GPUs first"]);

    // A country: only its servers, as many as the menu said; the other countries stay on offer.
    let (cc, n) = per_country.iter().max_by_key(|(_, n)| *n).unwrap().clone();
    let in_country = choose(&d, &by_gpus, "Country", &format!("{cc} — ")).await;
    let there = listed(&in_country);
    assert!(!there.is_empty() && there.iter().all(|s| s.cc.as_deref() == Some(cc.as_str())), "{cc}: {there:?}");
    assert_eq!(count(&in_country), n);
    assert!(there.windows(2).all(|w| w[0].gpus >= w[1].gpus), "still most GPUs first: {there:?}");
    let (_, countries_now) = in_country.menu("Country");
    assert_eq!(chosen(&countries_now), [format!("{cc} — {n} servers").as_str()]);
    assert_eq!(labels(&countries_now), labels(&countries), "every country is still offered");

    // Any country again: every server back.
    let anywhere = choose(&d, &in_country, "Country", "Any country").await;
    assert_eq!(count(&anywhere), total);
    assert!(listed(&anywhere).iter().any(|s| s.cc.as_deref() != Some(cc.as_str())), "{}", anywhere.shown());
    d.stop().await;
}

#[tokio::test]
async fn a_single_server_listing_has_no_menus_and_someone_elses_choice_is_refused() {
    let d = DiscordApp::start(Duration::from_secs(60)).await;
    let listing = d.run(USER, "gpus", query("4090"), MEMBER).await;
    let one = listed(&listing)[0].id;
    let single = d.run(USER, "gpus", query("4090 limit=1"), MEMBER).await;
    assert_eq!(listed(&single).len(), 1, "{}", single.shown());
    assert!(single.menus().is_empty(), "nothing to sort or filter: {:?}", single.menus());
    assert_eq!(listed(&single)[0].id, one);

    // A choice is its chooser's, like a button: another member's is a note to them alone.
    let (id, sort) = listing.menu("Sort");
    let (mut i, token) = d.select(&id, &sort[1].1);
    i["member"]["user"]["id"] = json!(OTHER_USER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 6 })));
    let calls = d.calls_for(&token, 1).await;
    assert_eq!(calls[0].method, "POST");
    assert!(calls[0].ephemeral() && calls[0].shown().contains("someone else"), "{}", calls[0].shown());
    d.stop().await;
}

/// The choices an autocomplete answer offers: (name, value), checked against Discord's limits.
async fn suggested(d: &DiscordApp, user: &str, command: &str, option: &str, typed: &str) -> Vec<(String, String)> {
    let (status, answer) = d.post(&d.autocomplete(user, command, option, typed)).await;
    assert_eq!(status, 200);
    assert_eq!(invalid_autocomplete(&answer), None, "{answer}");
    let choices = answer["data"]["choices"].as_array().cloned().unwrap_or_default();
    choices.iter().map(|c| (c["name"].as_str().unwrap().to_owned(), c["value"].as_str().unwrap().to_owned())).collect()
}

fn values(choices: &[(String, String)]) -> BTreeSet<&str> {
    choices.iter().map(|(_, v)| v.as_str()).collect()
}

#[tokio::test]
async fn template_names_and_countries_are_suggested_while_typing() {
    let d = DiscordApp::start(Duration::from_secs(60)).await;
    assert!(suggested(&d, USER, "rent", "template", "").await.is_empty(), "no templates yet");
    let save = |name: &str, here: bool| {
        let mut options = vec![
            json!({ "name": "action", "type": 3, "value": "save" }),
            json!({ "name": "name", "type": 3, "value": name }),
            json!({ "name": "image", "type": 3, "value": "pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime" }),
        ];
        if here {
            options.push(json!({ "name": "here", "type": 5, "value": true }));
        }
        Value::Array(options)
    };
    for (user, name, here, permissions) in [
        (USER, "train-a100", false, MEMBER),
        (USER, "train-4090", false, MEMBER),
        (USER, "serve", false, MEMBER),
        (OTHER_USER, "train-other", false, MEMBER),
        (USER, "train-team", true, MANAGER),
    ] {
        let saved = d.run(user, "template", save(name, here), permissions).await;
        assert!(saved.shown().contains(name), "{name}: {}", saved.shown());
    }

    // The caller's templates and the channel's team templates containing what was typed;
    // never another member's own.
    let rent = suggested(&d, USER, "rent", "template", "train").await;
    assert_eq!(values(&rent), BTreeSet::from(["train-a100", "train-4090", "train-team"]));
    assert!(rent.iter().any(|(n, v)| v == "train-team" && n.contains("team template")), "{rent:?}");
    assert!(rent.iter().any(|(n, v)| v == "train-a100" && n.contains("pytorch/pytorch")), "{rent:?}");
    let all = suggested(&d, USER, "template", "name", "").await;
    assert_eq!(values(&all), BTreeSet::from(["train-a100", "train-4090", "train-team", "serve"]));
    assert_eq!(values(&suggested(&d, USER, "template", "name", "SER").await), BTreeSet::from(["serve"]));
    let other = suggested(&d, OTHER_USER, "rent", "template", "train").await;
    assert_eq!(values(&other), BTreeSet::from(["train-other", "train-team"]));

    // Countries after `cc=`: those with free servers the query before it finds, each
    // offered as the whole query; the same countries the listing's menu offers.
    let listing = d.run(USER, "gpus", query("4090"), MEMBER).await;
    let (_, menu) = listing.menu("Country");
    let in_menu: BTreeSet<String> = menu[1..].iter().map(|(l, _, _)| l[..2].to_owned()).collect();
    let typed = suggested(&d, USER, "gpus", "query", "4090 cc=").await;
    let codes: BTreeSet<String> =
        typed.iter().map(|(_, v)| v.strip_prefix("4090 cc=").unwrap_or_else(|| panic!("{v}")).to_owned()).collect();
    assert_eq!(codes, in_menu);
    assert!(typed.iter().all(|(n, v)| n.starts_with(v.as_str()) && n.contains("free")), "{typed:?}");
    let first = in_menu.iter().next().unwrap().chars().next().unwrap();
    let narrowed = suggested(&d, USER, "rent", "target", &format!("4090 cc={}", first.to_ascii_lowercase())).await;
    assert!(
        !narrowed.is_empty() && narrowed.iter().all(|(_, v)| v.starts_with(&format!("4090 cc={first}"))),
        "{narrowed:?}"
    );
    // Models are still suggested for a query without `cc=`.
    assert!(values(&suggested(&d, USER, "gpus", "query", "409").await).contains("RTX 4090"));
    d.stop().await;
}
