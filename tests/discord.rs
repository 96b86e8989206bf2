//! The Discord front-end: real interaction shapes (tests/fixtures/discord, checked field by
//! field against serenity 0.12.5's model and Discord's docs) and the pieces that read them.

use serenity::model::application::{Interaction, InteractionType};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/discord/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn discord_interaction_fixtures_read_as_serenity_reads_them() {
    for (f, kind) in [
        ("ping", InteractionType::Ping),
        ("command", InteractionType::Command),
        ("command_dm", InteractionType::Command),
        ("component", InteractionType::Component),
        ("autocomplete", InteractionType::Autocomplete),
        ("modal", InteractionType::Modal),
    ] {
        let i: Interaction = serde_json::from_slice(&fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(i.kind(), kind, "{f}");
    }
}
