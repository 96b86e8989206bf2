//! Lenient serde helpers for the live API's loose typing: numbers that arrive as int, float
//! or string, strings that arrive as numbers, `null` where a value is usually present.

use serde::{Deserialize, Deserializer, de::Error};
use serde_json::Value;

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// An optional number: int, float or numeric string; `null`, absent or junk become `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(number_of))
}

/// An optional whole number that may arrive as a float (`72.0`) or a string.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref()
        .and_then(number_of)
        .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f <= u64::MAX as f64)
        .map(|f| f as u64))
}

/// Like [`opt_u64`] but signed (timestamps).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(number_of).filter(|f| f.fract() == 0.0 && f.abs() <= i64::MAX as f64).map(|f| f as i64))
}

/// A required id: a whole number, possibly sent as a float or a string.
pub fn id<'de, D: Deserializer<'de>, T: From<u64>>(d: D) -> Result<T, D::Error> {
    opt_u64(d)?.map(T::from).ok_or_else(|| D::Error::custom("expected a whole-number id"))
}

/// Like [`id`], absent or unreadable as `None`.
pub fn opt_id<'de, D: Deserializer<'de>, T: From<u64>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(opt_u64(d)?.map(T::from))
}

/// A boolean that may be `null`/absent (→ false), `0`/`1`, or `"true"`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_flag(d)?.unwrap_or(false))
}

pub fn opt_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => n.as_f64().map(|f| f != 0.0),
        Some(Value::String(s)) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        // `gigaspot` is sometimes an object: present means on.
        Some(Value::Object(_)) => Some(true),
        _ => None,
    })
}

/// A string that may arrive as a number (`"http_port": 8888`).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A list of strings, flattening nested lists, trimming entries and dropping non-strings;
/// `null` or absent → empty.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    fn walk(v: Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => {
                let t = s.trim();
                if !t.is_empty() {
                    out.push(t.to_owned());
                }
            }
            Value::Number(n) => out.push(n.to_string()),
            Value::Array(items) => items.into_iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(v) = Option::<Value>::deserialize(d)? {
        walk(v, &mut out);
    }
    Ok(out)
}

/// A list of numbers (`pl`), ignoring entries that are not numbers.
pub fn number_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Array(items)) => items.iter().filter_map(number_of).collect(),
        Some(other) => number_of(&other).into_iter().collect(),
        None => Vec::new(),
    })
}

/// Any value, kept as it came, or `None` for `null`/absent (for fields whose shape drifts:
/// `autoprice`, `usd_pricing`, `stock_oc`).
pub fn loose<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.filter(|v| !v.is_null()))
}

/// A nested object decoded leniently: anything that is not an object of the expected shape
/// becomes `None` instead of failing the whole answer.
pub fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(v @ Value::Object(_)) => serde_json::from_value(v).ok(),
        _ => None,
    })
}

/// A required string that may arrive as a number.
pub fn required_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| D::Error::custom("expected a string"))
}
