//! Requests that carry user input, checked against the API's documented limits before any
//! call is made, so a mistake is named precisely instead of coming back as a bare code 2.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use super::model::{Currency, ServerId};
use crate::t;
use crate::text::{ECHO_MAX, clip};

pub use super::public_key::check_ssh_key;

/// Input that breaks one of the API's rules; `field` names the offending field as the user
/// knows it, and `problem` (in the current language) says what is wrong with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ValidationError {
    pub field: &'static str,
    pub problem: String,
}

impl ValidationError {
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        ValidationError { field, problem: problem.into() }
    }
}

/// `ssh_password` and `jupyter_token`: at most 32 characters from this set.
pub const TOKEN_MAX: usize = 32;
/// An OpenSSH public key line: an 8192-bit RSA key with a comment fits.
pub const SSH_KEY_MAX: usize = 3072;
pub const ENV_TOTAL_MAX: usize = 12_000;
pub const ENV_NAME_MAX: usize = 128;
pub const ENV_VALUE_MAX: usize = 1536;
pub const PORTS_MAX: usize = 5;
pub const ISSUE_MAX: usize = 2048;
/// Docker limits a repository name to 255 characters; a reference with its tag fits here.
pub const IMAGE_MAX: usize = 255;
/// A saved SSH password shorter than this is refused: it guards a machine on the internet.
pub const PASSWORD_MIN: usize = 8;

fn token_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '\t' | '\n' | '\r' | '-' | '=' | '.' | '@' | '+' | '/')
}

/// Checks an SSH password or Jupyter token against the API's character rule.
pub fn check_token(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(field, t!("validate-empty")));
    }
    let n = value.chars().count();
    if n > TOKEN_MAX {
        return Err(ValidationError::new(field, t!("validate-too-long", n = n, max = TOKEN_MAX)));
    }
    if let Some(bad) = value.chars().find(|c| !token_char_ok(*c)) {
        // Never echo the secret itself, only the offending character class.
        let problem = if bad.is_ascii_graphic() {
            t!("validate-token-char", char = bad.to_string())
        } else {
            t!("validate-token-char-other")
        };
        return Err(ValidationError::new(field, problem));
    }
    Ok(())
}

/// A Docker image reference as `docker pull` reads it ([`super::image_ref`]: the
/// distribution/reference grammar), at most [`IMAGE_MAX`] characters; the error names the
/// part that breaks the grammar.
pub fn check_image(image: &str) -> Result<(), ValidationError> {
    use super::image_ref::Problem;
    let image = image.trim();
    if image.is_empty() {
        return Err(ValidationError::new("image", t!("validate-image-empty")));
    }
    let n = image.chars().count();
    if n > IMAGE_MAX {
        return Err(ValidationError::new("image", t!("validate-too-long", n = n, max = IMAGE_MAX)));
    }
    let ref_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '[' | ']');
    if !image.chars().all(ref_char) {
        return Err(ValidationError::new("image", t!("validate-image-bad")));
    }
    let problem = match super::image_ref::check(image) {
        Ok(()) => return Ok(()),
        Err(Problem::Component("")) => t!("validate-image-empty-part"),
        Err(Problem::Component(part)) => t!("validate-image-component", part = clip(part, ECHO_MAX)),
        Err(Problem::Registry(part)) => t!("validate-image-registry", part = clip(part, ECHO_MAX)),
        Err(Problem::Tag(part)) => t!("validate-image-tag", part = clip(part, ECHO_MAX)),
        Err(Problem::Digest(part)) => t!("validate-image-digest", part = clip(part, ECHO_MAX)),
    };
    Err(ValidationError::new("image", problem))
}

pub fn check_price(field: &'static str, value: f64) -> Result<(), ValidationError> {
    if !value.is_finite() {
        return Err(ValidationError::new(field, t!("validate-price-not-finite")));
    }
    if value <= 0.0 {
        return Err(ValidationError::new(field, t!("validate-price-not-positive")));
    }
    Ok(())
}

/// How a forwarded container port is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortProto {
    Tcp,
    Http,
}

impl PortProto {
    pub fn as_str(self) -> &'static str {
        match self {
            PortProto::Tcp => "tcp",
            PortProto::Http => "http",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderKind {
    /// `required_price`: refuse to start if the owner has changed the price since it was shown.
    OnDemand { required_price: Option<f64> },
    /// The bid per day.
    Spot { price: f64 },
}

/// A `create_order` request.
#[derive(Debug, Clone)]
pub struct CreateOrder {
    pub server_id: ServerId,
    pub image: String,
    pub currency: Currency,
    pub kind: OrderKind,
    pub ports: Vec<(u16, PortProto)>,
    pub env: BTreeMap<String, String>,
    pub jupyter_token: Option<SecretString>,
    pub ssh_key: Option<String>,
    pub ssh_password: Option<SecretString>,
    pub command: Option<String>,
    pub autossh_entrypoint: Option<bool>,
}

impl CreateOrder {
    /// A minimal on-demand order with SSH on port 22.
    pub fn on_demand(server_id: ServerId, image: impl Into<String>, currency: Currency) -> Self {
        CreateOrder {
            server_id,
            image: image.into(),
            currency,
            kind: OrderKind::OnDemand { required_price: None },
            ports: vec![(22, PortProto::Tcp)],
            env: BTreeMap::new(),
            jupyter_token: None,
            ssh_key: None,
            ssh_password: None,
            command: None,
            autossh_entrypoint: None,
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        check_image(&self.image)?;
        match self.kind {
            OrderKind::Spot { price } => check_price("spot price", price)?,
            OrderKind::OnDemand { required_price: Some(p) } => check_price("required_price", p)?,
            OrderKind::OnDemand { required_price: None } => {}
        }
        if self.ports.len() > PORTS_MAX {
            return Err(ValidationError::new(
                "ports",
                t!("validate-ports-too-many", n = self.ports.len(), max = PORTS_MAX),
            ));
        }
        if self.ports.iter().filter(|(_, p)| *p == PortProto::Http).count() > 1 {
            return Err(ValidationError::new("ports", t!("validate-ports-http")));
        }
        for (i, (port, _)) in self.ports.iter().enumerate() {
            if *port == 0 {
                return Err(ValidationError::new("ports", t!("validate-port-zero")));
            }
            if self.ports[..i].iter().any(|(p, _)| p == port) {
                return Err(ValidationError::new("ports", t!("validate-port-twice", port = port.to_string())));
            }
        }
        for (name, value) in &self.env {
            if name.is_empty() || name.chars().any(|c| c == '=' || c.is_whitespace() || c.is_control()) {
                return Err(ValidationError::new(
                    "env",
                    t!("validate-env-name-bad", name = name.escape_debug().to_string()),
                ));
            }
            if name.chars().count() > ENV_NAME_MAX {
                return Err(ValidationError::new(
                    "env",
                    t!("validate-env-name-long", name = format!("{name:.20}…"), max = ENV_NAME_MAX),
                ));
            }
            if value.chars().count() > ENV_VALUE_MAX {
                return Err(ValidationError::new(
                    "env",
                    t!("validate-env-value-long", name = name, max = ENV_VALUE_MAX),
                ));
            }
        }
        let stringified = serde_json::to_string(&self.env).map(|s| s.chars().count()).unwrap_or(usize::MAX);
        if stringified > ENV_TOTAL_MAX {
            return Err(ValidationError::new("env", t!("validate-env-total", n = stringified, max = ENV_TOTAL_MAX)));
        }
        if let Some(t) = &self.jupyter_token {
            check_token("jupyter_token", t.expose_secret())?;
        }
        if let Some(p) = &self.ssh_password {
            check_token("ssh_password", p.expose_secret())?;
        }
        if let Some(k) = &self.ssh_key {
            check_ssh_key(k)?;
        }
        Ok(())
    }

    /// The JSON body. Secrets are exposed here and only here, straight into the request.
    pub(crate) fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("currency".into(), json!(self.currency.api_name()));
        b.insert("image".into(), json!(self.image.trim()));
        b.insert("renting_server".into(), json!(self.server_id));
        match self.kind {
            OrderKind::OnDemand { required_price } => {
                b.insert("type".into(), json!("on-demand"));
                if let Some(p) = required_price {
                    b.insert("required_price".into(), json!(p));
                }
            }
            OrderKind::Spot { price } => {
                b.insert("type".into(), json!("spot"));
                b.insert("spotprice".into(), json!(price));
            }
        }
        if !self.ports.is_empty() {
            let ports: Map<String, Value> =
                self.ports.iter().map(|(p, proto)| (p.to_string(), json!(proto.as_str()))).collect();
            b.insert("ports".into(), Value::Object(ports));
        }
        if !self.env.is_empty() {
            b.insert("env".into(), json!(self.env));
        }
        if let Some(t) = &self.jupyter_token {
            b.insert("jupyter_token".into(), json!(t.expose_secret()));
        }
        if let Some(k) = &self.ssh_key {
            b.insert("ssh_key".into(), json!(k));
        }
        if let Some(p) = &self.ssh_password {
            b.insert("ssh_password".into(), json!(p.expose_secret()));
        }
        if let Some(c) = &self.command {
            b.insert("command".into(), json!(c));
        }
        if let Some(a) = self.autossh_entrypoint {
            b.insert("autossh_entrypoint".into(), json!(a));
        }
        Value::Object(b)
    }
}

/// Longest maximum rental length accepted (ten years); longer is surely a typo.
pub const MRL_MAX_HOURS: u64 = 24 * 365 * 10;

/// A host's `set_server_settings` request. Prices are per day, in the units Clore documents
/// for this endpoint (its examples are bitcoin amounts).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSettings {
    pub name: String,
    pub availability: bool,
    pub mrl_hours: u64,
    pub on_demand: f64,
    pub spot: f64,
}

impl ServerSettings {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.name.trim().is_empty() {
            return Err(ValidationError::new("name", t!("validate-server-name")));
        }
        if self.mrl_hours == 0 {
            return Err(ValidationError::new("mrl", t!("validate-mrl-zero")));
        }
        if self.mrl_hours > MRL_MAX_HOURS {
            return Err(ValidationError::new("mrl", t!("validate-mrl-long", max = MRL_MAX_HOURS)));
        }
        check_price("on_demand", self.on_demand)?;
        check_price("spot", self.spot)?;
        Ok(())
    }

    pub(crate) fn body(&self) -> Value {
        json!({
            "name": self.name,
            "availability": self.availability,
            "mrl": self.mrl_hours,
            "on_demand": self.on_demand,
            "spot": self.spot,
        })
    }
}

pub fn check_issue(issue: &str) -> Result<(), ValidationError> {
    let n = issue.chars().count();
    if n > ISSUE_MAX {
        return Err(ValidationError::new("issue", t!("validate-too-long", n = n, max = ISSUE_MAX)));
    }
    if issue.trim().is_empty() {
        return Err(ValidationError::new("issue", t!("validate-issue-empty")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, sync_scope};

    #[test]
    fn problems_are_in_the_current_language() {
        let long = "x".repeat(33);
        assert_eq!(check_token("password", &long).unwrap_err().problem, "is 33 characters; at most 32 allowed");
        let ru = sync_scope(Lang::Ru, || check_token("password", &long).unwrap_err());
        assert_eq!(ru.problem, "33 символа; допускается не более 32");
        assert_eq!(ru.to_string(), "password: 33 символа; допускается не более 32");
        let de = sync_scope(Lang::De, || check_image(" ").unwrap_err());
        assert_eq!((de.field, de.problem.as_str()), ("image", "muss ein Docker-Image nennen"));
        let s = ServerSettings {
            name: "n".into(),
            availability: true,
            mrl_hours: MRL_MAX_HOURS + 1,
            on_demand: 1.0,
            spot: 1.0,
        };
        let ru = sync_scope(Lang::Ru, || s.validate().unwrap_err());
        assert_eq!(ru.problem, "должно быть не больше 87\u{202F}600 часов (десять лет)");
    }
}
