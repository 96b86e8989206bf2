//! The numbers of clorebot's own rows: users, chats, watches, alerts, rent attempts.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A row of `users`: one person on one platform.
    UserId
);
id_type!(
    /// A row of `chats`.
    ChatId
);
id_type!(
    /// A row of `watches`; the number users see in `/watches` and type in `/unwatch`.
    WatchId
);
id_type!(
    /// A row of `outbox`.
    OutboxId
);
id_type!(
    /// A row of `rent_intents`: one attempt to create an order.
    IntentId
);
id_type!(
    /// A row of `rent_templates`: a saved way to rent (`/template save`).
    TemplateId
);
