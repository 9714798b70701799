// A real OpenID Provider (panva's certified `oidc-provider`) for hoopctl's federation tests.
//
// Usage: node idp.mjs CONFIG.json
//   CONFIG: { "port": N (0: any), "clients": [{client_id, client_secret, redirect_uris}],
//             "accounts": {name: claims} }
// Prints "listening on http://127.0.0.1:PORT" once it serves. Everything a browser would do is
// driven over HTTP by the tests; these test-only routes stand in for the person:
//   POST /test/next-login {"account": NAME}   the next interaction logs NAME in and consents
//   POST /test/account {"account", "claims"}   changes an account's claims (null deletes it)
//   POST /test/rotate                          a fresh signing key replaces the old one
//   POST /test/fault {"claims": {...}}         the next ID token is re-signed (with the real key)
//                                              with these claims changed (null removes one)
// It is a test fixture: it listens on 127.0.0.1 only and keeps everything in memory.

import http from 'node:http';
import fs from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts ?? {};
let nextLogin = null;
let fault = null;
let provider = null;
let privateJwk = null;

async function freshKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}

function build(issuer, jwk) {
  const p = new Provider(issuer, {
    clients: config.clients.map((c) => ({
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...c,
    })),
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
      org: ['org'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', 'org'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    cookies: { keys: ['hoopctl-test-idp'] },
    ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 300, Session: 600, Grant: 600, RefreshToken: 600 },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    async findAccount(_ctx, sub) {
      const claims = accounts[sub];
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
  });
  // Test faults: re-sign the next ID token with changed claims, with the real key.
  p.use(async (ctx, next) => {
    await next();
    if (fault && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const claims = { ...jose.decodeJwt(ctx.body.id_token) };
      for (const [k, v] of Object.entries(fault.claims ?? {})) {
        if (v === null) delete claims[k]; else claims[k] = v;
      }
      const key = await jose.importJWK(privateJwk, 'RS256');
      ctx.body.id_token = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
        .sign(key);
      fault = null;
    }
  });
  return p;
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => { try { resolve(data ? JSON.parse(data) : {}); } catch (e) { reject(e); } });
    req.on('error', reject);
  });
}

function reply(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

// The stand-in for a person at the login and consent screens.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (!nextLogin) return reply(res, 400, { error: 'no test login queued (POST /test/next-login)' });
    const accountId = nextLogin;
    nextLogin = null;
    return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return reply(res, 400, { error: `unexpected prompt ${prompt.name}` });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/test/next-login') {
      const b = await body(req);
      if (!accounts[b.account]) return reply(res, 400, { error: `no account ${b.account}` });
      nextLogin = b.account;
      return reply(res, 200, { ok: true });
    }
    if (req.method === 'POST' && url.pathname === '/test/account') {
      const b = await body(req);
      if (b.claims === null) delete accounts[b.account]; else accounts[b.account] = b.claims;
      return reply(res, 200, { ok: true });
    }
    if (req.method === 'POST' && url.pathname === '/test/rotate') {
      privateJwk = await freshKey();
      provider = build(provider.issuer, privateJwk);
      return reply(res, 200, { kid: privateJwk.kid });
    }
    if (req.method === 'POST' && url.pathname === '/test/fault') {
      fault = await body(req);
      return reply(res, 200, { ok: true });
    }
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res);
    return provider.callback()(req, res);
  } catch (e) {
    reply(res, 500, { error: String(e && e.message || e) });
  }
});

server.listen(config.port ?? 0, '127.0.0.1', async () => {
  const { port } = server.address();
  privateJwk = await freshKey();
  provider = build(`http://127.0.0.1:${port}`, privateJwk);
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
