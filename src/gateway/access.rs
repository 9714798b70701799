//! Record-level access accounting: which sessions received which record of a PHI table.
//!
//! Tables tagged `phi` may declare a key column (`[connections.X.tables."public.patients"]
//! key = "mrn"`). Whenever a result set a session receives holds that column — found through
//! the RowDescription's column sources, so aliases and views count — each value is stored as a
//! keyed hash with the session and the statement that returned it first. `hoopctl audit
//! who-accessed` hashes the key it is asked about the same way and finds the sessions.
//!
//! The hash is HMAC-SHA-256 under the gateway's access key (`access-key` in the data dir,
//! created on first start) over connection, table and value, truncated to 16 bytes: the store
//! never holds a key value, and without the access key its hashes cannot be tested against a
//! list of likely MRNs. Values are hashed before masking (the key column may well be masked).

use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The access key's file in the data dir.
pub const KEY_FILE: &str = "access-key";

/// Bytes of a stored access hash.
pub const HASH_LEN: usize = 16;

/// A stored access hash.
pub type KeyHash = [u8; HASH_LEN];

/// The access key.
pub struct AccessKey([u8; 32]);

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKey(..)")
    }
}

impl AccessKey {
    /// Loads `<data_dir>/access-key`, creating it (owner-only) on first start.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<AccessKey> {
        let path = data_dir.join(KEY_FILE);
        let bytes = crate::gateway::chain::key_file(&path)?;
        let k: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            anyhow::anyhow!(
                "{} is not a 32-byte access key (restore it from backup: without it, recorded accesses cannot be looked up)",
                path.display()
            )
        })?;
        Ok(AccessKey(k))
    }

    /// The stored hash of `value` (text, as PostgreSQL prints it) of `table`'s key.
    pub fn hash(&self, connection: &str, table: &str, value: &[u8]) -> KeyHash {
        self.hasher(connection, table).hash(value)
    }

    /// A hasher for one table's keys, with the connection and table already absorbed (the
    /// proxy hashes every key value of a result: this halves the work per value).
    pub fn hasher(&self, connection: &str, table: &str) -> TableHasher {
        // HMAC takes keys of any length: this cannot fail.
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        for part in [connection.as_bytes(), table.as_bytes()] {
            m.update(&(part.len() as u32).to_be_bytes());
            m.update(part);
        }
        TableHasher(m)
    }
}

/// Hashes one table's key values (see [`AccessKey::hasher`]).
#[derive(Clone)]
pub struct TableHasher(Hmac<Sha256>);

impl std::fmt::Debug for TableHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TableHasher(..)")
    }
}

impl TableHasher {
    /// The stored hash of one key value.
    pub fn hash(&self, value: &[u8]) -> KeyHash {
        let mut m = self.0.clone();
        m.update(value);
        let full = m.finalize().into_bytes();
        let mut out = [0u8; HASH_LEN];
        out.copy_from_slice(&full[..HASH_LEN]);
        out
    }
}

/// A key value in a DataRow as text, as PostgreSQL prints it: text-format values as they are;
/// binary ones of integer, text and uuid types converted. None for a binary value of another
/// type (not accounted; see docs/audit.md).
pub fn key_text(ty: u32, format: i16, v: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    use std::borrow::Cow;
    if format == 0 {
        return Some(Cow::Borrowed(v));
    }
    let int = |s: String| Some(Cow::Owned(s.into_bytes()));
    match ty {
        // int2, int4, int8
        21 => int(i16::from_be_bytes(v.try_into().ok()?).to_string()),
        23 => int(i32::from_be_bytes(v.try_into().ok()?).to_string()),
        20 => int(i64::from_be_bytes(v.try_into().ok()?).to_string()),
        // text, varchar, bpchar, name, citext-like domains report their base type
        25 | 1043 | 1042 | 19 => Some(Cow::Borrowed(v)),
        // uuid
        2950 if v.len() == 16 => {
            let h = hex::encode(v);
            int(format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_keys_hash_as_their_text() {
        assert_eq!(
            key_text(23, 1, &42i32.to_be_bytes()).unwrap().as_ref(),
            b"42"
        );
        assert_eq!(
            key_text(20, 1, &(-7i64).to_be_bytes()).unwrap().as_ref(),
            b"-7"
        );
        assert_eq!(key_text(21, 1, &3i16.to_be_bytes()).unwrap().as_ref(), b"3");
        assert_eq!(key_text(25, 1, b"MRN-1").unwrap().as_ref(), b"MRN-1");
        assert_eq!(key_text(23, 0, b"42").unwrap().as_ref(), b"42");
        let u = [0x12u8; 16];
        assert_eq!(
            key_text(2950, 1, &u).unwrap().as_ref(),
            b"12121212-1212-1212-1212-121212121212"
        );
        // Malformed binary values and unsupported types are not accounted, never a panic.
        assert!(key_text(23, 1, b"abc").is_none());
        assert!(key_text(1700, 1, b"\x00\x01").is_none());
    }

    #[test]
    fn hashes_are_keyed_and_separate_connection_table_and_value() {
        let dir = tempfile::tempdir().unwrap();
        let k = AccessKey::load_or_create(dir.path()).unwrap();
        let again = AccessKey::load_or_create(dir.path()).unwrap();
        assert_eq!(
            k.hash("pg", "public.p", b"1"),
            again.hash("pg", "public.p", b"1")
        );
        assert_ne!(
            k.hash("pg", "public.p", b"1"),
            k.hash("pg", "public.p", b"2")
        );
        assert_ne!(
            k.hash("pg", "public.p", b"1"),
            k.hash("pg2", "public.p", b"1")
        );
        // Boundaries are length-prefixed: no shifting bytes between the parts.
        assert_ne!(k.hash("pga", "b", b"1"), k.hash("pg", "ab", b"1"));
        let other = tempfile::tempdir().unwrap();
        let k2 = AccessKey::load_or_create(other.path()).unwrap();
        assert_ne!(
            k.hash("pg", "public.p", b"1"),
            k2.hash("pg", "public.p", b"1")
        );
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(AccessKey::load_or_create(dir.path()).is_err());
    }
}
