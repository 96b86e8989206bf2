//! Help text: one table that every front-end shows (`/help`, Telegram's command menu,
//! Discord's slash-command descriptions) and that parse errors quote for usage.

pub struct CommandHelp {
    pub name: &'static str,
    pub usage: &'static str,
    /// One line, at most 100 characters (Discord's limit for command descriptions).
    pub summary: &'static str,
    pub details: &'static str,
}

pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp { name: "start", usage: "/start", summary: "What clorebot does and how to begin", details: "" },
    CommandHelp { name: "help", usage: "/help [command]", summary: "All commands, or the details of one", details: "" },
    CommandHelp {
        name: "key",
        usage: "/key set <api key> · /key remove · /key",
        summary: "Store, remove or check your Clore API key (private chat only)",
        details: "Get a key at clore.ai → Profile → API. It is checked with Clore, stored encrypted, and \
                  shown back only as a fingerprint. Never send it in a group: the message is deleted and refused.",
    },
    CommandHelp {
        name: "gpus",
        usage: "/gpus [query]",
        summary: "Search the marketplace (no key needed)",
        details: "Query terms, in any order:\n\
                  • a model: 4090, a100, \"rtx 3090\"\n\
                  • x2 or 2x: at least 2 GPUs\n\
                  • <5 or max=5: price per day at most 5\n\
                  • field op value with = != < <= > >= or in [a,b]: gpus, price, ram, vram, cpus, down, up, \
                  cc, reliability, rating, mrl (hours), cuda — e.g. ram>=64 cc in [DE,NL] cuda>=12.2\n\
                  • spot or ondemand, currency=usd|clore|btc, sort=price|-gpus|…, limit=N, all (include rented)",
    },
    CommandHelp {
        name: "history",
        usage: "/history <query> [24h|7d|30d]",
        summary: "A price chart of a GPU model: cheapest and median free price, free servers",
        details: "From what every market poll records, in USD per day: hourly over 24h, every six hours \
                  over 7d (the default), daily over 30d — e.g. /history 4090 30d, /history \"rtx 3090\" 24h.",
    },
    CommandHelp {
        name: "spend",
        usage: "/spend [7d|30d]",
        summary: "What your orders cost per day: a chart and a table by order",
        details: "Counts the orders clorebot follows for you (rented with it or seen on your account): \
                  each order's price for the time it ran each day, plus its creation fee on the day it began.",
    },
    CommandHelp {
        name: "server",
        usage: "/server <id>",
        summary: "One server's specs, prices and spot market",
        details: "",
    },
    CommandHelp {
        name: "rent",
        usage: "/rent <id or query> [image=…] [spot=<price>] [ports=22:tcp,8888:http] [env K=V]… [currency=usd|clore|btc]",
        summary: "Rent a server (a query picks the cheapest free match); asks to confirm",
        details: "Shows the price and asks you to confirm; the order is made at exactly that price or not \
                  at all. SSH uses your saved key or password (/settings), or a new password shown only to you.",
    },
    CommandHelp {
        name: "orders",
        usage: "/orders [all]",
        summary: "Your active orders (or all) with SSH and HTTP endpoints",
        details: "",
    },
    CommandHelp {
        name: "cancel",
        usage: "/cancel <order id> [issue text]",
        summary: "Cancel an order, optionally reporting a problem with the server",
        details: "",
    },
    CommandHelp {
        name: "spotprice",
        usage: "/spotprice <order id> <price per day>",
        summary: "Change the bid of a spot order",
        details: "Clore lowers a bid at most one step at a time and at most once every 10 minutes.",
    },
    CommandHelp {
        name: "wallets",
        usage: "/wallets",
        summary: "Your balances and deposit addresses (shown privately)",
        details: "",
    },
    CommandHelp {
        name: "watch",
        usage: "/watch <query> [max=<price>] [once] [here] [cooldown=30m] [autorent [max_orders=N] [daily_cap=X] [keep]]",
        summary: "Get an alert when a matching server becomes available",
        details: "• once: alert once, then stop\n\
                  • here: a team watch that alerts this group or channel (admins only)\n\
                  • cooldown: quiet time after each alert\n\
                  • autorent: rent the cheapest match with your key, within max price, max_orders \
                  (default 1) and daily_cap: what its orders may cost in any 24 hours, creation fees \
                  included (default: max_orders × (max price + fee)); stops after renting unless keep",
    },
    CommandHelp { name: "watches", usage: "/watches", summary: "Your watches (in a group: the team's)", details: "" },
    CommandHelp { name: "unwatch", usage: "/unwatch <watch id>", summary: "Delete a watch", details: "" },
    CommandHelp {
        name: "snooze",
        usage: "/snooze <watch id> <duration|off>",
        summary: "Silence a watch for a while (30m, 2h, 1d; at most 30d)",
        details: "",
    },
    CommandHelp {
        name: "myservers",
        usage: "/myservers",
        summary: "Hosts: your servers, their status and pricing",
        details: "",
    },
    CommandHelp {
        name: "hostset",
        usage: "/hostset <server name> [on|off] [mrl=<hours>] [price=<btc/day>] [spot=<btc/day>]",
        summary: "Hosts: change a server's availability, max rental length or prices",
        details: "Prices are in BTC per day, as Clore's API takes them; what you leave out stays as it is.",
    },
    CommandHelp {
        name: "settings",
        usage: "/settings [currency=usd|clore|btc] [image=<docker image>] [sshkey=\"<public key>\"|none] [password=<ssh password>|none] [locale=<code>]",
        summary: "Your defaults: display currency, image, SSH key or password",
        details: "The SSH password is stored encrypted and may only be set in a private chat.",
    },
];

pub fn find(name: &str) -> Option<&'static CommandHelp> {
    let name = name.trim().trim_start_matches('/').to_ascii_lowercase();
    COMMANDS.iter().find(|c| c.name == name)
}

pub fn usage(name: &str) -> &'static str {
    find(name).map(|c| c.usage).unwrap_or("/help")
}

/// `/help`: every command with its one-line summary.
pub fn overview() -> String {
    let mut out = String::from("Commands:\n");
    for c in COMMANDS {
        out.push_str(&format!("/{} — {}\n", c.name, c.summary));
    }
    out.push_str("\n/help <command> for details.");
    out
}

/// `/help <command>`.
pub fn detail(c: &CommandHelp) -> String {
    let mut out = format!("{}\n{}", c.usage, c.summary);
    if !c.details.is_empty() {
        out.push_str("\n\n");
        out.push_str(c.details);
    }
    out
}

pub const START: &str = "clorebot rents GPUs on the Clore.ai marketplace from this chat.\n\n\
1. /gpus 4090 — search the market (no key needed)\n\
2. /key set <your Clore API key> — in a private chat with me; stored encrypted\n\
3. /rent <server id> — rent with one confirmation; /orders shows SSH details\n\
4. /watch 4090 max=4 — get an alert when a cheap one appears\n\n\
/help lists everything.";
