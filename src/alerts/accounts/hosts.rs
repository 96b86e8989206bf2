//! Host server alerts: a hosted server going offline or coming back online, and being
//! rented or freed, each change told once.

use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::core::Reply;
use crate::store::hosts::{self, HostServer};
use crate::store::users::User;
use crate::t;

impl Engine {
    pub(super) async fn check_hosts(&self, user: &User, servers: &[crate::clore::HostServer]) -> anyhow::Result<usize> {
        let stamp = self.deps.clock.now().timestamp();
        let mut sent = 0;
        for s in servers {
            let (Some(online), rented) = (s.online, s.rented.unwrap_or(false)) else { continue };
            let now = HostServer { name: s.name.clone(), server_id: s.id.map(|i| i as i64), online, rented };
            let mut tx = self.deps.pool.begin().await?;
            let before = hosts::observe_host_server(&mut *tx, user.id, &now).await?;
            // Each change: its word in the dedup key, and the alert in the user's language.
            let mut changes: Vec<(&str, String)> = Vec::new();
            if let Some(b) = &before {
                let name = s.name.as_str();
                crate::i18n::sync_scope(user.lang(), || {
                    if b.online != online {
                        changes.push(if online {
                            ("online", t!("alerts-host-online", name = name))
                        } else {
                            ("offline", t!("alerts-host-offline", name = name))
                        });
                    }
                    if b.rented != rented {
                        changes.push(if rented {
                            ("rented", t!("alerts-host-rented", name = name))
                        } else {
                            ("free", t!("alerts-host-free", name = name))
                        });
                    }
                });
            }
            for (change, text) in changes {
                let key = format!("host:{}:{}:{change}:{stamp}", user.id, s.name);
                sent +=
                    enqueue_private(&mut tx, user, &key, Reply::text(text), Urgency::MayWait(self.deps.clock.now()))
                        .await?;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }
}
