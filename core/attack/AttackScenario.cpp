#include "attack/AttackScenario.h"

namespace cfl::attack {

QList<Weakness> Scenario::weaknesses() const
{
    QList<Weakness> all;
    for (const DefenceLayer &layer : layers) {
        for (const Weakness weakness : layer.weaknesses) {
            if (!all.contains(weakness))
                all.append(weakness);
        }
    }
    return all;
}

QList<Scenario> allScenarios()
{
    const QString malware = QStringLiteral(
        "Mallory's malware on John's laptop: it reads CoolLoan's configuration (its client secret) and "
        "traffic — one laptop stands in for CoolLoan's server and John's device.");
    return {
        { QStringLiteral("code-injection"),
            QStringLiteral("Mallory logs her own CoolLoan session in with John's stolen code"),
            QStringLiteral(
                "Mallory's browser extension reads the code in John's redirect to CoolLoan and stops it; she "
                "opens her own CoolLoan session's callback with that code (RFC 9700 §4.5).\nboris ties "
                "the code to its redirect_uri and PKCE challenge; CoolLoan ties the ID token to its nonce."),
            QStringLiteral("One laptop: Mallory's extension is a script reading John's (scripted) browser, "
                           "and her CoolLoan session is the same CoolLoan as John's, as if on her own "
                           "device, whose callback listens on another loopback port."),
            QStringLiteral("Mallory's malware (a browser extension), Mallory's device"),
            { { { Weakness::TokenRedirectUriNotCompared }, QStringLiteral("boris"), 400,
                  QStringLiteral("invalid_grant"), QStringLiteral("token.code.redirect_uri"),
                  QStringLiteral("redirect_uri is the authorization request's, character for character (RFC "
                                 "6749 §4.1.3)") },
                { { Weakness::PkceNotChecked }, QStringLiteral("boris"), 400, QStringLiteral("invalid_grant"),
                    QStringLiteral("token.code.pkce"),
                    QStringLiteral("BASE64URL(SHA-256(code_verifier)) equals the code_challenge (RFC 7636 "
                                   "§4.6)") },
                { { Weakness::NonceNotChecked }, QStringLiteral("CoolLoan"), 0, QString(),
                    QStringLiteral("coolloan.id_token.nonce"),
                    QStringLiteral(
                        "nonce is the one CoolLoan sent (OpenID Connect Core §3.1.3.7 (11))") } } },
        { QStringLiteral("code-replay"),
            QStringLiteral("Mallory redeems a code CoolLoan already used and gets John's tokens"),
            QStringLiteral("CoolLoan redeems John's code; Mallory's malware captured that token request and "
                           "sends it again (RFC 9700 §4.2.4).\nA bank that remembers redeemed codes refuses "
                           "the second one and revokes the tokens of the first (RFC 6749 §10.5)."),
            malware
                + QStringLiteral(" John's browser is scripted (its own cookie jar) and hands the code to a "
                                 "scripted CoolLoan back channel."),
            QStringLiteral("Mallory's malware"),
            { { { Weakness::CodeReusable }, QStringLiteral("boris"), 400, QStringLiteral("invalid_grant"),
                QStringLiteral("token.code.unused"),
                QStringLiteral("a code used before is refused, and its tokens revoked (RFC 6749 §4.1.2, "
                               "§10.5)") } } },
        { QStringLiteral("refresh-theft"),
            QStringLiteral("Mallory keeps using a refresh token that CoolLoan already rotated"),
            QStringLiteral("Mallory's malware copied CoolLoan's refresh token; CoolLoan rotates it, Mallory "
                           "uses the old one.\nA bank that rotates refresh tokens sees the reuse and revokes "
                           "the whole family, CoolLoan's too (RFC 9700 §4.14.2)."),
            malware
                + QStringLiteral(" John's browser is scripted and hands the code to a scripted CoolLoan."),
            QStringLiteral("Mallory's malware"),
            { { { Weakness::RefreshNotRotated }, QStringLiteral("boris"), 400,
                QStringLiteral("invalid_grant"), QStringLiteral("token.refresh.not_rotated"),
                QStringLiteral("a rotated refresh token used again revokes its whole family (RFC 9700 "
                               "§4.14.2)") } } },
        { QStringLiteral("pkce-downgrade"),
            QStringLiteral("Mallory strips PKCE from CoolLoan's request and redeems John's code without the "
                           "verifier"),
            QStringLiteral("Mallory's malware removes code_challenge from the link CoolLoan gives John, then "
                           "reads the code from his redirect and redeems it first (RFC 9700 §4.8).\neddy "
                           "requires a challenge from every client; boris requires the verifier."),
            malware
                + QStringLiteral(" It edits the authorization request in John's (scripted) browser, as a "
                                 "malicious extension or local proxy would, and reads the redirect."),
            QStringLiteral("Mallory's malware"),
            { { { Weakness::PkceChallengeOptional }, QStringLiteral("eddy"), 302,
                  QStringLiteral("invalid_request"), QStringLiteral("authorize.pkce.challenge_present"),
                  QStringLiteral(
                      "code_challenge is present: PKCE for every client (RFC 7636 §4.4.1, RFC 9700 "
                      "§2.1.1)") },
                { { Weakness::PkceNotChecked }, QStringLiteral("boris"), 400, QStringLiteral("invalid_grant"),
                    QStringLiteral("token.code.verifier_present"),
                    QStringLiteral("code_verifier is present (RFC 7636 §4.5)") } } },
        { QStringLiteral("forged-jwt"),
            QStringLiteral("Mallory writes her own access token, in John's name, and banky believes it"),
            QStringLiteral(
                "Mallory forges an access token in RFC 9068's layout — alg none, sub John's, scope "
                "accounts:read — and calls banky with it (RFC 8725 §3.1).\nbanky verifies the "
                "RS256 signature whatever alg the token names, then asks its ledger whether the bank "
                "issued that token at all."),
            QStringLiteral(
                "Mallory's device needs nothing of John's: subjects here are user-N, and the layout "
                "of an access token is public (RFC 9068)."),
            QStringLiteral("Mallory's device"),
            { { { Weakness::BankyTrustsToken }, QStringLiteral("banky"), 401, QStringLiteral("invalid_token"),
                  QStringLiteral("api.token.signature"),
                  QStringLiteral(
                      "RS256 signature by a key of the bank's JWKS, whatever alg the token names (RFC "
                      "7515, RFC 8725 §3.1)") },
                { { Weakness::BankySkipsLedger }, QStringLiteral("banky"), 401,
                    QStringLiteral("invalid_token"), QStringLiteral("api.token.known"),
                    QStringLiteral("the ledger knows the token, by jti, as an access token (RFC 7009)") } } },
        { QStringLiteral("307-redirect"),
            QStringLiteral("eddy's 307 makes John's browser post his password to MalloryApp"),
            QStringLiteral(
                "John tried MalloryApp, a registered client, once. It sends him to log in again "
                "(prompt=login); eddy answers his login form with a redirect to MalloryApp.\nWith "
                "307 the browser posts the form again — password included — to MalloryApp; with 303 "
                "it follows with a GET and the form stays behind (RFC 9700 §4.12)."),
            QStringLiteral("MalloryApp's callback is Mallory's listener on 127.0.0.1; John's browser is "
                           "scripted and follows a 307 as browsers do, posting the same body again."),
            QStringLiteral("MalloryApp (a registered client; its callback is Mallory's listener)"),
            { { { Weakness::Redirect307AfterPost }, QStringLiteral("eddy"), 303, QString(),
                QStringLiteral("interaction.see_other"),
                QStringLiteral(
                    "a redirect that answers a form POST is 303 See Other: the browser follows it "
                    "with a GET, and the form — John's password — stays behind (RFC 9700 §4.12)") } } },
        { QStringLiteral("lax-redirect"),
            QStringLiteral("Mallory's link makes eddy send John's code to Mallory's site"),
            QStringLiteral(
                "Mallory sends John a real CoolLoan link whose redirect_uri is her site; John logs "
                "in and consents to CoolLoan.\nA bank that matches redirect URIs exactly shows "
                "an error page and never redirects (RFC 6749 §3.1.2.3, RFC 9700 §4.1)."),
            malware
                + QStringLiteral(" Mallory's site is a listener on 127.0.0.1 with another path than "
                                 "CoolLoan's /callback; John's browser is scripted and follows the link."),
            QStringLiteral("Mallory's device, Mallory's listener, Mallory's malware"),
            { { { Weakness::RedirectUriLax }, QStringLiteral("eddy"), 400, QStringLiteral("invalid_request"),
                QStringLiteral("authorize.redirect_uri.exact_match"),
                QStringLiteral("redirect_uri equals a registered one; a loopback one may differ in its port "
                               "only (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3, RFC 8252 §7.3)") } } },
        { QStringLiteral("login-csrf"),
            QStringLiteral("Mallory's page logs John's CoolLoan session in to her bank account"),
            QStringLiteral(
                "Mallory logs in to the bank as herself through CoolLoan and keeps her code; her page "
                "makes John's browser deliver it to CoolLoan's callback (RFC 9700 §4.7).\nCoolLoan "
                "ties the redirect to its session's state; boris ties the code to its PKCE "
                "challenge; the ID token's nonce ties it to the session too."),
            QStringLiteral(
                "One laptop: Mallory's device is a scripted browser with its own cookie jar, her page "
                "a script that sends John's (scripted) browser to CoolLoan's callback."),
            QStringLiteral("Mallory's device (logged in as mallory), Mallory's listener (her page)"),
            { { { Weakness::StateNotChecked }, QStringLiteral("CoolLoan"), 0, QString(),
                  QStringLiteral("coolloan.redirect.state"),
                  QStringLiteral("the redirect's state is the one CoolLoan sent (RFC 6749 §10.12)") },
                { { Weakness::PkceNotChecked }, QStringLiteral("boris"), 400, QStringLiteral("invalid_grant"),
                    QStringLiteral("token.code.pkce"),
                    QStringLiteral(
                        "BASE64URL(SHA-256(code_verifier)) equals the code_challenge (RFC 7636 §4.6)") },
                { { Weakness::NonceNotChecked }, QStringLiteral("CoolLoan"), 0, QString(),
                    QStringLiteral("coolloan.id_token.nonce"),
                    QStringLiteral(
                        "nonce is the one CoolLoan sent (OpenID Connect Core §3.1.3.7 (11))") } } },
        { QStringLiteral("port-squatting"),
            QStringLiteral("Mallory's program on John's laptop gets his code for a desktop app without him "
                           "seeing anything"),
            QStringLiteral(
                "John uses CoolLoan Desktop, a public client on a loopback redirect URI, and consented once. "
                "Mallory's program listens on another loopback port and opens a link for that app with "
                "prompt=none.\nAny local program can listen on loopback, so a public client there proves "
                "nothing: eddy asks John every time (RFC 8252 §8.6)."),
            QStringLiteral("Mallory's program runs on John's laptop (that is the attack, not a shortcut); "
                           "CoolLoan Desktop's back channel and John's browser are scripted."),
            QStringLiteral("Mallory's listener, Mallory's malware"),
            { { { Weakness::LoopbackConsentRemembered }, QStringLiteral("eddy"), 302,
                QStringLiteral("consent_required"), QStringLiteral("authorize.prompt_none.public_loopback"),
                QStringLiteral("prompt=none is refused for a public client's loopback redirect URI: John is "
                               "asked (RFC 8252 §8.6, RFC 6749 §10.2)") } } },
        { QStringLiteral("mix-up"),
            QStringLiteral("Mallory's authorization server makes CoolLoan send John's code to her"),
            QStringLiteral(
                "CoolLoan works with two banks and one callback. Mallory's link starts a CoolLoan login at "
                "MalloryBank, which sends John on to his own bank; he logs in there, and CoolLoan sends the "
                "code — with its PKCE verifier — to MalloryBank's token endpoint (RFC 9700 §4.4).\neddy "
                "names "
                "itself in the redirect (iss); CoolLoan compares it with the bank the login started with "
                "(RFC 9207 §2.4)."),
            QStringLiteral(
                "One laptop: MalloryBank is an HTTP listener on 127.0.0.1 with an issuer of its own (another "
                "port than the honest bank's), John's browser and CoolLoan's back channel are scripted, and "
                "Mallory redeems John's code at boris with CoolLoan's client secret, which her malware read "
                "— "
                "one laptop stands in for CoolLoan's server and John's device. Without the secret she would "
                "inject the code into a CoolLoan session of her own (code-injection)."),
            QStringLiteral("MalloryBank (her authorization server, where CoolLoan is registered too), listed "
                           "in CoolLoan's bank picker; Mallory's link chooses it"),
            { { { Weakness::IssNotChecked }, QStringLiteral("CoolLoan"), 0, QString(),
                QStringLiteral("coolloan.redirect.iss"),
                QStringLiteral(
                    "the redirect's iss is exactly the issuer CoolLoan sent John to (RFC 9207 §2.4)") } } },
    };
}

std::optional<Scenario> findScenario(const QString &id)
{
    for (const Scenario &scenario : allScenarios()) {
        if (scenario.id == id)
            return scenario;
    }
    return std::nullopt;
}

} // namespace cfl::attack
