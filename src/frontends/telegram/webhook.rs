//! `POST /telegram/webhook`: Telegram's secret header is checked (in constant time) before
//! anything else; a body that does not parse is logged and acknowledged, so Telegram does
//! not send it again and again; an update is recorded in the inbox, handed on and acknowledged
//! — unless too much work is waiting (`load`): then 503, and Telegram delivers it again later.

use std::sync::Arc;

use super::{Telegram, inbox};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use secrecy::ExposeSecret;

pub const PATH: &str = "/telegram/webhook";
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub fn router(tg: Arc<Telegram>) -> Router {
    Router::new().route(PATH, post(receive)).with_state(tg)
}

async fn receive(State(tg): State<Arc<Telegram>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same(given, tg.webhook_secret.expose_secret().as_bytes()) {
        tracing::info!("webhook request without the right secret header; refused");
        return StatusCode::UNAUTHORIZED;
    }
    if tg.me().is_none() {
        // Still starting: Telegram will deliver it again shortly.
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    if tg.overloaded() {
        // Too much work waiting: Telegram keeps the update and delivers it again later.
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let update = match inbox::read(&body) {
        Ok(u) => u,
        Err(e) => {
            let keys = inbox::top_level_keys(&body);
            tracing::warn!(error = %e, bytes = body.len(), ?keys, "a webhook body that is not a Telegram update; acknowledged and dropped");
            return StatusCode::OK;
        }
    };
    // Recorded before the 200: unrecorded, Telegram is asked to deliver it again.
    match tg.record(&[(update.id.0, String::from_utf8_lossy(&body).into_owned())]).await {
        Ok(fresh) if fresh.is_empty() => tracing::debug!(update = update.id.0, "update seen already; dropped"),
        Ok(_) if tg.may_start() => tg.dispatch(update),
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "could not record an update; Telegram will deliver it again");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    StatusCode::OK
}

/// Compares without stopping at the first difference (the secret is not guessed by timing).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
