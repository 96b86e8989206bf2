//! One error type for everything a Clore call can end in: the API's codes 1–6 (with the
//! code-6 sub-errors and their data), HTTP-level failures, transport failures and answers
//! that do not decode. No variant ever holds an API key.

use std::time::Duration;

use serde_json::Value;

use super::model::ServerId;
use super::validate::ValidationError;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum CloreError {
    /// Code 1. Transient on Clore's side.
    #[error("Clore reported a database error on {endpoint}")]
    Database { endpoint: &'static str },
    /// Code 2.
    #[error("Clore rejected the input to {endpoint}{}", fmt_detail(.detail))]
    InvalidInput { endpoint: &'static str, detail: Option<String> },
    /// Code 3 or HTTP 401.
    #[error("the Clore API key was refused (invalid or revoked)")]
    InvalidKey,
    /// Code 4.
    #[error("Clore does not know the endpoint {endpoint}")]
    InvalidEndpoint { endpoint: &'static str },
    /// Code 5 or HTTP 429, still there after the retries allowed.
    #[error("Clore's rate limit was hit on {endpoint} (1 request/s per key, create_order 1 per 5 s)")]
    RateLimited { endpoint: &'static str },
    /// Code 6 `exceeded_max_step`: the lowest price the bid may currently be lowered to.
    #[error("the spot price can't be lowered that far at once; the lowest allowed now is {max_step}")]
    ExceededMaxStep { max_step: f64 },
    /// Code 6 `can_lower_every_600_seconds`.
    #[error("a spot price can be lowered once every 600 s; next possible in {time_to_lowering:.0} s")]
    CanLowerEvery600Seconds { time_to_lowering: f64 },
    #[error("not enough balance in the wallet for this order")]
    NotEnoughBalance,
    #[error("that server is already rented")]
    ServerAlreadyRented,
    #[error("that server is offline")]
    ServerOffline,
    #[error("the price offered is too low for that server")]
    TooLowPrice,
    #[error("the server's owner does not accept that currency")]
    CurrencyNotAllowed,
    /// Code 6 with an `error` string we do not know, kept as sent.
    #[error("Clore refused the request on {endpoint}: {error}")]
    Refused { endpoint: &'static str, error: String },
    /// A `code` outside 0–6.
    #[error("Clore answered {endpoint} with unknown code {code}{}", fmt_detail(.detail))]
    UnknownCode { endpoint: &'static str, code: i64, detail: Option<String> },
    /// A non-2xx status whose body carried no usable `code`.
    #[error("Clore answered {endpoint} with HTTP {status}: {excerpt}")]
    Http { endpoint: &'static str, status: u16, excerpt: String },
    #[error("Clore did not answer {endpoint} within {}s", .after.as_secs())]
    Timeout { endpoint: &'static str, after: Duration },
    /// `connect` is true when no connection was made, so the request surely never arrived.
    #[error("could not reach Clore for {endpoint}: {detail}")]
    Transport { endpoint: &'static str, detail: String, connect: bool },
    #[error("Clore's answer to {endpoint} could not be read ({detail}); it began: {excerpt}")]
    Decode { endpoint: &'static str, detail: String, excerpt: String },
    /// Rejected before any call was made.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// `create_order` failed in a way that leaves it unknown whether the order exists, and
    /// `my_orders` could not settle it either. The user must look before trying again.
    #[error(
        "it is unclear whether the order on server {server_id} was created ({cause}); check /orders before renting again"
    )]
    CreateOrderUncertain { server_id: ServerId, cause: Box<CloreError> },
}

fn fmt_detail(d: &Option<String>) -> String {
    d.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
}

impl CloreError {
    /// Worth trying again after a pause: Clore's database hiccups, rate limits, 5xx, timeouts
    /// and dropped connections.
    /// A short fixed name for metrics (`clorebot_clore_calls_total{result=…}`).
    pub fn label(&self) -> &'static str {
        match self {
            CloreError::Database { .. } => "database",
            CloreError::InvalidInput { .. } => "invalid_input",
            CloreError::InvalidKey => "invalid_key",
            CloreError::InvalidEndpoint { .. } => "invalid_endpoint",
            CloreError::RateLimited { .. } => "rate_limited",
            CloreError::ExceededMaxStep { .. }
            | CloreError::CanLowerEvery600Seconds { .. }
            | CloreError::NotEnoughBalance
            | CloreError::ServerAlreadyRented
            | CloreError::ServerOffline
            | CloreError::TooLowPrice
            | CloreError::CurrencyNotAllowed
            | CloreError::Refused { .. } => "refused",
            CloreError::UnknownCode { .. } => "unknown_code",
            CloreError::Http { .. } => "http_error",
            CloreError::Timeout { .. } => "timeout",
            CloreError::Transport { .. } => "transport",
            CloreError::Decode { .. } => "malformed",
            CloreError::Invalid(_) => "invalid_request",
            CloreError::CreateOrderUncertain { .. } => "uncertain",
        }
    }

    pub fn is_transient(&self) -> bool {
        match self {
            CloreError::Database { .. }
            | CloreError::RateLimited { .. }
            | CloreError::Timeout { .. }
            | CloreError::Transport { .. } => true,
            CloreError::Http { status, .. } => *status >= 500 || *status == 408,
            _ => false,
        }
    }

    /// Whether a failed `create_order` may nonetheless have created the order: the request
    /// may have reached Clore and been acted on before the failure was seen.
    pub fn may_have_acted(&self) -> bool {
        match self {
            CloreError::Database { .. } | CloreError::Timeout { .. } | CloreError::Decode { .. } => true,
            CloreError::Http { status, .. } => *status >= 500,
            // A refused connection never reached Clore; a reset mid-answer may have.
            CloreError::Transport { connect, .. } => !connect,
            _ => false,
        }
    }

    /// Maps an answer's `code` (and code 6's `error` with its data) to an error; `None` for 0.
    pub(crate) fn from_code(endpoint: &'static str, code: i64, body: &Value) -> Option<CloreError> {
        let text = body.get("error").or_else(|| body.get("message")).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        });
        let num = |field: &str| {
            body.get(field).and_then(|v| match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
        };
        Some(match code {
            0 => return None,
            1 => CloreError::Database { endpoint },
            2 => CloreError::InvalidInput { endpoint, detail: text },
            3 => CloreError::InvalidKey,
            4 => CloreError::InvalidEndpoint { endpoint },
            5 => CloreError::RateLimited { endpoint },
            6 => match text.as_deref() {
                Some("exceeded_max_step") => match num("max_step") {
                    Some(max_step) => CloreError::ExceededMaxStep { max_step },
                    None => CloreError::Refused { endpoint, error: "exceeded_max_step".into() },
                },
                Some("can_lower_every_600_seconds") => {
                    CloreError::CanLowerEvery600Seconds { time_to_lowering: num("time_to_lowering").unwrap_or(600.0) }
                }
                Some("not_enough_balance") => CloreError::NotEnoughBalance,
                Some("server-already-rented") => CloreError::ServerAlreadyRented,
                Some("server-offline") => CloreError::ServerOffline,
                Some("too_low_price") => CloreError::TooLowPrice,
                Some("currency-not-allowed") => CloreError::CurrencyNotAllowed,
                Some(other) => CloreError::Refused { endpoint, error: other.to_owned() },
                None => CloreError::Refused { endpoint, error: "unspecified error".into() },
            },
            other => CloreError::UnknownCode { endpoint, code: other, detail: text },
        })
    }
}
