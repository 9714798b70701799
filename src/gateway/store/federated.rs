//! People who signed in through an identity provider (`[[auth.oidc]]`): their identity name,
//! bound to the provider's (issuer, subject) at the first sign-in, and their latest groups.

use sqlx::Row;

use super::{Result, Store, encode_err};

/// A person known through an identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedIdentity {
    /// The hoopctl identity name.
    pub name: String,
    /// The `[[auth.oidc]]` provider's name.
    pub provider: String,
    /// The provider's issuer.
    pub issuer: String,
    /// The provider's subject (`sub`).
    pub subject: String,
    /// Email, when the provider gave one.
    pub email: Option<String>,
    /// Groups at the latest sign-in.
    pub groups: Vec<String>,
    /// When they last signed in (unix ms).
    pub signed_in_at: i64,
    /// Until when the provider vouches for those groups (unix ms).
    pub valid_until: i64,
}

/// Why a sign-in cannot be recorded under its name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingConflict {
    /// The name belongs to another account.
    #[error(
        "the name {name} already belongs to another account (of provider {provider}); an admin can free it with `hoopctl admin identities forget --identity {name}`"
    )]
    NameTaken {
        /// The name.
        name: String,
        /// Its provider.
        provider: String,
    },
    /// This account signed in before under another name (its username claim changed).
    #[error(
        "this account signed in before as {previous}; its username at the provider changed to {name}, \
         which the gateway does not follow on its own (an admin can free the old binding with \
         `hoopctl admin identities forget --identity {previous}`)"
    )]
    Renamed {
        /// The earlier name.
        previous: String,
        /// The new one.
        name: String,
    },
}

impl Store {
    /// Every federated identity (loaded at start; the gateway keeps them in memory).
    pub async fn federated_identities(&self) -> Result<Vec<FederatedIdentity>> {
        let rows = sqlx::query(
            "SELECT name, provider, issuer, subject, email, groups, signed_in_at, valid_until
             FROM federated_identities",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let groups: String = r.try_get("groups")?;
                Ok(FederatedIdentity {
                    name: r.try_get("name")?,
                    provider: r.try_get("provider")?,
                    issuer: r.try_get("issuer")?,
                    subject: r.try_get("subject")?,
                    email: r.try_get("email")?,
                    groups: serde_json::from_str(&groups)
                        .map_err(|e| super::StoreError(sqlx::Error::Decode(Box::new(e))))?,
                    signed_in_at: r.try_get("signed_in_at")?,
                    valid_until: r.try_get("valid_until")?,
                })
            })
            .collect()
    }

    /// Forgets a federated identity (its name is free to bind again).
    pub async fn delete_federated(&self, name: &str) -> Result<()> {
        sqlx::query("DELETE FROM federated_identities WHERE name = ?1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a sign-in: binds the name to the account on first sign-in, updates the groups
    /// after that. Refuses a name bound to another account, or an account bound to another
    /// name, without changing anything.
    pub async fn record_federated(
        &self,
        f: &FederatedIdentity,
    ) -> Result<std::result::Result<(), BindingConflict>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let by_name = sqlx::query(
            "SELECT provider, issuer, subject FROM federated_identities WHERE name = ?1",
        )
        .bind(&f.name)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = by_name {
            let (issuer, subject): (String, String) = (r.try_get(1)?, r.try_get(2)?);
            if issuer != f.issuer || subject != f.subject {
                return Ok(Err(BindingConflict::NameTaken {
                    name: f.name.clone(),
                    provider: r.try_get(0)?,
                }));
            }
        }
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT name FROM federated_identities WHERE issuer = ?1 AND subject = ?2",
        )
        .bind(&f.issuer)
        .bind(&f.subject)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(previous) = previous
            && previous != f.name
        {
            return Ok(Err(BindingConflict::Renamed {
                previous,
                name: f.name.clone(),
            }));
        }
        sqlx::query(
            "INSERT INTO federated_identities
               (name, provider, issuer, subject, email, groups, signed_in_at, valid_until)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (name) DO UPDATE SET provider = ?2, email = ?5, groups = ?6,
               signed_in_at = ?7, valid_until = ?8",
        )
        .bind(&f.name)
        .bind(&f.provider)
        .bind(&f.issuer)
        .bind(&f.subject)
        .bind(&f.email)
        .bind(serde_json::to_string(&f.groups).map_err(encode_err)?)
        .bind(f.signed_in_at)
        .bind(f.valid_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// A gateway login that came from a provider sign-in with a refresh token.
#[derive(Debug, Clone)]
pub struct FederatedLogin {
    /// The identity.
    pub name: String,
    /// The provider.
    pub provider: String,
    /// Its refresh token, sealed.
    pub refresh_sealed: Vec<u8>,
}

impl Store {
    /// Keeps the provider's (sealed) refresh token with an approved device code, until the code
    /// becomes a login.
    pub async fn attach_idp_refresh(
        &self,
        user_code: &str,
        provider: &str,
        sealed: &[u8],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE device_codes SET idp_provider = ?2, idp_refresh = ?3 WHERE user_code = ?1",
        )
        .bind(user_code)
        .bind(provider)
        .bind(sealed)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The provider and sealed refresh token a device code carries, if any.
    pub async fn device_idp_refresh(&self, device_hash: &str) -> Result<Option<(String, Vec<u8>)>> {
        let r = sqlx::query(
            "SELECT idp_provider, idp_refresh FROM device_codes
             WHERE device_code_hash = ?1 AND idp_refresh IS NOT NULL",
        )
        .bind(device_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match r {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    /// Records (or updates) the provider login behind a gateway login (`family`).
    pub async fn put_federated_login(&self, family: &str, l: &FederatedLogin) -> Result<()> {
        sqlx::query(
            "INSERT INTO federated_logins (family, name, provider, refresh_sealed, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (family) DO UPDATE SET refresh_sealed = ?4, updated_at = ?5",
        )
        .bind(family)
        .bind(&l.name)
        .bind(&l.provider)
        .bind(&l.refresh_sealed)
        .bind(crate::clock::now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The provider login behind a gateway login, if it has one.
    pub async fn federated_login(&self, family: &str) -> Result<Option<FederatedLogin>> {
        let r = sqlx::query(
            "SELECT name, provider, refresh_sealed FROM federated_logins WHERE family = ?1",
        )
        .bind(family)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match r {
            Some(r) => Some(FederatedLogin {
                name: r.try_get(0)?,
                provider: r.try_get(1)?,
                refresh_sealed: r.try_get(2)?,
            }),
            None => None,
        })
    }

    /// Forgets the provider login behind a gateway login.
    pub async fn delete_federated_login(&self, family: &str) -> Result<()> {
        sqlx::query("DELETE FROM federated_logins WHERE family = ?1")
            .bind(family)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
