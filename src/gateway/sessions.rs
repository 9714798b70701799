//! Live proxied sessions and PostgreSQL cancel keys.
//!
//! Revoking a grant must end its live sessions (DESIGN.md §4.6): each session registers a
//! `watch` channel here, and [`Sessions::end_grant`] sends the reason to every session of that
//! grant. Cancel keys map the key the gateway gave a client to the target's real key, so a
//! client's CancelRequest reaches the right backend without the client ever learning it.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;

/// Where a cancel request for a session must go.
#[derive(Debug, Clone)]
pub struct CancelTarget {
    /// Grant of the session (a cancel must come under the same grant).
    pub grant_id: String,
    /// Connection name (to reach the target again).
    pub connection: String,
    /// The target backend's process id.
    pub pid: i32,
    /// The target backend's secret key.
    pub secret: Vec<u8>,
    /// The session's statement hold, if one is waiting (a held statement is not running on
    /// the target, so the target's cancel would not reach it).
    pub interrupt: std::sync::Arc<Interrupt>,
}

/// How a client's cancel reaches a statement held for review in its session.
#[derive(Debug, Default)]
pub struct Interrupt {
    notify: tokio::sync::Notify,
    holding: std::sync::atomic::AtomicBool,
}

impl Interrupt {
    /// Ends the hold waiting now, if any; true when there was one (the cancel is then for
    /// it, not for the target). Never stays pending for a later hold.
    pub fn cancel(&self) -> bool {
        if self.holding.load(std::sync::atomic::Ordering::SeqCst) {
            self.notify.notify_waiters();
            true
        } else {
            false
        }
    }

    /// While the returned guard lives, [`Interrupt::cancel`] completes `wake`. Call it with a
    /// fresh `notified()` of this interrupt, pinned.
    pub fn hold<'a>(
        &'a self,
        wake: std::pin::Pin<&mut tokio::sync::futures::Notified<'a>>,
    ) -> Holding<'a> {
        // Registered before it is announced: a cancel that sees `holding` wakes it.
        wake.enable();
        self.holding
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Holding(self)
    }

    /// A future for [`Interrupt::hold`].
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }
}

/// A hold in progress; ends it on drop.
#[derive(Debug)]
pub struct Holding<'a>(&'a Interrupt);

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        self.0
            .holding
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct Live {
    grant_id: String,
    end: watch::Sender<Option<String>>,
}

/// Registry of live sessions.
#[derive(Debug, Default)]
pub struct Sessions {
    live: Mutex<HashMap<String, Live>>,
    cancel: Mutex<HashMap<(i32, i32), CancelTarget>>,
}

/// Deregisters a session when dropped.
#[derive(Debug)]
pub struct SessionGuard<'a> {
    sessions: &'a Sessions,
    id: String,
    cancel_key: Option<(i32, i32)>,
}

impl Drop for SessionGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut m) = self.sessions.live.lock() {
            m.remove(&self.id);
        }
        if let (Some(k), Ok(mut m)) = (self.cancel_key, self.sessions.cancel.lock()) {
            m.remove(&k);
        }
    }
}

impl SessionGuard<'_> {
    /// Registers the cancel key handed to the client for this session.
    pub fn set_cancel_key(&mut self, key: (i32, i32), target: CancelTarget) {
        if let Ok(mut m) = self.sessions.cancel.lock() {
            m.insert(key, target);
            self.cancel_key = Some(key);
        }
    }
}

impl Sessions {
    /// Registers a session; the receiver yields `Some(reason)` when it must end.
    pub fn register(
        &self,
        session_id: &str,
        grant_id: &str,
    ) -> (SessionGuard<'_>, watch::Receiver<Option<String>>) {
        let (tx, rx) = watch::channel(None);
        if let Ok(mut m) = self.live.lock() {
            m.insert(
                session_id.to_string(),
                Live {
                    grant_id: grant_id.to_string(),
                    end: tx,
                },
            );
        }
        (
            SessionGuard {
                sessions: self,
                id: session_id.to_string(),
                cancel_key: None,
            },
            rx,
        )
    }

    /// Ends every live session of a grant; returns how many.
    pub fn end_grant(&self, grant_id: &str, reason: &str) -> usize {
        let Ok(m) = self.live.lock() else { return 0 };
        let mut n = 0;
        for l in m.values().filter(|l| l.grant_id == grant_id) {
            let _ = l.end.send(Some(reason.to_string()));
            n += 1;
        }
        n
    }

    /// Looks up a cancel key.
    pub fn cancel_target(&self, pid: i32, secret: i32) -> Option<CancelTarget> {
        self.cancel.lock().ok()?.get(&(pid, secret)).cloned()
    }
}
