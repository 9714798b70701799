//! Protocol-aware proxies. Each one needs a [`Permit`](crate::gateway::policy::Permit) to reach
//! its target; only the policy module can make one.

pub mod gate;
pub mod postgres;

use tokio::io::{AsyncRead, AsyncWrite};

/// A byte stream toward a client or a target (plain TCP or TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}
