//! `POST /telegram/webhook`: Telegram's secret header is checked (in constant time) before
//! anything else; a body that does not parse is logged and acknowledged, so Telegram does
//! not send it again and again; an update is handed on and acknowledged at once — unless too
//! much work is waiting (`load`): then 503, and Telegram delivers it again later.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use secrecy::ExposeSecret;
use teloxide::types::{Update, UpdateKind};

use super::Telegram;

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
    let mut update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, bytes = body.len(), "a webhook body that is not a Telegram update; acknowledged and dropped");
            return StatusCode::OK;
        }
    };
    if let UpdateKind::Error(raw) = &mut update.kind {
        // teloxide leaves the unreadable part empty when it parses one update on its own.
        *raw = serde_json::from_slice(&body).unwrap_or_default();
    }
    tg.dispatch(update);
    StatusCode::OK
}

/// Compares without stopping at the first difference (the secret is not guessed by timing).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
