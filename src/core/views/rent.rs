//! What renting reads like: the answers to an attempt, an order with its SSH lines, a
//! generated password. Built here once for `/rent` and for the alert engine (auto-rent,
//! reconciliation, order alerts) alike.

use secrecy::SecretString;

use crate::clore::{Order, ServerId};
use crate::core::Reply;
use crate::domain::format::per_day;
use crate::services::rent::{Login, RentPlan};
use crate::store::intents::{Intent, Status};
use crate::t;

/// The answer to an attempt whose outcome Clore left unclear.
pub fn unclear_text(server: ServerId) -> String {
    t!("rent-unclear", server = server.to_string())
}

/// The answer when an earlier attempt on the same server is still open.
pub fn busy_text(server: ServerId, open: Option<&Intent>) -> String {
    match open {
        Some(i) => t!("rent-busy-since", server = server.to_string(), time = crate::i18n::time(i.created_at)),
        None => t!("rent-busy", server = server.to_string()),
    }
}

/// What an attempt came to when reconciliation settled it first (and told its owner).
pub fn settled_text(i: &Intent) -> String {
    match (i.status, i.order_id) {
        (Status::Made, Some(o)) => {
            t!("rent-settled-made", order = o.to_string(), server = i.server_id.to_string())
        }
        (Status::Absent | Status::Refused, _) => t!("rent-settled-not-made", server = i.server_id.to_string()),
        _ => unclear_text(ServerId::from_db(i.server_id)),
    }
}

/// "Order N is running…" with its endpoints, plus a private note with a generated password.
pub fn rented_replies(plan: &RentPlan, order: Option<&Order>, login: Login) -> Vec<Reply> {
    let c = plan.currency;
    let mut out = Vec::new();
    let (server, gpu, price) = (plan.server.to_string(), plan.gpu.as_str(), per_day(plan.price, c));
    let mut r = Reply::titled(match order.map(|o| o.id.to_string()) {
        Some(order) if plan.spot => t!("rent-running-spot", order = order, server = server, gpu = gpu, price = price),
        Some(order) => t!("rent-running", order = order, server = server, gpu = gpu, price = price),
        None => t!("rent-accepted", server = server, gpu = gpu, price = price),
    });
    if let Some(o) = order {
        if o.endpoints_ready() {
            for line in endpoint_lines(o) {
                r = r.with_code(line);
            }
        } else {
            r = r.with_text(t!("rent-endpoints-pending"));
        }
    }
    out.push(r);
    if let Login::Generated(p) = login {
        let label = match order {
            Some(o) => t!("rent-password-for-order", order = o.id.to_string()),
            None => t!("rent-password-for-server", server = plan.server.to_string()),
        };
        out.push(password_reply(label, &p));
    }
    out
}

/// A generated password under `label` ("SSH password for order 57").
pub fn password_reply(label: String, p: &SecretString) -> Reply {
    Reply::default().with_secret(label, p.clone()).with_text(t!("rent-password-once"))
}

/// `ssh root@host -p 10022` and `https://…` lines of an order.
pub fn endpoint_lines(o: &Order) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((host, port)) = o.ssh_endpoint() {
        out.push(format!("ssh root@{host} -p {port}"));
    }
    if let Some(h) = &o.http_pub {
        out.push(format!("https://{h}"));
    }
    if let Some(host) = o.pub_cluster.first() {
        for f in o.port_forwards().into_iter().filter(|f| f.container != 22) {
            let (port, public) = (f.container.to_string(), f.public.to_string());
            out.push(t!("rent-port-forward", port = port, host = host.as_str(), public = public));
        }
    }
    out
}
