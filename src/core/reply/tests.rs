//! The reply model's tests: button rows and menus, splitting, link buttons, secrets kept out.

use super::*;

#[test]
fn buttons_fill_rows_of_five_and_stop_at_five_rows() {
    let mut r = Reply::text("x");
    for i in 0..27 {
        r = r.with_button(format!("b{i}"), ButtonStyle::Primary, format!("t{i}"));
    }
    assert_eq!(r.rows.len(), MAX_ROWS);
    assert!(r.rows.iter().all(|row| row.len() == MAX_ROW));
    assert_eq!(r.buttons().count(), 25);
}

#[test]
fn menus_share_the_rows_with_buttons() {
    let option = |i: usize| MenuOption { label: format!("o{i}"), token: format!("t{i}"), default: i == 0 };
    let menu = |n: usize| Menu { placeholder: "Sort…".into(), options: (0..n).map(option).collect() };
    let mut r = Reply::text("x").with_menu(menu(30)).with_menu(menu(0));
    assert_eq!((r.menus.len(), r.menus[0].options.len(), r.rows_left()), (1, MAX_OPTIONS, MAX_ROWS - 1));
    for i in 0..30 {
        r = r.with_button(format!("b{i}"), ButtonStyle::Primary, format!("b{i}"));
    }
    assert_eq!(r.rows.len(), MAX_ROWS - 1);
    let full = r.clone().with_menu(menu(2));
    assert_eq!(full.menus.len(), 1, "no row was left for a second menu");
    // Menus go with the last part of a long reply, as buttons do, and are stored.
    let long = Reply::text("y".repeat(5000)).with_menu(menu(3));
    let parts = long.split(2000);
    assert!(parts[..parts.len() - 1].iter().all(|p| p.menus.is_empty()));
    assert_eq!(parts.last().unwrap().menus, long.menus);
    let back: Reply = serde_json::from_value(serde_json::to_value(&long).unwrap()).unwrap();
    assert_eq!(back, long);
    assert!(serde_json::to_value(Reply::text("z")).unwrap().get("menus").is_none());
}

#[test]
fn split_cuts_at_line_boundaries_and_keeps_buttons_last() {
    let lines: Vec<String> = (0..300).map(|i| format!("#{i:04} 1× RTX 4090  $3.60/day  FI")).collect();
    let r = Reply::titled("Your orders").with_text(lines.join("\n")).with_button(
        "Next ▸",
        ButtonStyle::Secondary,
        "n".into(),
    );
    let parts = r.split(2000);
    assert!(parts.len() > 1);
    for p in &parts {
        assert!(p.plain_text().chars().count() <= 2000, "{}", p.plain_text().chars().count());
    }
    let joined: Vec<String> = parts.iter().map(|p| p.plain_text()).collect();
    let all = joined.join("\n");
    for l in &lines {
        assert!(all.lines().any(|x| x == l), "line {l} was cut");
    }
    assert!(parts[..parts.len() - 1].iter().all(|p| p.rows.is_empty()));
    assert_eq!(parts.last().unwrap().rows.len(), 1);
    assert!(joined[0].starts_with("Your orders\n#0000"));
    let one_line = Reply::text("y".repeat(5000)).split(2000);
    assert_eq!(one_line.iter().map(|p| p.plain_text().chars().count()).collect::<Vec<_>>(), vec![2000, 2000, 1000]);
}

#[test]
fn link_buttons_store_and_read_and_old_buttons_read_as_presses() {
    let r = Reply::text("#7 is cheap")
        .with_button("Rent #7", ButtonStyle::Primary, "t".into())
        .with_link("Rent #7 privately", Link::Rent(crate::clore::ServerId(7)))
        .with_row(vec![Button::link("Watch it myself", Link::Watch(crate::domain::WatchId(3)))])
        .with_copy("BTC deposit address", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    let stored = serde_json::to_value(&r).unwrap();
    assert_eq!(stored["rows"][0][1]["link"], serde_json::json!({ "rent": 7 }));
    assert!(stored["rows"][0][0].get("link").is_none(), "a press stores as it always did");
    assert_eq!(serde_json::from_value::<Reply>(stored).unwrap(), r);
    // A row stored before links existed.
    let old = serde_json::json!({ "blocks": [{ "type": "text", "value": "hi" }],
        "rows": [[{ "label": "Rent #7", "style": "primary", "token": "t" }]] });
    let back: Reply = serde_json::from_value(old).unwrap();
    assert_eq!(back.rows, vec![vec![Button::press("Rent #7", ButtonStyle::Primary, "t".into())]]);
    // Without links: the press alone; a row of links only is gone.
    assert_eq!(r.pressable_rows(), vec![vec![Button::press("Rent #7", ButtonStyle::Primary, "t".into())]]);
    assert!(r.plain_text().ends_with("BTC deposit address: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"));
}

#[test]
fn a_secret_never_serializes_nor_shows_in_debug() {
    let r = Reply::text("Your order is ready.").with_secret("SSH password", SecretString::from("hunter2-xyz"));
    assert_eq!(r.visibility, Visibility::Private);
    assert!(serde_json::to_value(&r).is_err());
    assert!(!format!("{r:?}").contains("hunter2"));
    assert!(!r.redacted_text().contains("hunter2"));
    assert!(r.plain_text().ends_with("SSH password: hunter2-xyz"));
    let plain = Reply::text("hi").with_button("Rent #1", ButtonStyle::Primary, "tok".into());
    let back: Reply = serde_json::from_value(serde_json::to_value(&plain).unwrap()).unwrap();
    assert_eq!(back, plain);
}
