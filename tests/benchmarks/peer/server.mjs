// The peer for `cfl-bench --side-by-side`: node-oidc-provider (panva), set up the way CodeFlow Lab's bank
// is, so that one load client can drive both and compare them (docs/benchmarks.md).
//
//   node server.mjs [--port N]
//
// Listens on 127.0.0.1 only and prints one JSON line on stdout when it is ready:
//   {"issuer":"http://127.0.0.1:PORT","oidcProvider":"9.x.y","node":"v20..."}
//
// Like the bank: one confidential client (coolloan) with client_secret_basic, PKCE S256 required,
// RS256 ID tokens, refresh-token rotation, scopes openid profile offline_access and one resource scope
// (accounts:read of the resource https://bank.example/api), in-memory storage (KeepingAdapter), and a login
// page that checks a fixed password. Unlike the bank, the login compares the password as plain text: the peer
// hashes nothing, which is why the benchmark compares logins against the argon2id bound instead.
// devInteractions are off; the few routes under /interaction below are the whole user interface.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

const portArgument = process.argv.indexOf('--port');
const port = portArgument > 0 ? Number(process.argv[portArgument + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('server.mjs: --port needs a number from 0 to 65535');
  process.exit(2);
}

// The workshop's user and CoolLoan's registration, the same names and secrets as the benchmark's client
// uses against both servers.
const USER = { id: 'john', password: 'banking-is-fun' };
const CLIENT_ID = 'coolloan';
const CLIENT_SECRET = 'bench-peer-coolloan-secret-0123456789abcdef';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const RESOURCE = 'https://bank.example/api';

// RSA-2048 like the bank's signing key (RFC 7518 §3.3: RS256 needs at least 2048 bits).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' };

// In-memory storage that keeps everything until it expires. node-oidc-provider's own quick-start adapter
// is an LRU of 1,000 entries: under load it evicts live sessions and tokens (userinfo then answers 401),
// while the bank keeps every row in SQLite. Same contract as that adapter (lib/adapters/memory_adapter.js
// in the package): one store, secondary indexes for session uids, and the tokens of each grant for
// revokeByGrantId.
const store = new Map(); // key -> { value, expiresAt }
const storeGet = (key) => {
  const entry = store.get(key);
  if (entry && entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry?.value;
};
const storeSet = (key, value, expiresIn) =>
  store.set(key, { value, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity });
const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

class KeepingAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (this.model === 'Session') storeSet(`sessionUid:${payload.uid}`, id, expiresIn);
    if (grantable.has(this.model) && payload.grantId) {
      const members = storeGet(`grant:${payload.grantId}`) ?? new Set();
      members.add(key);
      storeSet(`grant:${payload.grantId}`, members);
    }
    if (payload.userCode) storeSet(`userCode:${payload.userCode}`, id, expiresIn);
    storeSet(key, payload, expiresIn);
  }
  async find(id) { return storeGet(this.key(id)); }
  async findByUid(uid) { const id = storeGet(`sessionUid:${uid}`); return id && this.find(id); }
  async findByUserCode(userCode) { const id = storeGet(`userCode:${userCode}`); return id && this.find(id); }
  async consume(id) { const payload = storeGet(this.key(id)); if (payload) payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const key of storeGet(`grant:${grantId}`) ?? []) store.delete(key);
    store.delete(`grant:${grantId}`);
  }
}
// Expired entries go once a minute, as the bank purges expired rows.
setInterval(() => { for (const key of store.keys()) storeGet(key); }, 60000).unref();

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        client_name: 'CoolLoan',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    adapter: KeepingAdapter,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['bench-peer-cookie-key-0123456789abcdef'] },
    // PKCE for every client, S256 only (RFC 7636 §4.3, RFC 9700 §2.1.1), as the bank requires it.
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // Every refresh rotates (RFC 9700 §4.14.2), as the bank's does.
    rotateRefreshToken: true,
    ttl: { AccessToken: 3600, AuthorizationCode: 60, RefreshToken: 14 * 24 * 3600, Session: 8 * 3600 },
    features: {
      devInteractions: { enabled: false },
      // accounts:read belongs to the resource server, as the bank's API scope does (RFC 8707).
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'accounts:read', audience: RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (ctx, sub) =>
      sub === USER.id ? { accountId: sub, claims: () => ({ sub, name: 'John', preferred_username: 'john' }) } : undefined,
  });
  const providerCallback = provider.callback();

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/confirm)?$/.exec(req.url);
    if (!match) {
      providerCallback(req, res);
      return;
    }
    try {
      await interaction(provider, req, res, match[2]);
    } catch (error) {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${error.name}: ${error.error_description ?? error.message}\n`);
    }
  });

  const { version } = JSON.parse(
    readFileSync(new URL('./node_modules/oidc-provider/package.json', import.meta.url), 'utf8'));
  console.log(JSON.stringify({ issuer, oidcProvider: version, node: process.version }));
});

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 16384) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function page(res, status, html) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Peer</title></head><body>${html}</body></html>`);
}

// The login page, the login form's check of the fixed password, and the consent page that records a
// grant for what the client asked: the minimum an interaction needs (node-oidc-provider's
// interactionDetails / interactionFinished contract).
async function interaction(provider, req, res, action) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') {
      page(res, 200, `<form method="post" action="/interaction/${uid}/login">
<input name="username"><input name="password" type="password"><button>Log in</button></form>`);
    } else {
      page(res, 200, `<form method="post" action="/interaction/${uid}/confirm">
<p>CoolLoan asks for ${params.scope}</p><button name="decision" value="approve">Allow</button></form>`);
    }
    return;
  }
  if (req.method !== 'POST') throw new Error('method not allowed');
  const form = await readForm(req);
  if (action === '/login' && prompt.name === 'login') {
    if (form.get('username') !== USER.id || form.get('password') !== USER.password) {
      page(res, 401, '<p>Wrong user name or password.</p>');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: USER.id } }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === '/confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  throw new Error(`unexpected ${req.method} ${req.url} at prompt ${prompt.name}`);
}
