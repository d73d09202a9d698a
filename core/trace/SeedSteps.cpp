#include "trace/SeedSteps.h"

#include <QCoreApplication>

namespace cfl {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("cfl::SeedSteps", text);
}

QList<SeedStep> makeSeedSteps()
{
    const QString john = QStringLiteral("John");
    const QString browser = QStringLiteral("Browser");
    const QString coolLoan = QStringLiteral("CoolLoan");
    const QString eddy = QStringLiteral("eddy");
    const QString boris = QStringLiteral("boris");
    const QString banky = QStringLiteral("banky");
    return {
        { 1, browser, eddy, tr("send authorization request (redirect, client_id, scope)"),
            tr("CoolLoan does not ask John for his bank password: it sends John's browser to the bank's "
               "authorization server, eddy, with a request saying who asks (client_id), for what (scope) "
               "and where the answer must go (redirect_uri). It adds a random <b>state</b>, to recognise "
               "its own answer later and reject one an attacker pushes into John's browser (CSRF), and a "
               "<b>PKCE code_challenge</b>: the SHA-256 fingerprint of a secret code_verifier that only "
               "CoolLoan knows.") },
        { 2, eddy, eddy, tr("validate the authorization request"),
            tr("Before showing John anything, eddy checks the request: is the client_id registered, is the "
               "redirect_uri <b>exactly</b> one that CoolLoan registered, are the scopes allowed, is there "
               "a PKCE challenge? The exact redirect URI match matters most: if any address were accepted, "
               "an attacker could have the code sent to his own server. When a check fails, eddy shows an "
               "error and redirects nowhere.") },
        { 3, eddy, browser, tr("login screen"),
            tr("eddy answers the browser with the bank's own login page. John will type his password on "
               "the bank's page, at the bank's address: CoolLoan never sees it. That is the whole "
               "difference with PirateLoan, which asks John for his password.") },
        { 4, john, browser, tr("set credential"),
            tr("John types his user name and password into the bank's page, in his own browser. He can "
               "check the address bar: this is his bank, not CoolLoan.") },
        { 5, browser, eddy, tr("push user and password"),
            tr("The browser sends the credentials to eddy, and to eddy only. The form carries a CSRF "
               "token, so that no other web site can submit it in John's name, and repeated wrong "
               "passwords are slowed down. A wrong password brings the form back; nothing goes to "
               "CoolLoan.") },
        { 6, eddy, browser, tr("consent screen"),
            tr("eddy asks John: <i>CoolLoan wants to read your accounts — allow?</i> The screen names the "
               "client and the scopes as the bank knows them, not as CoolLoan describes itself. John is "
               "about to grant a limited, revocable access, not to hand over his password.") },
        { 7, john, browser, tr("accept"),
            tr("John reads the scopes and accepts. He could deny: CoolLoan would then receive an error "
               "(access_denied) and nothing else. He can also withdraw his consent later, at the bank.") },
        { 8, browser, eddy, tr("response of consent"),
            tr("The browser sends John's decision to eddy. The form is tied to John's session at the bank "
               "and carries a CSRF token: another site cannot click “accept” for him.") },
        { 9, eddy, eddy, tr("issue the authorization code"),
            tr("eddy issues an <b>authorization code</b>: random, single use, valid for a minute, and "
               "bound to CoolLoan's client_id, the redirect_uri, the scopes and the PKCE challenge. The "
               "code by itself opens nothing: it must still be exchanged by CoolLoan, with its client "
               "secret and the PKCE verifier.") },
        { 10, eddy, browser, tr("redirect to registered callback + code"),
            tr("eddy redirects the browser to CoolLoan's <b>registered</b> callback address, with the code "
               "and the state from step 1. The code travels through the browser (the front channel), where "
               "history or logs may show it: that is why it is short-lived, works once, and is useless "
               "without the client secret and the PKCE verifier.") },
        { 11, browser, coolLoan, tr("call redirect URL + code"),
            tr("The browser brings the code to CoolLoan. CoolLoan first checks that the <b>state</b> is "
               "the one it sent in step 1: if not, this redirect was not started by CoolLoan — someone "
               "tries to slip his own code into John's session (CSRF) — and CoolLoan stops.") },
        { 12, coolLoan, boris,
            tr("POST (client_id, client_secret, redirect URI, code, grant_type authorization_code)"),
            tr("CoolLoan now talks to the bank's token provider, boris, directly, server to server (the "
               "back channel, not through the browser). It sends the code with its <b>client secret</b> "
               "(HTTP Basic), the same redirect_uri and the <b>PKCE code_verifier</b>. A stolen code is "
               "useless: the thief has neither the secret nor the verifier whose SHA-256 must equal the "
               "challenge of step 1.") },
        { 13, boris, coolLoan, tr("access token + refresh token"),
            tr("boris answers with an <b>access token</b> (short-lived, limited to the scopes John "
               "approved), a <b>refresh token</b> (new access tokens later, without bothering John) and an "
               "ID token (who John is, signed by the bank). They go straight to CoolLoan and never through "
               "John's browser. The code is now spent: a second use is refused and revokes these tokens.") },
        { 14, coolLoan, banky, tr("GET resource, Authorization: Bearer access token"),
            tr("CoolLoan calls the bank's API, banky, with the access token in the header "
               "<code>Authorization: Bearer</code>. A bearer token works for whoever holds it, like cash: "
               "so it travels only server to server over HTTPS in real life, expires within minutes and "
               "carries only the approved scopes.") },
        { 15, banky, banky, tr("validate token"),
            tr("banky checks the token before answering: signed by the bank's key, issued by this bank, "
               "meant for this API (audience), not expired, not revoked, and its scope covers the request. "
               "A forged, expired or revoked token, or one with too little scope, gets 401 or 403 and no "
               "data.") },
        { 16, banky, coolLoan, tr("return the resource"),
            tr("banky returns the data — only what the scope allows: reading accounts, not moving money. "
               "CoolLoan never learned John's password, and John can revoke this access at the bank at any "
               "time.") },
    };
}

bool pathIs(const TraceEvent &event, const char *path)
{
    return event.url.path() == QLatin1String(path);
}

bool pathStarts(const TraceEvent &event, const char *prefix)
{
    return event.url.path().startsWith(QLatin1String(prefix));
}

EventExplanation explainUnnumbered(const TraceEvent &event)
{
    const bool pirate = event.from == QLatin1String("PirateLoan") || event.to == QLatin1String("PirateLoan");
    const bool fromBrowser = event.from == QLatin1String("Browser") || event.to == QLatin1String("Browser");

    if (isRefusal(event) && pathStarts(event, "/session/end")) {
        EventExplanation e { tr("The bank does not trust this logout request"),
            tr("Nothing shows that the app John uses sent this logout request, or it asks to send him "
               "somewhere the app never registered. So the bank will not send the browser anywhere, and it "
               "asks John before ending his session: any web page could send his browser here.") };
        if (!event.refusalRule.isEmpty())
            e.text += tr(" The rule is in <b>%1</b>.").arg(event.refusalRule.toHtmlEscaped());
        return e;
    }
    if (isRefusal(event)) {
        EventExplanation e { tr("Refused"),
            tr("A check failed and the request was refused: this is the protection working, not a bug. "
               "Nothing is handed out on a refusal — no code, no token, no data.") };
        if (!event.refusalRule.isEmpty())
            e.text += tr(" The rule broken is in <b>%1</b>.").arg(event.refusalRule.toHtmlEscaped());
        return e;
    }
    if (pirate) {
        if (event.url.path().endsWith(QLatin1String("/login")))
            return { tr("PirateLoan logs in as John"),
                tr("PirateLoan sends John's <b>own user name and password</b> to the bank, as if it were "
                   "John. The bank cannot tell them apart: PirateLoan gets everything John can do — read, "
                   "pay, change — for as long as the password stays the same. This is the anti-pattern the "
                   "authorization code flow replaces.") };
        return { tr("PirateLoan, logged in as John"),
            tr("PirateLoan browses John's online banking with John's session: no scope, no consent screen, "
               "no client registration. The bank sees John. The only way to stop it is for John to change "
               "his password.") };
    }
    switch (event.kind) {
    case TraceKind::Action:
        if (event.summary.contains(QLatin1String("log out")))
            return { tr("John confirms"),
                tr("John answers the bank's own page: yes, log me out. The form carries the session's CSRF "
                   "token, so no other site can press this button for him.") };
        if (event.summary.contains(QLatin1String("denies")))
            return { tr("John denies"),
                tr("John refuses: eddy will send CoolLoan an error (access_denied) and no code. Saying no "
                   "is always possible, and costs John nothing.") };
        return { tr("John acts"), tr("John does something in his browser.") };
    case TraceKind::Decision:
        // The attack lab: Mallory's own doings, on her lifelines (attack/AttackEngine.cpp, Run::note).
        if (event.from == malloryDevice() || event.from == malloryMalware() || event.from == malloryListener()
            || event.from == malloryBank())
            return { tr("Mallory acts"),
                tr("What Mallory does, or what she now holds, on her own lifeline. Nobody else sees this "
                   "step: "
                   "the bank and CoolLoan only see the requests she sends.") };
        if (event.from == QLatin1String("CoolLoan") && event.summary.contains(QLatin1String("logged out")))
            return { tr("CoolLoan logs out"),
                tr("The state is the one CoolLoan sent with its logout request, so this return answers it. "
                   "CoolLoan revokes its tokens at boris and forgets them, in memory and in the keychain. "
                   "Tokens the bank issued to other apps are not touched, and John's consent for CoolLoan "
                   "stays until he withdraws it at the bank.") };
        if (event.summary.contains(QLatin1String("logout request trusted")))
            return { tr("eddy trusts the logout request"),
                tr("The id_token_hint is an ID token the bank itself signed for CoolLoan, about the John who "
                   "is logged in here, and the post-logout address is one CoolLoan registered. Only such a "
                   "request ends the session without asking John and sends the browser back "
                   "(OpenID Connect RP-Initiated Logout §3).") };
        if (event.summary.contains(QLatin1String("bank session ends"))
            || event.summary.contains(QLatin1String("John confirmed")))
            return { tr("The bank session ends"),
                tr("eddy revokes John's session and clears its cookie: the next authorization request, even "
                   "one with prompt=none, must ask for his password again. What it does not end: the tokens "
                   "apps already hold (until they expire or are revoked) and the consents John gave.") };
        // CoolLoanClient::whenIdTokenKeyIsKnown: why the JWKS fetch after the token response happens.
        if (event.from == QLatin1String("CoolLoan")
            && event.summary.contains(QLatin1String("fetches the JWKS again")))
            return { tr("A key CoolLoan does not know"),
                tr("The ID token names a key id (kid) missing from the JWKS CoolLoan fetched: the bank may "
                   "have rotated its signing key (OpenID Connect Core §10.1.1). CoolLoan fetches the JWKS "
                   "again — once per unknown key id, at most once every 30 s, so that made-up key ids "
                   "cannot make it flood the bank — and then checks the signature.") };
        if (event.from == QLatin1String("CoolLoan")
            && event.summary.contains(QLatin1String("does not fetch")))
            return { tr("No second fetch"),
                tr("The ID token names a key id CoolLoan does not know, and CoolLoan has fetched the JWKS "
                   "for it already, or very recently: it does not ask again. The signature check will "
                   "refuse the token.") };
        if (event.from == QLatin1String("CoolLoan"))
            return { tr("CoolLoan checks"),
                tr("CoolLoan checks what it received itself rather than trusting it: the ID token's "
                   "signature against the bank's published keys, its issuer, audience, expiry and nonce.") };
        if (event.summary.contains(QLatin1String("authenticated")))
            return { tr("John is authenticated"),
                tr("eddy checked the password against its salted hash: John is who he says. A session "
                   "cookie, valid only at the bank, keeps him logged in there.") };
        if (event.summary.contains(QLatin1String("consent already given")))
            return { tr("Consent remembered"),
                tr("John already approved these scopes for CoolLoan earlier, so eddy does not ask again. "
                   "He can withdraw it in his online banking (Apps).") };
        if (event.summary.contains(QLatin1String("approved")))
            return { tr("Consent recorded"),
                tr("eddy records what John approved for CoolLoan: the scopes, and only those, will be in "
                   "the tokens.") };
        if (event.summary.contains(QLatin1String("rotated")))
            return { tr("Refresh token rotated"),
                tr("boris accepted the refresh token and replaced it with a new one: the old one is dead. "
                   "If a stolen copy of the old one is ever used, boris sees the replay and revokes the "
                   "whole family.") };
        if (event.summary.contains(QLatin1String("tokens issued")))
            return { tr("Code redeemed"),
                tr("boris checked everything at once: the code is known, unused and fresh; it was issued "
                   "to this client, for this redirect URI; the client secret is right; and "
                   "SHA-256(code_verifier) equals the PKCE challenge. Only then are tokens issued, and the "
                   "code is marked as used.") };
        if (event.summary.contains(QLatin1String("revoked")))
            return { tr("Revoked"),
                tr("From now on the bank refuses these tokens: banky answers 401 to anyone who uses them.") };
        return { tr("The bank decides"), tr("A decision taken inside the bank, on its own data.") };
    case TraceKind::Request:
    case TraceKind::Response:
        break;
    }

    if (pathIs(event, "/session/end") && event.kind == TraceKind::Request)
        return { tr("Log out at the bank (RP-initiated logout)"),
            tr("CoolLoan sends John's browser to eddy's end_session_endpoint: its ID token as id_token_hint "
               "says who and for which app, post_logout_redirect_uri where to come back, and a fresh state "
               "ties the return to this request. It goes through the browser because what ends is the "
               "browser's session cookie at the bank.") };
    if (pathIs(event, "/session/end") && event.status == 303)
        return { tr("Logged out, back to CoolLoan"),
            tr("eddy ended the session, cleared the cookie and sends the browser back to the post-logout "
               "address CoolLoan registered, with its state unchanged.") };
    if (pathStarts(event, "/session/end"))
        return { tr("The bank's logout page"),
            tr("The bank's own page: it asks John before logging him out, or tells him he is logged out. "
               "It never sends him on to an address it cannot trust.") };
    if (pathIs(event, "/logged-out"))
        return { tr("Back at CoolLoan after logging out"),
            tr("The browser brings the state back to CoolLoan's loopback listener. CoolLoan compares it with "
               "the one it sent: a return with another state was not asked for, and CoolLoan ignores it.") };
    if (pathStarts(event, "/.well-known/"))
        return { tr("Discovery"),
            tr("CoolLoan reads the bank's public discovery document: the addresses of eddy, boris and the "
               "keys, and what the bank supports (PKCE S256, client authentication...). Nothing secret "
               "here; it saves CoolLoan from hard-coding URLs.") };
    if (pathIs(event, "/jwks"))
        return { tr("The bank's public keys (JWKS)"),
            tr("CoolLoan fetches the bank's public signing keys. With them it checks the ID token's "
               "signature: a token not signed by the bank's private key is rejected. Public keys are meant "
               "to be published — only the private key signs.") };
    if (pathIs(event, "/token")) {
        if (event.requestBody.contains("grant_type=refresh_token"))
            return { tr("Refresh"),
                tr("The access token expires within minutes; CoolLoan gets a new one with its refresh "
                   "token and its client secret, without John. The refresh token rotates: each use returns "
                   "a new one and kills the old, so a stolen copy is caught the moment it is replayed.") };
        return { tr("Token request"), tr("CoolLoan, server to server, asks boris for tokens.") };
    }
    if (pathIs(event, "/revoke"))
        return { tr("Revocation"),
            tr("CoolLoan tells boris to revoke a token (RFC 7009), for instance when John disconnects. "
               "From then on the bank refuses it: a token can be withdrawn long before it would expire.") };
    if (pathIs(event, "/introspect"))
        return { tr("Introspection"),
            tr("A client asks boris whether a token is still active and what it allows (RFC 7662). Only "
               "registered clients may ask, with their credentials.") };
    if (pathIs(event, "/userinfo"))
        return { tr("Who is John? (userinfo)"),
            tr("CoolLoan asks eddy for John's profile with the access token (OpenID Connect). It gets only "
               "the claims of the scopes John approved — his name, not his password.") };
    if (pathIs(event, "/authorize"))
        return { tr("eddy takes over"),
            tr("eddy keeps the validated request on its side and sends the browser to its own interaction "
               "page, where John logs in and decides.") };
    if (pathStarts(event, "/interaction/") && event.kind == TraceKind::Response && event.status / 100 == 3)
        return { tr("On to the next page"),
            tr("eddy sends the browser on to its next page (after the login: the consent). Each page "
               "belongs to one interaction, tied to John's browser by a cookie.") };
    if (pathStarts(event, "/interaction/"))
        return { tr("The bank's page"),
            tr("The browser follows eddy's redirect and loads the bank's page: login or consent happen on "
               "the bank's own site, never on CoolLoan's.") };
    if (pathStarts(event, "/static/") || pathIs(event, "/favicon.ico"))
        return { tr("Page resources"),
            tr("The browser loads the bank page's style sheet or icon. Nothing secret.") };
    if (pathStarts(event, "/web"))
        return { tr("John's online banking"),
            tr("John uses his bank's own web site, logged in with his password: the bank's site may see "
               "everything, it is his bank.") };
    if (event.from == QLatin1String("CoolLoan") || event.to == QLatin1String("CoolLoan")) {
        if (fromBrowser)
            return { tr("CoolLoan answers the browser"),
                tr("CoolLoan tells John's browser it received the answer; the browser's part is done. "
                   "Everything that follows happens server to server.") };
        return { tr("CoolLoan and the bank"), tr("A call between CoolLoan and the bank, server to server.") };
    }
    if (!isBankParty(event.from) && !isBankParty(event.to))
        return { tr("Outside the bank"), tr("An exchange the bank did not take part in.") };
    return { tr("Another client"),
        tr("A client that is neither CoolLoan nor PirateLoan talks to the bank — perhaps a workshop "
           "participant with curl. The bank applies the very same checks.") };
}
} // namespace

const QList<SeedStep> &seedSteps()
{
    static const QList<SeedStep> steps = makeSeedSteps();
    return steps;
}

const SeedStep *seedStep(int number)
{
    if (number < 1 || number > SeedStepCount)
        return nullptr;
    return &seedSteps().at(number - 1);
}

bool isRefusal(const TraceEvent &event)
{
    if (!event.refusalRule.isEmpty())
        return true;
    if (event.kind != TraceKind::Response)
        return false;
    if (event.status == 0 || event.status >= 400)
        return true;
    // An authorization error travels as a redirect (RFC 6749 §4.1.2.1); John saying no is not a refusal.
    if (event.status != 302 && event.status != 303)
        return false;
    for (const auto &[name, value] : event.responseHeaders) {
        if (name.compare("Location", Qt::CaseInsensitive) == 0)
            return value.contains("error=") && !value.contains("error=access_denied");
    }
    return false;
}

EventExplanation explanationFor(const TraceEvent &event)
{
    if (const SeedStep *step = seedStep(event.step))
        return { step->label, step->explanation };
    return explainUnnumbered(event);
}

} // namespace cfl
