//! The gateway end of a tunnel: after the mTLS handshake, read the preamble, check that the
//! certificate's grant is active and for the named connection, and hand the stream to the
//! protocol proxy with a [`Permit`](crate::gateway::policy::Permit). Every refusal is audited
//! and, where the client is a PostgreSQL tool, answered with an error it prints.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::AsyncReadExt;

use crate::clock::now_ms;
use crate::gateway::Gateway;
use crate::gateway::ca::ClientCertClaims;
use crate::gateway::policy::SessionRequest;
use crate::gateway::proxy::{Io, postgres};
use crate::gateway::store::NewEvent;
use crate::proto::preamble::Preamble;

const PREAMBLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Records a refused tunnel in the audit log.
pub async fn audit_rejection(
    gw: &Gateway,
    identity: Option<&str>,
    grant: Option<&str>,
    connection: Option<&str>,
    peer: SocketAddr,
    why: &str,
) {
    tracing::warn!(%peer, reason = %why, "tunnel refused");
    let detail = format!("peer={peer}: {why}");
    let r = gw
        .store
        .insert_event(&NewEvent {
            kind: "tunnel_rejected",
            identity,
            grant_id: grant,
            connection,
            outcome: Some("denied"),
            detail: Some(&detail),
            ..Default::default()
        })
        .await;
    if let Err(e) = r {
        tracing::error!(error = %e, "cannot audit tunnel rejection");
    }
}

async fn read_preamble<S: Io>(stream: &mut S, buf: &mut BytesMut) -> Result<Preamble, String> {
    let fut = async {
        loop {
            match Preamble::decode(buf) {
                Ok(Some((p, used))) => {
                    buf.advance(used);
                    return Ok(p);
                }
                Ok(None) => {}
                Err(e) => return Err(e.to_string()),
            }
            match stream.read_buf(buf).await {
                Ok(0) => return Err("client closed before sending the tunnel preamble".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
        }
    };
    tokio::time::timeout(PREAMBLE_TIMEOUT, fut)
        .await
        .map_err(|_| "no tunnel preamble within 10s".to_string())?
}

/// Handles one tunnel connection; `peer_cert` is the verified client certificate, if any.
pub async fn handle<S: Io>(
    gw: Arc<Gateway>,
    mut stream: S,
    peer_cert: Option<Vec<u8>>,
    peer: SocketAddr,
) {
    let Some(der) = peer_cert else {
        audit_rejection(
            &gw,
            None,
            None,
            None,
            peer,
            "tunnel without a client certificate",
        )
        .await;
        return;
    };
    let claims = match ClientCertClaims::from_der(&der) {
        Ok(c) => c,
        Err(e) => {
            audit_rejection(&gw, None, None, None, peer, &e).await;
            return;
        }
    };
    let mut buf = BytesMut::with_capacity(8192);
    let pre = match read_preamble(&mut stream, &mut buf).await {
        Ok(p) => p,
        Err(e) => {
            audit_rejection(
                &gw,
                Some(&claims.identity),
                Some(&claims.grant_id),
                None,
                peer,
                &e,
            )
            .await;
            return;
        }
    };
    let refuse = |why: String| {
        let gw = gw.clone();
        let claims = claims.clone();
        let conn = pre.connection.clone();
        async move {
            audit_rejection(
                &gw,
                Some(&claims.identity),
                Some(&claims.grant_id),
                Some(&conn),
                peer,
                &why,
            )
            .await;
            why
        }
    };
    if pre.grant != claims.grant_id {
        let why = refuse(format!(
            "the preamble names grant {} but the certificate was issued for grant {}",
            pre.grant, claims.grant_id
        ))
        .await;
        return postgres::reject(stream, buf, "28000", &why).await;
    }
    let Some(conn) = gw.config.connections.get(&pre.connection) else {
        let why = refuse(format!("no connection named {:?}", pre.connection)).await;
        return postgres::reject(stream, buf, "28000", &why).await;
    };
    let grant = match gw.store.grant(&claims.grant_id).await {
        Ok(g) => g,
        Err(e) => {
            tracing::error!(error = %e, "store failure during tunnel authorization");
            return postgres::reject(
                stream,
                buf,
                "58000",
                "the gateway's store is unavailable; retry later",
            )
            .await;
        }
    };
    let principal = gw.principal(&claims.identity);
    let req = SessionRequest {
        cert_identity: &claims.identity,
        cert_grant: &claims.grant_id,
        connection: &pre.connection,
        connection_kind: conn.kind.as_str(),
    };
    let permit = gw
        .policy
        .get()
        .permit_session(&req, grant.as_ref(), principal.as_ref(), now_ms());
    match permit {
        Ok(permit) => postgres::serve(gw, stream, buf, permit, peer).await,
        Err(refusal) => {
            let why = refuse(refusal.to_string()).await;
            postgres::reject(stream, buf, "28000", &why).await
        }
    }
}
