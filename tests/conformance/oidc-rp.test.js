'use strict';
// Relying-party conformance test: an independent, widely used OpenID Connect
// client library — panva's openid-client (certified OpenID RP library), pinned in package-lock.json —
// talks to the real headless bank over loopback:
//   discovery → code + PKCE (S256) + state + nonce → login → consent → callback → token → ID token
//   validation (by the library: signature against the JWKS, iss, aud, azp, exp, iat, nonce, at_hash,
//   auth_time) → userinfo → refresh (rotation, new ID token) → revocation → introspection → API,
// for client_secret_basic, client_secret_post and a public client (none), plus the refusals the RFCs
// require (RFC 6749 §4.1.2.1, §5.2; RFC 7636 §4.6; RFC 9207; RFC 9700 §4.14.2; RFC 6750 §3.1;
// RFC 7009; RFC 7662; OpenID Connect Core §3.1.2.6, §5.3, §12.2).
//
// John's browser is played with plain fetch and a tiny cookie jar; the bank's pages are plain HTML forms.
// Each run starts its own bank on a fresh temporary data directory (and a second, short-lived one for
// the expiry test). The last tests record findings where the bank contradicts a spec or its own
// metadata; they fail until the bank is fixed.
//
// Usage: node oidc-rp.test.js /path/to/codeflow-bank   or   CODEFLOW_BANK=/path/to/codeflow-bank npm test
// (CTest: tests/conformance/run.sh, test oidc_rp_conformance, label "conformance").

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { promisify } = require('node:util');

const { Issuer, generators, custom, errors } = require('openid-client');
const { OPError, RPError } = errors;
const jose = require('jose');

const BANK = process.env.CODEFLOW_BANK || process.argv[2];
if (!BANK || !fs.existsSync(BANK)) {
    console.error(`usage: node ${path.basename(__filename)} /path/to/codeflow-bank (or set CODEFLOW_BANK); got '${BANK ?? ''}'`);
    process.exit(2);
}

const HTTP_TIMEOUT_MS = 5000;
const TEST_TIMEOUT_MS = 30000;
const JOHN = { username: 'john', password: 'banking-is-fun' };
const ALL_SCOPES = 'openid profile email offline_access accounts:read transactions:read';
// CoolLoan registered http://127.0.0.1/callback; a native app may use any port on it (RFC 8252 §7.3).
const COOLLOAN_REDIRECT = 'http://127.0.0.1:53682/callback';

custom.setHttpOptionsDefaults({ timeout: HTTP_TIMEOUT_MS });

// ---------------------------------------------------------------------------------------------
// The bank process

const banks = []; // every bank this test started, stopped in after()
let bank;         // the bank most tests talk to

// Starts `codeflow-bank serve` on a fresh data directory; reads the issuer (first stdout line) and
// CoolLoan's secret (second line, printed on a fresh data directory only).
async function startBank(extraArgs = []) {
    const b = { process: null, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cfl-conformance-')), issuerUrl: null, coolLoanSecret: null, log: [] };
    banks.push(b);
    const child = spawn(BANK, ['serve', '--port', '0', '--data-dir', b.dataDir, ...extraArgs], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    b.process = child;
    readline.createInterface({ input: child.stderr }).on('line', (line) => b.log.push(line));
    const lines = [];
    await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the bank printed no issuer within 15 s:\n${b.log.join('\n')}`)), 15000);
        child.once('error', reject);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`the bank exited early (${code ?? signal}):\n${b.log.join('\n')}`));
        });
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
            lines.push(line);
            if (lines.length === 2) {
                clearTimeout(timer);
                resolve();
            }
        });
    });
    b.issuerUrl = lines[0].trim();
    // The bank is "localhost"; its clients' callbacks are on 127.0.0.1 (RFC 8252 §8.3), out of its cookies' reach.
    assert.match(b.issuerUrl, /^http:\/\/localhost:\d+$/, 'first stdout line: the issuer');
    const secret = /^coolloan client_secret: (\S+)$/.exec(lines[1].trim());
    assert.ok(secret, `second stdout line should carry CoolLoan's secret, got: ${lines[1]}`);
    b.coolLoanSecret = secret[1];
    return b;
}

async function stopBank(b) {
    const child = b.process;
    if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
    }
    fs.rmSync(b.dataDir, { recursive: true, force: true });
}

// `codeflow-bank register-client` on the data directory a running bank is using.
async function registerClient(name, redirectUri, extra = [], b = bank) {
    const { stdout } = await promisify(execFile)(
        BANK, ['register-client', '--data-dir', b.dataDir, '--name', name, '--redirect-uri', redirectUri, ...extra],
        { timeout: 15000 });
    return JSON.parse(stdout);
}

// ---------------------------------------------------------------------------------------------
// John's browser: fetch without automatic redirects, a tiny cookie jar, HTML forms parsed by regex

class Browser {
    constructor() {
        this.cookies = new Map(); // name → { value, path }
        this.pages = [];          // the bank's forms John filled in: 'login', 'consent'
    }

    cookieHeader(url) {
        const pathname = new URL(url).pathname;
        return [...this.cookies]
            .filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
            .map(([name, c]) => `${name}=${c.value}`)
            .join('; ');
    }

    remember(response, url) {
        let headers = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
        if (!headers.length && response.headers.get('set-cookie'))
            headers = response.headers.get('set-cookie').split(/,(?=\s*[A-Za-z0-9_-]+=)/);
        for (const header of headers) {
            const [pair, ...attributes] = header.split(';').map((s) => s.trim());
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            let cookiePath = new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
            let expired = false;
            for (const attribute of attributes) {
                const [key, val = ''] = attribute.split('=');
                if (key.toLowerCase() === 'path') cookiePath = val;
                if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
            }
            if (expired) this.cookies.delete(name);
            else this.cookies.set(name, { value, path: cookiePath });
        }
    }

    async request(url, { method = 'GET', form } = {}) {
        const headers = { Accept: 'text/html' };
        const cookie = this.cookieHeader(url);
        if (cookie) headers.Cookie = cookie;
        let body;
        if (form) {
            headers['Content-Type'] = 'application/x-www-form-urlencoded';
            body = new URLSearchParams(form).toString();
        }
        const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
        this.remember(response, url);
        return response;
    }
}

function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
        const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()];
        if (named) return named;
        return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    });
}

function attributesOf(tag) {
    const attributes = {};
    for (const m of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g))
        attributes[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    return attributes;
}

// The first <form> of a page: its action and the fields a browser would submit (hidden fields,
// ticked and enabled checkboxes), minus the scopes John unticks.
function parseForm(html, pageUrl, { untick = [] } = {}) {
    const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
    assert.ok(form, `no <form> on the page:\n${html.slice(0, 2000)}`);
    const action = new URL(attributesOf(form[1]).action ?? pageUrl, pageUrl).href;
    const fields = [];
    for (const m of form[2].matchAll(/<input\b([^>]*)>/gi)) {
        const a = attributesOf(m[1]);
        if (!a.name || 'disabled' in a) continue;
        if (a.type === 'checkbox' && (!('checked' in a) || untick.includes(a.value))) continue;
        fields.push([a.name, a.value ?? '']);
    }
    return { action, fields };
}

function csrfOf(fields) {
    const csrf = fields.find(([name]) => name === 'csrf_token');
    assert.ok(csrf && csrf[1], 'the form carries a csrf_token');
    return csrf[1];
}

// Plays John from the authorization URL to the redirect back to the app; returns that URL.
async function johnAuthorizes(browser, authorizationUrl, redirectUri, { decision = 'approve', untick = [] } = {}) {
    const target = new URL(redirectUri);
    let url = authorizationUrl;
    let response = await browser.request(url);
    for (let step = 0; step < 10; step++) {
        if ([301, 302, 303, 307].includes(response.status)) {
            const location = new URL(response.headers.get('location'), url);
            if (location.origin === target.origin && location.pathname === target.pathname)
                return location.href;
            assert.equal(location.origin, new URL(authorizationUrl).origin, `redirected to neither the bank nor the app: ${location}`);
            url = location.href;
            response = await browser.request(url);
            continue;
        }
        const html = await response.text();
        assert.equal(response.status, 200, `unexpected ${response.status} at ${url}:\n${html.slice(0, 2000)}`);
        const { action, fields } = parseForm(html, url, { untick });
        if (/\/login$/.test(new URL(action).pathname)) {
            assert.match(html, /name="username"/);
            assert.match(html, /name="password"/);
            browser.pages.push('login');
            url = action;
            response = await browser.request(url, {
                method: 'POST',
                form: { csrf_token: csrfOf(fields), username: JOHN.username, password: JOHN.password },
            });
        } else if (/\/consent$/.test(new URL(action).pathname)) {
            assert.match(html, new RegExp(`name="decision" value="${decision}"`));
            browser.pages.push('consent');
            url = action;
            response = await browser.request(url, { method: 'POST', form: [...fields, ['decision', decision]] });
        } else {
            assert.fail(`unexpected form action ${action}`);
        }
    }
    assert.fail('more than 10 steps between the authorization request and the redirect back to the app');
}

// ---------------------------------------------------------------------------------------------
// The relying party

let issuer; // openid-client Issuer from discovery
let jwks;   // remote JWKS for checking access tokens (RFC 9068)

function pkceAndFriends() {
    const code_verifier = generators.codeVerifier();
    return {
        code_verifier,
        code_challenge: generators.codeChallenge(code_verifier),
        state: generators.state(),
        nonce: generators.nonce(),
    };
}

// Authorization request with PKCE S256, state and nonce; John logs in and consents; returns the
// callback parameters and the checks the library needs for client.callback().
async function authorize(client, redirectUri, { scope = ALL_SCOPES, browser = new Browser(), params = {}, decision, untick } = {}) {
    const p = pkceAndFriends();
    const authorizationUrl = client.authorizationUrl({
        redirect_uri: redirectUri,
        scope,
        code_challenge: p.code_challenge,
        code_challenge_method: 'S256',
        state: p.state,
        nonce: p.nonce,
        ...params,
    });
    const callbackUrl = await johnAuthorizes(browser, authorizationUrl, redirectUri, { decision, untick });
    return {
        callbackUrl,
        params: client.callbackParams(callbackUrl),
        checks: { code_verifier: p.code_verifier, state: p.state, nonce: p.nonce },
        browser,
    };
}

// A complete, validated login: the ID token is checked by the library (signature via the JWKS, iss,
// aud, azp, exp, iat, nonce, at_hash, and auth_time because of max_age).
async function login(client, redirectUri, options = {}) {
    const maxAge = 600;
    const { params, checks, browser } = await authorize(client, redirectUri, {
        ...options,
        params: { max_age: String(maxAge), ...(options.params || {}) },
    });
    const tokenSet = await client.callback(redirectUri, params, { ...checks, max_age: maxAge });
    return { tokenSet, checks, browser, params };
}

async function expectOPError(promise, error, status) {
    const e = await promise.then(
        (value) => assert.fail(`expected the bank to refuse with ${error}, but it answered ${JSON.stringify(value)}`),
        (e) => e);
    assert.ok(e instanceof OPError, `expected an OPError ${error}, got ${e && e.stack}`);
    assert.equal(e.error, error, `error code (${e.error_description ?? ''})`);
    if (status !== undefined)
        assert.equal(e.response && e.response.statusCode, status, `HTTP status of ${error}`);
    return e;
}

async function expectRPError(promise, pattern) {
    const e = await promise.then(() => assert.fail('expected the library to refuse the response'), (e) => e);
    assert.ok(e instanceof RPError, `expected an RPError, got ${e && e.stack}`);
    assert.match(e.message, pattern);
    return e;
}

async function checkAccessToken(accessToken, clientId, scope) {
    // RFC 9068 §2, §4: typ at+jwt, RS256, iss, exp, aud, sub, client_id, iat, jti, scope.
    const { payload, protectedHeader } = await jose.jwtVerify(accessToken, jwks, {
        issuer: bank.issuerUrl,
        typ: 'at+jwt',
        algorithms: ['RS256'],
        requiredClaims: ['iss', 'exp', 'aud', 'sub', 'iat', 'jti'],
    });
    assert.ok(protectedHeader.kid, 'the access token names its key (kid)');
    assert.equal(payload.client_id, clientId);
    if (scope) assert.deepEqual(payload.scope.split(' ').sort(), scope.split(' ').sort());
    return payload;
}

async function api(client, tokenOrSet, resourcePath) {
    const response = await client.requestResource(`${bank.issuerUrl}${resourcePath}`, tokenOrSet);
    let body;
    try { body = JSON.parse(response.body.toString()); } catch { body = response.body && response.body.toString(); }
    return { status: response.statusCode, headers: response.headers, body };
}

function sortedScope(scope) {
    return scope.split(' ').filter(Boolean).sort();
}

// ---------------------------------------------------------------------------------------------

let coolLoan;       // client_secret_basic (the seeded confidential client)
let postApp;        // client_secret_post (registered with register-client)
let postAppSecret;
const POSTAPP_REDIRECT = 'http://127.0.0.1:53683/post-app/callback';
let publicApp;      // none (public, PKCE only)
const PUBLIC_REDIRECT = 'http://127.0.0.1:53684/public/callback';
const john = new Browser(); // one browser for the negative cases: logged in once, then single sign-on

before(async () => {
    bank = await startBank();
    issuer = await Issuer.discover(bank.issuerUrl);
    jwks = jose.createRemoteJWKSet(new URL(issuer.metadata.jwks_uri));
    coolLoan = new issuer.Client({
        client_id: 'coolloan',
        client_secret: bank.coolLoanSecret,
        redirect_uris: [COOLLOAN_REDIRECT],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
    });
    // register-client works on the data directory the running bank is using
    const registered = await registerClient('Post App', POSTAPP_REDIRECT);
    assert.ok(registered.client_id && registered.client_secret);
    postAppSecret = registered.client_secret;
    postApp = new issuer.Client({
        client_id: registered.client_id,
        client_secret: registered.client_secret,
        redirect_uris: [POSTAPP_REDIRECT],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
    });
});

after(async () => {
    await Promise.all(banks.map(stopBank));
});

process.on('exit', (code) => {
    if (code === 0) return;
    for (const b of banks)
        console.error(`--- log of the bank at ${b.issuerUrl} (last 80 lines) ---\n${b.log.slice(-80).join('\n')}`);
});

// ---------------------------------------------------------------------------------------------

test('discovery: the library accepts the metadata (OIDC Discovery §3, RFC 8414)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const m = issuer.metadata;
    assert.equal(m.issuer, bank.issuerUrl);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri',
        'revocation_endpoint', 'introspection_endpoint'])
        assert.ok(m[endpoint] && m[endpoint].startsWith(bank.issuerUrl), `${endpoint} is advertised`);
    assert.deepEqual(m.response_types_supported, ['code']);
    assert.ok(m.code_challenge_methods_supported.includes('S256'));
    assert.ok(!m.code_challenge_methods_supported.includes('plain'));
    assert.ok(m.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(m.subject_types_supported.includes('public'));
    for (const method of ['client_secret_basic', 'client_secret_post', 'none'])
        assert.ok(m.token_endpoint_auth_methods_supported.includes(method), `token endpoint supports ${method}`);
    for (const scope of ALL_SCOPES.split(' '))
        assert.ok(m.scopes_supported.includes(scope));
    assert.equal(m.authorization_response_iss_parameter_supported, true, 'RFC 9207 §3');

    // RFC 8414 §3.3: the OAuth metadata names the same issuer.
    const oauth = await Issuer.discover(`${bank.issuerUrl}/.well-known/oauth-authorization-server`);
    assert.equal(oauth.metadata.issuer, bank.issuerUrl);

    // RFC 7517: the JWKS publishes the RSA signing key with a kid, and no private parts
    const response = await fetch(m.jwks_uri, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    assert.equal(response.status, 200);
    const { keys } = await response.json();
    assert.ok(keys.length >= 1);
    for (const key of keys) {
        assert.equal(key.kty, 'RSA');
        assert.ok(key.kid, 'every key has a kid');
        assert.ok(key.n && key.e);
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
            assert.equal(key[secret], undefined, `the JWKS must not publish ${secret}`);
    }
});

for (const method of ['client_secret_basic', 'client_secret_post']) {
    test(`${method}: code + PKCE → token → ID token → userinfo → API → refresh → revocation → introspection`,
        { timeout: TEST_TIMEOUT_MS }, async () => {
            const client = method === 'client_secret_basic' ? coolLoan : postApp;
            const redirectUri = method === 'client_secret_basic' ? COOLLOAN_REDIRECT : POSTAPP_REDIRECT;
            const clientId = client.metadata.client_id;

            // code flow; the library validates the ID token
            const { tokenSet, checks } = await login(client, redirectUri);
            assert.equal(tokenSet.token_type.toLowerCase(), 'bearer');
            assert.ok(tokenSet.access_token && tokenSet.refresh_token && tokenSet.id_token);
            assert.ok(tokenSet.expires_in > 0);
            assert.deepEqual(sortedScope(tokenSet.scope), sortedScope(ALL_SCOPES));
            const claims = tokenSet.claims();
            assert.equal(claims.iss, bank.issuerUrl);
            assert.equal(claims.aud, clientId);
            assert.equal(claims.nonce, checks.nonce);
            assert.ok(claims.sub, 'sub');
            assert.ok(claims.at_hash, 'at_hash (validated by the library)');
            assert.equal(typeof claims.auth_time, 'number');
            const accessClaims = await checkAccessToken(tokenSet.access_token, clientId, ALL_SCOPES);
            assert.equal(accessClaims.sub, claims.sub);

            // userinfo: claims by scope (OIDC Core §5.3, §5.4); the library checks sub against the ID token
            const userinfo = await client.userinfo(tokenSet);
            assert.equal(userinfo.sub, claims.sub);
            assert.equal(userinfo.preferred_username, 'john');
            assert.ok(userinfo.name && userinfo.given_name && userinfo.family_name, 'profile claims');
            assert.ok(userinfo.email, 'email claim');
            assert.equal(typeof userinfo.email_verified, 'boolean');
            // OIDC Core §5.3.1: GET and POST
            assert.deepEqual(await client.userinfo(tokenSet, { method: 'POST' }), userinfo);
            // RFC 6750 §2.2: the token as a form-encoded body parameter (the library's via: 'body')
            assert.deepEqual(await client.userinfo(tokenSet, { method: 'POST', via: 'body' }), userinfo);

            // the resource API with the access token
            const accounts = await api(client, tokenSet, '/api/accounts');
            assert.equal(accounts.status, 200, JSON.stringify(accounts.body));
            assert.ok(Array.isArray(accounts.body.accounts) && accounts.body.accounts.length >= 2);
            const txs = await api(client, tokenSet, `/api/accounts/${encodeURIComponent(accounts.body.accounts[0].id)}/transactions`);
            assert.equal(txs.status, 200, JSON.stringify(txs.body));
            assert.ok(txs.body.transactions.length > 0);

            // refresh: a new refresh token (rotation), a new access token, an ID token again (validated by
            // the library, same sub), with the original auth_time (OIDC Core §12.2)
            const refreshed = await client.refresh(tokenSet);
            assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokenSet.refresh_token, 'refresh token rotated');
            assert.ok(refreshed.access_token && refreshed.access_token !== tokenSet.access_token);
            assert.ok(refreshed.id_token, 'ID token on refresh');
            const refreshedClaims = refreshed.claims();
            assert.equal(refreshedClaims.sub, claims.sub);
            assert.equal(refreshedClaims.aud, clientId);
            assert.equal(refreshedClaims.iss, claims.iss);
            assert.equal(refreshedClaims.auth_time, claims.auth_time, 'auth_time of the original authentication');
            assert.ok(refreshedClaims.iat >= claims.iat);
            if (refreshedClaims.nonce !== undefined)
                assert.equal(refreshedClaims.nonce, claims.nonce, 'a nonce on refresh must be the original one');
            assert.deepEqual(sortedScope(refreshed.scope), sortedScope(ALL_SCOPES));
            await checkAccessToken(refreshed.access_token, clientId, ALL_SCOPES);

            // introspection (RFC 7662): new tokens active, the rotated refresh token not
            const activeAccess = await client.introspect(refreshed.access_token, 'access_token');
            assert.equal(activeAccess.active, true);
            assert.equal(activeAccess.client_id, clientId);
            assert.equal(activeAccess.sub, claims.sub);
            assert.deepEqual(sortedScope(activeAccess.scope), sortedScope(ALL_SCOPES));
            assert.equal((await client.introspect(refreshed.refresh_token, 'refresh_token')).active, true);
            assert.deepEqual(await client.introspect(tokenSet.refresh_token, 'refresh_token'), { active: false });

            // revocation of the access token (RFC 7009) → inactive, refused by the API and by userinfo
            await client.revoke(refreshed.access_token, 'access_token');
            assert.deepEqual(await client.introspect(refreshed.access_token, 'access_token'), { active: false });
            const revokedApi = await api(client, refreshed.access_token, '/api/accounts');
            assert.equal(revokedApi.status, 401, 'API with a revoked access token');
            assert.match(revokedApi.headers['www-authenticate'] || '', /^Bearer .*error="invalid_token"/, 'RFC 6750 §3');
            await expectOPError(client.userinfo(refreshed.access_token), 'invalid_token', 401);

            // revocation of the refresh token → inactive, refresh refused
            await client.revoke(refreshed.refresh_token, 'refresh_token');
            assert.deepEqual(await client.introspect(refreshed.refresh_token, 'refresh_token'), { active: false });
            await expectOPError(client.refresh(refreshed), 'invalid_grant', 400);

            // RFC 7009 §2.2: revoking an unknown or already revoked token is still 200
            await client.revoke(refreshed.refresh_token, 'refresh_token');
            await client.revoke('no-such-token');
        });
}

test('refresh token reuse: a rotated refresh token is invalid_grant and revokes its family (RFC 9700 §4.14.2)',
    { timeout: TEST_TIMEOUT_MS }, async () => {
        const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, { browser: john });
        const refreshed = await coolLoan.refresh(tokenSet);
        // the old one again (the library sends it exactly as a client would)
        await expectOPError(coolLoan.refresh(tokenSet.refresh_token), 'invalid_grant', 400);
        // the whole family is gone: the refresh token and access token issued by the refresh
        await expectOPError(coolLoan.refresh(refreshed), 'invalid_grant', 400);
        assert.deepEqual(await coolLoan.introspect(refreshed.access_token), { active: false });
        assert.equal((await api(coolLoan, refreshed, '/api/accounts')).status, 401);
    });

test('refresh with a narrower scope is allowed, a broader one is invalid_scope (RFC 6749 §6)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, {
        browser: john, scope: 'openid profile offline_access accounts:read',
    });
    const narrower = await coolLoan.refresh(tokenSet, { exchangeBody: { scope: 'openid accounts:read' } });
    assert.deepEqual(sortedScope(narrower.scope), ['accounts:read', 'openid']);
    await checkAccessToken(narrower.access_token, 'coolloan', 'openid accounts:read');
    assert.ok(narrower.refresh_token, 'the grant keeps offline_access');
    const txs = await api(coolLoan, narrower, '/api/accounts/x/transactions');
    assert.equal(txs.status, 403);
    assert.match(txs.headers['www-authenticate'] || '', /error="insufficient_scope"/);
    await expectOPError(coolLoan.refresh(narrower, { exchangeBody: { scope: 'openid transactions:read' } }), 'invalid_scope', 400);
});

test('claims by scope: consent lets John untick email; userinfo and tokens follow (OIDC Core §5.4)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, {
        browser: john,
        scope: 'openid profile email',
        params: { prompt: 'consent' },
        untick: ['email'],
    });
    assert.deepEqual(sortedScope(tokenSet.scope), ['openid', 'profile']);
    assert.equal(tokenSet.refresh_token, undefined, 'no offline_access, no refresh token (OIDC Core §11)');
    const userinfo = await coolLoan.userinfo(tokenSet);
    assert.ok(userinfo.name);
    assert.equal(userinfo.email, undefined, 'email was not granted');
    assert.equal(userinfo.email_verified, undefined);

    const onlyEmail = await login(coolLoan, COOLLOAN_REDIRECT, { browser: john, scope: 'openid email', params: { prompt: 'consent' } });
    const info = await coolLoan.userinfo(onlyEmail.tokenSet);
    assert.ok(info.email);
    assert.equal(info.name, undefined, 'profile was not granted');
    assert.equal(info.preferred_username, undefined);
    const noAccounts = await api(coolLoan, onlyEmail.tokenSet, '/api/accounts');
    assert.equal(noAccounts.status, 403, 'RFC 6750 §3.1 insufficient_scope');
    assert.match(noAccounts.headers['www-authenticate'] || '', /error="insufficient_scope"/);
});

test('public client (token_endpoint_auth_method none) completes the flow with PKCE', { timeout: TEST_TIMEOUT_MS }, async () => {
    // registered here rather than in before(): a failing registration fails this test only
    const pub = await registerClient('Public App', PUBLIC_REDIRECT, ['--public']);
    assert.ok(pub.client_id);
    assert.equal(pub.client_secret, undefined, 'a public client gets no secret');
    publicApp = new issuer.Client({
        client_id: pub.client_id,
        redirect_uris: [PUBLIC_REDIRECT],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
    });
    const { tokenSet } = await login(publicApp, PUBLIC_REDIRECT);
    const clientId = publicApp.metadata.client_id;
    assert.equal(tokenSet.claims().aud, clientId);
    await checkAccessToken(tokenSet.access_token, clientId, ALL_SCOPES);
    const userinfo = await publicApp.userinfo(tokenSet);
    assert.equal(userinfo.sub, tokenSet.claims().sub);
    const refreshed = await publicApp.refresh(tokenSet);
    assert.ok(refreshed.id_token && refreshed.refresh_token !== tokenSet.refresh_token);
    // RFC 7009 §2.1: a public client revokes with its client_id
    await publicApp.revoke(refreshed.refresh_token, 'refresh_token');
    await expectOPError(publicApp.refresh(refreshed), 'invalid_grant', 400);
    assert.equal((await api(publicApp, refreshed, '/api/accounts')).status, 401, 'revoking the refresh token revokes its access tokens');

    // without the verifier the code of a public client is worthless
    const again = await authorize(publicApp, PUBLIC_REDIRECT, { browser: john });
    await expectOPError(publicApp.callback(PUBLIC_REDIRECT, again.params, { ...again.checks, code_verifier: undefined }), 'invalid_grant', 400);
    // a public client has no secret to present
    const withSecret = new issuer.Client({
        client_id: clientId, client_secret: 'made-up', redirect_uris: [PUBLIC_REDIRECT], token_endpoint_auth_method: 'client_secret_post',
    });
    await expectOPError(withSecret.callback(PUBLIC_REDIRECT, again.params, again.checks), 'invalid_client', 401);
});

// ---------------------------------------------------------------------------------------------
// Refusals

test('single sign-on, prompt=login and max_age (OIDC Core §3.1.2.1)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const REDIRECT = 'http://127.0.0.1:53687/sso/callback';
    const registered = await registerClient('SSO App', REDIRECT);
    const client = new issuer.Client({
        client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
    });
    const browser = new Browser();
    const first = await login(client, REDIRECT, { browser, scope: 'openid profile' });
    assert.deepEqual(browser.pages, ['login', 'consent']);
    // same browser: the bank's session logs John in (the consent page is another test's business)
    browser.pages = [];
    const second = await login(client, REDIRECT, { browser, scope: 'openid profile' });
    assert.ok(!browser.pages.includes('login'), 'single sign-on: no login page with a session');
    assert.equal(second.tokenSet.claims().auth_time, first.tokenSet.claims().auth_time, 'the same authentication');
    // max_age: a session older than max_age means a new login; the library checks auth_time against it
    await new Promise((resolve) => setTimeout(resolve, 2100)); // auth_time counts whole seconds
    browser.pages = [];
    const aged = await login(client, REDIRECT, { browser, scope: 'openid profile', params: { max_age: '1' } });
    assert.ok(browser.pages.includes('login'), 'max_age=1 with a session older than 1 s: John logs in again');
    assert.ok(aged.tokenSet.claims().auth_time > first.tokenSet.claims().auth_time, 'a new authentication');
    // prompt=login: John logs in again, even with a fresh session
    browser.pages = [];
    const relogin = await login(client, REDIRECT, { browser, scope: 'openid profile', params: { prompt: 'login' } });
    assert.ok(browser.pages.includes('login'), 'prompt=login');
    assert.ok(relogin.tokenSet.claims().auth_time >= aged.tokenSet.claims().auth_time);
});

test('max_age=0 forces a new login, like prompt=login (OIDC Core §3.1.2.1)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // OIDC Core §3.1.2.1: "If the elapsed time is greater than this value, the OP MUST attempt to
    // actively re-authenticate the End-User ... Note that max_age=0 is equivalent to prompt=login."
    // A session that is less than a second old must not slip through.
    const browser = new Browser();
    while (Date.now() % 1000 > 200) // start early in a second, so the next two requests share it
        await new Promise((resolve) => setTimeout(resolve, 20));
    await login(coolLoan, COOLLOAN_REDIRECT, { browser, scope: 'openid' });
    browser.pages = [];
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser, scope: 'openid', params: { max_age: '0' } });
    assert.ok(browser.pages.includes('login'), `max_age=0 must show the login page again; John saw: ${JSON.stringify(browser.pages)}`);
    await coolLoan.callback(COOLLOAN_REDIRECT, params, { ...checks, max_age: 5 });
});

test('RP-initiated logout: back with state when trusted, a page and no redirect otherwise, then login_required (OpenID Connect RP-Initiated Logout 1.0 §2, §3)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const REDIRECT = 'http://127.0.0.1:53690/logout-app/callback';
    const LOGGED_OUT = 'http://127.0.0.1:53690/logout-app/bye';
    const registered = await registerClient('Logout App', REDIRECT, ['--post-logout-redirect-uri', LOGGED_OUT]);
    assert.deepEqual(registered.post_logout_redirect_uris, [LOGGED_OUT]);
    assert.equal(issuer.metadata.end_session_endpoint, `${bank.issuerUrl}/session/end`, 'discovery (§2.1)');
    const client = new issuer.Client({
        client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT],
        post_logout_redirect_uris: [LOGGED_OUT], token_endpoint_auth_method: 'client_secret_basic',
    });

    // Trusted: the library's own end-session URL (id_token_hint, the registered URI, state).
    const browser = new Browser();
    const { tokenSet } = await login(client, REDIRECT, { browser, scope: 'openid profile' });
    const state = generators.state();
    const logout = await browser.request(client.endSessionUrl({ id_token_hint: tokenSet, state }));
    assert.equal(logout.status, 303, await logout.text());
    const back = new URL(logout.headers.get('location'));
    assert.equal(`${back.origin}${back.pathname}`, LOGGED_OUT);
    assert.equal(back.searchParams.get('state'), state, 'state comes back as sent (§3)');
    assert.ok(!browser.cookies.has('cfl_session'), 'the session cookie is cleared');
    const e = await authorizationError(client, REDIRECT, { prompt: 'none' }, { browser });
    assert.equal(e.error, 'login_required', 'the bank session is over (OIDC Core §3.1.2.6)');

    // Not trusted: an unregistered URI, or no id_token_hint. A page that asks John, never a redirect.
    const again = await login(client, REDIRECT, { browser, scope: 'openid profile' });
    for (const params of [
        { id_token_hint: again.tokenSet, post_logout_redirect_uri: 'https://evil.example/bye', state },
        { id_token_hint: again.tokenSet, post_logout_redirect_uri: `${LOGGED_OUT}?next=https://evil.example`, state },
        { post_logout_redirect_uri: LOGGED_OUT, state },
    ]) {
        const asked = await browser.request(client.endSessionUrl(params));
        assert.equal(asked.status, 200);
        assert.equal(asked.headers.get('location'), null, 'no redirect to an untrusted URI (§3)');
        assert.match(await asked.text(), /Log out of the bank\?/);
        assert.ok(browser.cookies.has('cfl_session'), 'John has not confirmed yet');
    }
});

test('remembered consent: with a session, consented scopes skip the consent page', { timeout: TEST_TIMEOUT_MS }, async () => {
    // "Consent is remembered per client and scope set." After a login the bank honours it, and
    // prompt=none honours it too; an authorization request in a browser that already has a session
    // should not show the consent page for scopes John already granted either.
    const REDIRECT = 'http://127.0.0.1:53688/remember/callback';
    const registered = await registerClient('Remember App', REDIRECT);
    const client = new issuer.Client({
        client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
    });
    const browser = new Browser();
    await login(client, REDIRECT, { browser, scope: 'openid profile' });
    assert.deepEqual(browser.pages, ['login', 'consent']);
    // a fresh browser: login, then the remembered consent applies
    const other = new Browser();
    await login(client, REDIRECT, { browser: other, scope: 'openid profile' });
    assert.deepEqual(other.pages, ['login'], 'after a login the remembered consent applies');
    // more scopes than consented: the consent page again
    other.pages = [];
    const more = await login(client, REDIRECT, { browser: other, scope: 'openid profile email' });
    assert.deepEqual(other.pages, ['consent']);
    assert.deepEqual(sortedScope(more.tokenSet.scope), ['email', 'openid', 'profile']);
    // the same browser, with its session, the same scopes
    browser.pages = [];
    await login(client, REDIRECT, { browser, scope: 'openid profile' });
    assert.deepEqual(browser.pages, [], 'a session and a remembered consent: straight back to the app');
});

test('state is echoed exactly, whatever its characters (RFC 6749 §4.1.2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const state = 'a b+c&d=e/f?g%h#i~é€';
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john, params: { state } });
    assert.equal(params.state, state);
    assert.ok((await coolLoan.callback(COOLLOAN_REDIRECT, params, { ...checks, state })).id_token);
});

test('wrong state, wrong or missing iss in the callback: the library refuses (RFC 6749 §10.12, RFC 9207 §2.4)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    assert.equal(params.iss, bank.issuerUrl, 'the bank sends iss with the code (RFC 9207)');
    assert.equal(params.state, checks.state, 'state echoed exactly');
    await expectRPError(coolLoan.callback(COOLLOAN_REDIRECT, params, { ...checks, state: generators.state() }), /state mismatch/);
    await expectRPError(coolLoan.callback(COOLLOAN_REDIRECT, { ...params, iss: 'http://evil.example' }, checks), /iss mismatch/);
    const { iss, ...withoutIss } = params;
    assert.ok(iss);
    await expectRPError(coolLoan.callback(COOLLOAN_REDIRECT, withoutIss, checks), /iss missing/);
    // the code was never sent: it still works
    const tokenSet = await coolLoan.callback(COOLLOAN_REDIRECT, params, checks);
    assert.ok(tokenSet.id_token);
});

test('wrong client secret → invalid_client, 401 with WWW-Authenticate (RFC 6749 §5.2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    const wrongBasic = new issuer.Client({
        client_id: 'coolloan', client_secret: 'not-the-secret', redirect_uris: [COOLLOAN_REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
    });
    const e = await expectOPError(wrongBasic.callback(COOLLOAN_REDIRECT, params, checks), 'invalid_client', 401);
    assert.match(e.response.headers['www-authenticate'] || '', /^Basic/i, 'WWW-Authenticate names the scheme the client used');
    assert.match(e.response.headers['cache-control'] || '', /no-store/);
    const wrongPost = new issuer.Client({
        client_id: postApp.metadata.client_id, client_secret: `${postAppSecret}x`, redirect_uris: [POSTAPP_REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
    });
    await expectOPError(wrongPost.refresh('whatever'), 'invalid_client', 401);
    await expectOPError(wrongBasic.revoke('whatever'), 'invalid_client', 401);
    await expectOPError(wrongBasic.introspect('whatever'), 'invalid_client', 401);
    // two authentication methods in one request (Basic and client_secret in the body): invalid_request (RFC 6749 §2.3)
    await expectOPError(coolLoan.callback(COOLLOAN_REDIRECT, params, checks, { exchangeBody: { client_secret: bank.coolLoanSecret } }),
        'invalid_request', 400);
    // the refused attempts did not use up the code
    assert.ok((await coolLoan.callback(COOLLOAN_REDIRECT, params, checks)).access_token);
});

test('code replay → invalid_grant, and the tokens issued from the code are revoked (RFC 6749 §4.1.2, §10.5)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    const first = await coolLoan.callback(COOLLOAN_REDIRECT, params, checks);
    assert.equal((await coolLoan.introspect(first.access_token)).active, true);
    await expectOPError(coolLoan.callback(COOLLOAN_REDIRECT, params, checks), 'invalid_grant', 400);
    assert.deepEqual(await coolLoan.introspect(first.access_token), { active: false });
    assert.deepEqual(await coolLoan.introspect(first.refresh_token), { active: false });
    await expectOPError(coolLoan.refresh(first), 'invalid_grant', 400);
});

test('PKCE verifier mismatch → invalid_grant (RFC 7636 §4.6)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    await expectOPError(coolLoan.callback(COOLLOAN_REDIRECT, params, { ...checks, code_verifier: generators.codeVerifier() }), 'invalid_grant', 400);
    await expectOPError(coolLoan.callback(COOLLOAN_REDIRECT, params, { ...checks, code_verifier: undefined }), 'invalid_grant', 400);
});

test('code bound to redirect URI and client → invalid_grant (RFC 6749 §4.1.3)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    await expectOPError(coolLoan.callback('http://127.0.0.1:9/callback', params, checks), 'invalid_grant', 400);
    // another client presenting CoolLoan's code
    await expectOPError(postApp.callback(COOLLOAN_REDIRECT, params, checks), 'invalid_grant', 400);
});

test('unsupported grant types → unsupported_grant_type (RFC 6749 §5.2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    await expectOPError(coolLoan.grant({ grant_type: 'password', username: JOHN.username, password: JOHN.password }), 'unsupported_grant_type', 400);
    await expectOPError(coolLoan.grant({ grant_type: 'client_credentials' }), 'unsupported_grant_type', 400);
});

// Errors at the authorization endpoint come back to the app (RFC 6749 §4.1.2.1) with state and iss:
// the library checks both before it reports the OPError.
async function authorizationError(client, redirectUri, params, { browser = john, decision, scope = 'openid' } = {}) {
    const p = pkceAndFriends();
    const url = new URL(client.authorizationUrl({
        redirect_uri: redirectUri, scope, code_challenge: p.code_challenge,
        code_challenge_method: 'S256', state: p.state, nonce: p.nonce,
    }));
    for (const [key, value] of Object.entries(params)) {
        if (value === undefined) url.searchParams.delete(key);
        else url.searchParams.set(key, value);
    }
    return authorizationErrorAt(client, redirectUri, url.href, p, browser, decision);
}

async function authorizationErrorAt(client, redirectUri, url, p, browser, decision) {
    const callbackUrl = await johnAuthorizes(browser, url, redirectUri, { decision });
    const callbackParams = client.callbackParams(callbackUrl);
    assert.equal(callbackParams.code, undefined, 'no code with an error');
    assert.equal(callbackParams.state, p.state);
    assert.equal(callbackParams.iss, bank.issuerUrl);
    const e = await client.callback(redirectUri, callbackParams, p).then(() => assert.fail('expected an error'), (e) => e);
    assert.ok(e instanceof OPError, String(e && e.stack));
    return e;
}

test('authorization errors are redirected with error, state and iss (RFC 6749 §4.1.2.1, RFC 9207)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const cases = [
        [{ code_challenge_method: 'plain' }, 'invalid_request', 'PKCE plain refused (RFC 7636 §4.3, RFC 9700 §2.1.1)'],
        [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request', 'PKCE required'],
        [{ code_challenge: 'too-short' }, 'invalid_request', 'malformed S256 challenge (RFC 7636 §4.2)'],
        [{ response_type: 'token' }, 'unsupported_response_type', 'no implicit flow'],
        [{ response_type: 'code id_token' }, 'unsupported_response_type', 'no hybrid flow'],
        [{ scope: 'openid not-a-scope' }, 'invalid_scope', 'unknown scope'],
        [{ scope: 'openid payments:write' }, 'invalid_scope', 'scope not allowed for CoolLoan'],
        [{ prompt: 'none login' }, 'invalid_request', 'prompt=none with other values (OIDC Core §3.1.2.1)'],
        [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported', 'request objects (OIDC Core §6)'],
    ];
    for (const [params, error, why] of cases) {
        const e = await authorizationError(coolLoan, COOLLOAN_REDIRECT, params);
        assert.equal(e.error, error, `${why}: ${e.error_description ?? ''}`);
    }

    // prompt=none without a login session → login_required (OIDC Core §3.1.2.6)
    const fresh = await authorizationError(coolLoan, COOLLOAN_REDIRECT, { prompt: 'none' }, { browser: new Browser() });
    assert.equal(fresh.error, 'login_required');
    // prompt=none with a session at the bank but no consent for this client yet → consent_required
    const SILENT_REDIRECT = 'http://127.0.0.1:53685/silent/callback';
    const registered = await registerClient('Silent App', SILENT_REDIRECT);
    const silentApp = new issuer.Client({
        client_id: registered.client_id, client_secret: registered.client_secret, redirect_uris: [SILENT_REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
    });
    const noConsent = await authorizationError(silentApp, SILENT_REDIRECT, { prompt: 'none' });
    assert.equal(noConsent.error, 'consent_required');
    // John denies → access_denied
    const denied = await authorizationError(silentApp, SILENT_REDIRECT, {}, { decision: 'deny' });
    assert.equal(denied.error, 'access_denied');
    const deniedAgain = await authorizationError(postApp, POSTAPP_REDIRECT, { prompt: 'consent' }, { decision: 'deny', browser: new Browser() });
    assert.equal(deniedAgain.error, 'access_denied');
    // prompt=none with a session and a remembered consent → a code, no page at all
    const silent = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john, scope: 'openid', params: { prompt: 'none' } });
    assert.ok((await coolLoan.callback(COOLLOAN_REDIRECT, silent.params, silent.checks)).id_token);
});

test('unknown client or unregistered redirect URI: an error page, never a redirect (RFC 6749 §4.1.2.1)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const p = pkceAndFriends();
    const good = new URL(coolLoan.authorizationUrl({
        redirect_uri: COOLLOAN_REDIRECT, scope: 'openid', code_challenge: p.code_challenge,
        code_challenge_method: 'S256', state: p.state, nonce: p.nonce,
    }));
    const variants = [
        ['client_id', 'no-such-client'],
        ['redirect_uri', 'http://evil.example/callback'],
        ['redirect_uri', 'http://127.0.0.1:53682/other'],
    ];
    for (const [key, value] of variants) {
        const url = new URL(good);
        url.searchParams.set(key, value);
        const response = await john.request(url.href);
        await response.text();
        assert.equal(response.headers.get('location'), null, `${key}=${value} must not redirect`);
        assert.ok(response.status >= 400 && response.status < 500, `${key}=${value}: ${response.status}`);
    }
});

test('plain OAuth without openid: no ID token, userinfo refuses with insufficient_scope (OIDC Core §5.3)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john, scope: 'accounts:read' });
    const tokenSet = await coolLoan.oauthCallback(COOLLOAN_REDIRECT, params, { code_verifier: checks.code_verifier, state: checks.state });
    assert.equal(tokenSet.id_token, undefined);
    assert.ok(tokenSet.refresh_token);
    assert.deepEqual(sortedScope(tokenSet.scope), ['accounts:read']);
    assert.equal((await api(coolLoan, tokenSet, '/api/accounts')).status, 200);
    await expectOPError(coolLoan.userinfo(tokenSet.access_token), 'insufficient_scope', 403);

    // an ID token is no access token (RFC 9068 §4: typ at+jwt)
    const { tokenSet: oidc } = await login(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    const withIdToken = await api(coolLoan, oidc.id_token, '/api/accounts');
    assert.equal(withIdToken.status, 401);
    assert.match(withIdToken.headers['www-authenticate'] || '', /error="invalid_token"/);
    // no token at all: 401 with a bare challenge (RFC 6750 §3.1)
    const bare = await fetch(`${bank.issuerUrl}/api/accounts`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    assert.equal(bare.status, 401);
    assert.match(bare.headers.get('www-authenticate') || '', /^Bearer /);
    assert.doesNotMatch(bare.headers.get('www-authenticate') || '', /error=/);
});

test('revocation and introspection are per client (RFC 7009 §2.1, RFC 7662 §2.2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    // another client sees nothing and cannot revoke CoolLoan's tokens
    assert.deepEqual(await postApp.introspect(tokenSet.access_token), { active: false });
    const refused = await postApp.revoke(tokenSet.access_token).then(() => assert.fail('revoked another client\'s token'), (e) => e);
    assert.ok(refused instanceof OPError, String(refused));
    assert.ok(refused.response.statusCode >= 400 && refused.response.statusCode < 500);
    assert.equal((await coolLoan.introspect(tokenSet.access_token)).active, true, 'still active for its own client');
});

test('token and userinfo responses are not cached (RFC 6749 §5.1, OIDC Core §5.3.2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // the library hides response headers on success, so this exchange is done by hand
    const { params, checks } = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser: john });
    const response = await fetch(issuer.metadata.token_endpoint, {
        method: 'POST',
        headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: `Basic ${Buffer.from(`coolloan:${encodeURIComponent(bank.coolLoanSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({
            grant_type: 'authorization_code', code: params.code, redirect_uri: COOLLOAN_REDIRECT, code_verifier: checks.code_verifier,
        }),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.match(response.headers.get('content-type') || '', /^application\/json/);
    assert.match(response.headers.get('cache-control') || '', /no-store/);
    assert.equal(response.headers.get('pragma'), 'no-cache');
    assert.equal(body.token_type.toLowerCase(), 'bearer');
    const userinfo = await fetch(issuer.metadata.userinfo_endpoint, {
        headers: { Authorization: `Bearer ${body.access_token}` }, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    assert.equal(userinfo.status, 200);
    assert.match(userinfo.headers.get('content-type') || '', /^application\/json/);
    assert.match(userinfo.headers.get('cache-control') || '', /no-store/);
});

test('expiry: an expired code is invalid_grant, an expired access token is refused (RFC 6749 §4.1.2, RFC 6750 §3.1)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A second bank with very short lifetimes. The bank counts whole seconds, so a lifetime of 2 s
    // leaves a code or token at least 1 s of life and ends it at most 2 s after it was issued.
    const shortLived = await startBank(['--code-lifetime', '2', '--access-token-lifetime', '2']);
    const shortIssuer = await Issuer.discover(shortLived.issuerUrl);
    const client = new shortIssuer.Client({
        client_id: 'coolloan', client_secret: shortLived.coolLoanSecret, redirect_uris: [COOLLOAN_REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic',
    });
    const browser = new Browser();
    const fresh = await authorize(client, COOLLOAN_REDIRECT, { browser });
    const tokenSet = await client.callback(COOLLOAN_REDIRECT, fresh.params, fresh.checks);
    const stale = await authorize(client, COOLLOAN_REDIRECT, { browser });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await expectOPError(client.callback(COOLLOAN_REDIRECT, stale.params, stale.checks), 'invalid_grant', 400);
    const expired = await client.requestResource(`${shortLived.issuerUrl}/api/accounts`, tokenSet);
    assert.equal(expired.statusCode, 401);
    assert.match(expired.headers['www-authenticate'] || '', /error="invalid_token"/);
    assert.deepEqual(await client.introspect(tokenSet.access_token), { active: false });
    // the refresh token outlives the access token
    const refreshed = await client.refresh(tokenSet);
    assert.ok(refreshed.access_token && refreshed.id_token);
    await stopBank(shortLived);
});

test('claims request parameter: claims by name in the ID token and at userinfo, again on refresh (OIDC Core §5.5)', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal(issuer.metadata.claims_parameter_supported, true, 'OIDC Discovery §3');
    for (const claim of ['acr', 'amr', 'email', 'given_name'])
        assert.ok(issuer.metadata.claims_supported.includes(claim), `claims_supported names ${claim}`);
    const claims = { id_token: { email: { essential: true }, name: null }, userinfo: { given_name: null } };
    const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, {
        browser: new Browser(),
        scope: 'openid offline_access',
        params: { claims: JSON.stringify(claims) },
    });
    const idToken = tokenSet.claims();
    assert.ok(idToken.email, 'email asked for the ID token');
    assert.ok(idToken.name, 'name asked for the ID token');
    assert.equal(idToken.given_name, undefined, 'given_name was asked for userinfo only');
    const userinfo = await coolLoan.userinfo(tokenSet);
    assert.equal(userinfo.sub, idToken.sub);
    assert.ok(userinfo.given_name, 'given_name asked for userinfo');
    assert.equal(userinfo.email, undefined, 'email was asked for the ID token only, and no email scope');
    // OIDC Core §12.2: the refreshed ID token is the same grant's, with the same claims.
    const refreshed = await coolLoan.refresh(tokenSet);
    assert.equal(refreshed.claims().email, idToken.email);
    assert.equal(refreshed.claims().name, idToken.name);

    // Malformed: invalid_request back to the client, with state and iss (RFC 6749 §4.1.2.1).
    for (const malformed of ['{"userinfo":', '["email"]', '{"userinfo":{"email":"yes"}}', '{"id_token":{"acr":{"essential":1}}}']) {
        const e = await authorizationError(coolLoan, COOLLOAN_REDIRECT, { claims: malformed });
        assert.equal(e.error, 'invalid_request', `claims=${malformed}: ${e.error_description ?? ''}`);
    }
});

test('acr and amr: acr_values honoured, amr says "pwd", after a login, a silent re-authorization and a refresh (OIDC Core §2, §3.1.2.1; RFC 8176)', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.deepEqual(issuer.metadata.acr_values_supported, ['0']);
    const browser = new Browser();
    const { tokenSet } = await login(coolLoan, COOLLOAN_REDIRECT, {
        browser,
        scope: 'openid offline_access',
        params: { acr_values: 'urn:example:loa:gold 0' },
    });
    assert.equal(tokenSet.claims().acr, '0', 'the first acr value the bank can assert');
    assert.deepEqual(tokenSet.claims().amr, ['pwd']);

    const silent = await authorize(coolLoan, COOLLOAN_REDIRECT, { browser, scope: 'openid', params: { prompt: 'none' } });
    const silentSet = await coolLoan.callback(COOLLOAN_REDIRECT, silent.params, silent.checks);
    assert.deepEqual(silentSet.claims().amr, ['pwd']);
    assert.equal(silentSet.claims().acr, '0');
    assert.equal(silentSet.claims().auth_time, tokenSet.claims().auth_time, 'no new login');

    const refreshed = await coolLoan.refresh(tokenSet);
    assert.deepEqual(refreshed.claims().amr, ['pwd']);
    assert.equal(refreshed.claims().acr, '0');

    // An essential acr the bank cannot assert is a failed authentication (OIDC Core §5.5.1.1).
    const essential = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:example:loa:gold'] } } });
    const e = await authorizationError(coolLoan, COOLLOAN_REDIRECT, { claims: essential }, { browser: new Browser() });
    assert.equal(e.error, 'access_denied');
});

test('key rotation: tokens signed before and after rotate-key both validate (OIDC Core §10.1.1)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A bank of its own: the other tests keep the key they started with.
    const rotating = await startBank();
    const rotatingIssuer = await Issuer.discover(rotating.issuerUrl);
    const client = new rotatingIssuer.Client({
        client_id: 'coolloan', client_secret: rotating.coolLoanSecret, redirect_uris: [COOLLOAN_REDIRECT],
        token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'RS256',
    });
    const before = await login(client, COOLLOAN_REDIRECT);
    const oldKid = jose.decodeProtectedHeader(before.tokenSet.id_token).kid;

    // rotate-key while the bank runs on the same data directory
    const { stdout } = await promisify(execFile)(BANK, ['rotate-key', '--data-dir', rotating.dataDir], { timeout: 15000 });
    const rotation = JSON.parse(stdout.trim().split('\n').pop());
    assert.equal(rotation.retired_kid, oldKid);
    assert.notEqual(rotation.kid, oldKid);
    assert.equal(rotation.retired_key_leaves_jwks_at, before.tokenSet.claims().exp, 'the old key leaves when its last token expires');

    // openid-client fetches the JWKS again for an unknown kid at most once a minute, and it fetched it a
    // moment ago: the relying party here is a new one (as after a restart, or a minute later).
    const rpAfter = await Issuer.discover(rotating.issuerUrl);
    const clientAfter = new rpAfter.Client(client.metadata);
    const after = await login(clientAfter, COOLLOAN_REDIRECT);
    assert.equal(jose.decodeProtectedHeader(after.tokenSet.id_token).kid, rotation.kid);
    // The library validates the ID token signed before the rotation against the JWKS of now, too.
    await clientAfter.validateIdToken(before.tokenSet, before.checks.nonce, 'token');

    // The JWKS publishes both: a token signed before the rotation and one signed after verify against it.
    const keySet = jose.createRemoteJWKSet(new URL(rotatingIssuer.metadata.jwks_uri));
    for (const { tokenSet } of [before, after]) {
        const { payload } = await jose.jwtVerify(tokenSet.id_token, keySet, { issuer: rotating.issuerUrl, audience: 'coolloan' });
        assert.equal(payload.sub, tokenSet.claims().sub);
    }
    // The bank itself still takes the access token signed with the old key.
    const userinfo = await client.userinfo(before.tokenSet.access_token);
    assert.ok(userinfo.sub);
    await stopBank(rotating);
});

// ---------------------------------------------------------------------------------------------
// Findings: behaviour that contradicts the RFCs or the bank's own metadata (see the report in the
// test names; these fail until the bank is fixed).

test('introspection requires client authentication: a public client_id alone is refused (RFC 7662 §2.1, RFC 8414 §2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // RFC 7662 §2.1: "the endpoint MUST also require some form of authorization to access this
    // endpoint, such as client authentication". A public client cannot authenticate (RFC 6749 §2.1),
    // and the bank's own metadata lists only client_secret_basic and client_secret_post.
    assert.ok(!issuer.metadata.introspection_endpoint_auth_methods_supported.includes('none'));
    const REDIRECT = 'http://127.0.0.1:53686/introspect/callback';
    const registered = await registerClient('Curious Public App', REDIRECT, ['--public']);
    const client = new issuer.Client({ client_id: registered.client_id, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    const { tokenSet } = await login(client, REDIRECT, { browser: john });
    await expectOPError(client.introspect(tokenSet.access_token), 'invalid_client', 401);
});

test('revocation metadata names every method the endpoint accepts: public clients revoke with none (RFC 7009 §2.1, RFC 8414 §2)', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The public-client test above revokes with token_endpoint_auth_method none (client_id only), as
    // RFC 7009 §2.1 allows; RFC 8414 §2 revocation_endpoint_auth_methods_supported must then say so,
    // or a client library that honours the metadata will not revoke at all.
    assert.ok(issuer.metadata.revocation_endpoint_auth_methods_supported.includes('none'),
        `revocation_endpoint_auth_methods_supported is ${JSON.stringify(issuer.metadata.revocation_endpoint_auth_methods_supported)}`);
});
