//! Values stored as TEXT and read back through their `TryFrom<String>`: what lets a checked
//! query name them as a column's type (`platform AS "platform: Platform"`). They are written
//! as their text by the caller (`platform.as_str()`, `currency.code()`), so no `Encode`.

/// Implements `sqlx::Type` (TEXT) and `sqlx::Decode` for `$t` through `TryFrom<String>`: a
/// stored value the type does not know fails the row's decoding, as `#[sqlx(try_from)]` did.
macro_rules! text_column {
    ($($t:ty),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Postgres> for $t {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <String as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $t {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<$t>::try_from(<String as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?)?)
            }
        }
    )+};
}

pub(crate) use text_column;

text_column!(super::Platform, super::ChatKind, super::Currency);
