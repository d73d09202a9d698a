#include "attack/Weakness.h"

namespace cfl::attack {

namespace {
QStringList ids(std::initializer_list<const char *> names)
{
    QStringList list;
    for (const char *name : names)
        list.append(QString::fromLatin1(name));
    return list;
}

QList<WeaknessSpec> makeTable()
{
    const auto bank = Owner::Bank;
    const auto coolLoan = Owner::CoolLoan;
    // Each weakness names every check that must be off for its attack to pass: a check that refuses in
    // place of a switched-off one (bank/Check.h) is part of the same defence.
    return {
        { Weakness::CodeReusable, QStringLiteral("code-reusable"),
            QStringLiteral("authorization codes can be redeemed again"), bank,
            // token.code.unused refuses a code seen before; token.code.redeem_once is the conditional
            // UPDATE that would refuse it in its place.
            ids({ "token.code.unused", "token.code.redeem_once" }), {},
            QStringLiteral("a code used before is refused, and its tokens revoked"),
            QStringLiteral("RFC 6749 §4.1.2, §10.5; RFC 9700 §4.2.4"),
            QStringLiteral("a leaked code (or a whole leaked token request) yields a second set of John's "
                           "tokens, and the first set is not revoked"),
            {} },
        { Weakness::RefreshNotRotated, QStringLiteral("refresh-not-rotated"),
            QStringLiteral("a rotated refresh token keeps working"), bank,
            ids({ "token.refresh.not_rotated", "token.refresh.rotate_once" }), {},
            QStringLiteral("a rotated refresh token used again revokes its whole family"),
            QStringLiteral("RFC 9700 §4.14.2"),
            QStringLiteral("a stolen refresh token works in parallel with CoolLoan's, for as long as the "
                           "family lives, and nobody notices"),
            {} },
        { Weakness::PkceNotChecked, QStringLiteral("pkce-not-checked"),
            QStringLiteral("the token endpoint does not check the PKCE verifier"), bank,
            ids({ "token.code.verifier_present", "token.code.verifier_format", "token.code.pkce" }), {},
            QStringLiteral("BASE64URL(SHA-256(code_verifier)) equals the code_challenge"),
            QStringLiteral("RFC 7636 §4.5, §4.6; RFC 9700 §4.8"),
            QStringLiteral("whoever holds the code (and the client's credentials) redeems it without the "
                           "verifier that only the client that started the flow knows"),
            {} },
        { Weakness::PkceChallengeOptional, QStringLiteral("pkce-challenge-optional"),
            QStringLiteral("code_challenge is optional at the authorization endpoint"), bank,
            // Without a challenge, the method and format checks would refuse in its place: an optional
            // challenge is not checked at all when it is absent (nor, then, is its method).
            ids({ "authorize.pkce.challenge_present", "authorize.pkce.method_s256",
                "authorize.pkce.challenge_format" }),
            {}, QStringLiteral("code_challenge is present: PKCE for every client"),
            QStringLiteral("RFC 7636 §4.4.1, RFC 9700 §2.1.1, §4.8"),
            QStringLiteral("a request stripped of its code_challenge still gets a code: a code with no "
                           "challenge bound to it (PKCE downgrade)"),
            {} },
        { Weakness::RedirectUriLax, QStringLiteral("redirect-uri-lax"),
            QStringLiteral("eddy sends codes to any redirect_uri"), bank,
            ids({ "authorize.redirect_uri.exact_match" }), {},
            QStringLiteral(
                "redirect_uri equals a registered one; a loopback one may differ in its port only"),
            QStringLiteral("RFC 6749 §3.1.2.3, RFC 9700 §4.1.3"),
            QStringLiteral("John's code is sent wherever the link he clicked says: to Mallory's site"), {} },
        { Weakness::TokenRedirectUriNotCompared, QStringLiteral("token-redirect-uri-not-compared"),
            QStringLiteral("boris does not compare redirect_uri with the authorization request's"), bank,
            ids({ "token.code.redirect_uri" }), {},
            QStringLiteral("redirect_uri is the authorization request's, character for character"),
            QStringLiteral("RFC 6749 §4.1.3"),
            QStringLiteral("a code stolen from one redirect is redeemed as if it had arrived at another"),
            {} },
        // Stands for "banky believes whatever alg the token names" (RFC 8725 §3.1): the signature check is
        // the one that would refuse alg none or an HS256 token keyed with the public key. banky serves by
        // its ledger's record of the token (api.token.known), so a forged token alone opens nothing:
        // forged-jwt peels banky-skips-ledger with it.
        { Weakness::BankyTrustsToken, QStringLiteral("banky-trusts-token"),
            QStringLiteral("banky accepts a token without verifying its signature"), bank,
            ids({ "api.token.signature" }), {},
            QStringLiteral("RS256 signature by a key of the bank's JWKS, whatever alg the token names"),
            QStringLiteral("RFC 9068 §4, RFC 8725 §3.1"),
            QStringLiteral("a token with alg none, or signed HS256 with the public key, passes the signature "
                           "check"),
            {} },
        { Weakness::NonceNotChecked, QStringLiteral("nonce-not-checked"),
            QStringLiteral("CoolLoan does not compare the ID token's nonce"), coolLoan, {},
            ids({ "coolloan.id_token.nonce" }), QStringLiteral("nonce is the one CoolLoan sent"),
            QStringLiteral("OpenID Connect Core §3.1.3.7 (11), RFC 9700 §4.5.3"),
            QStringLiteral("a code from another browser's flow logs John's session in as someone else"), {} },
        { Weakness::StateNotChecked, QStringLiteral("state-not-checked"),
            QStringLiteral("CoolLoan does not compare state"), coolLoan, {},
            ids({ "coolloan.redirect.state" }),
            QStringLiteral("the redirect's state is the one CoolLoan sent"),
            QStringLiteral("RFC 6749 §10.12"),
            QStringLiteral("Mallory's code, delivered by her page, links her account into John's CoolLoan "
                           "session (login CSRF)"),
            {} },
        { Weakness::IssNotChecked, QStringLiteral("iss-not-checked"),
            QStringLiteral("CoolLoan ignores the redirect's iss"), coolLoan, {},
            ids({ "coolloan.redirect.iss_present", "coolloan.redirect.iss" }),
            QStringLiteral("the redirect's iss is exactly the issuer CoolLoan sent John to"),
            QStringLiteral("RFC 9207 §2.4, RFC 9700 §4.4"),
            QStringLiteral("CoolLoan sends John's code to the bank Mallory runs (mix-up)"), {} },
        // The bank asks John again for a public client's loopback redirect URI, because any local process
        // can listen there (RFC 8252 §8.6): the check that refuses to skip asking is the weakness.
        { Weakness::LoopbackConsentRemembered, QStringLiteral("loopback-consent-remembered"),
            QStringLiteral("remembered consent is enough for a public client's loopback redirect"), bank,
            ids({ "authorize.prompt_none.public_loopback" }), {},
            QStringLiteral(
                "prompt=none is refused for a public client's loopback redirect URI: John is asked"),
            QStringLiteral("RFC 8252 §8.6, RFC 6749 §10.2"),
            QStringLiteral("a process squatting a loopback port gets a code without John seeing anything"),
            {} },
        // banky as a stateless resource server: it believes the token's claims (sub, scope) and never asks
        // its ledger whether the bank issued the token at all (bank/BearerToken.cpp, knownToTheLedger).
        { Weakness::BankySkipsLedger, QStringLiteral("banky-skips-ledger"),
            QStringLiteral("banky believes a token's claims without looking it up in its ledger"), bank,
            ids({ "api.token.known" }), {},
            QStringLiteral("the ledger knows the token, by jti, as an access token"),
            QStringLiteral("RFC 7009"),
            QStringLiteral(
                "a token the bank never issued is served for whatever sub and scope it names, once it "
                "passes the signature check"),
            {} },
        // Not a check: how eddy answers a form (bank/Check.h, defenceBehaviours()).
        { Weakness::Redirect307AfterPost, QStringLiteral("redirect-307-after-post"),
            QStringLiteral("eddy answers John's login form with 307 Temporary Redirect"), bank,
            ids({ "interaction.see_other" }), {},
            QStringLiteral(
                "a redirect that answers a form POST is 303 See Other: the browser follows it with a "
                "GET, and the form — John's password — stays behind"),
            QStringLiteral("RFC 9700 §4.12"),
            QStringLiteral("the browser posts John's login form — his password — again, to the client's "
                           "redirect URI"),
            {} },
    };
}
} // namespace

QList<WeaknessSpec> allWeaknesses()
{
    static const QList<WeaknessSpec> table = makeTable();
    return table;
}

const WeaknessSpec &weaknessSpec(Weakness weakness)
{
    static const QList<WeaknessSpec> table = makeTable();
    return table.at(int(weakness));
}

std::optional<Weakness> findWeakness(const QString &key)
{
    for (const WeaknessSpec &spec : allWeaknesses()) {
        if (spec.key == key)
            return spec.weakness;
    }
    return std::nullopt;
}

QStringList weaknessKeys()
{
    QStringList keys;
    for (const WeaknessSpec &spec : allWeaknesses())
        keys.append(spec.key);
    return keys;
}

QString ownerName(Owner owner)
{
    return owner == Owner::Bank ? QStringLiteral("bank") : QStringLiteral("CoolLoan");
}

QStringList bankChecksOf(const QList<Weakness> &weaknesses)
{
    QStringList checks;
    for (const Weakness weakness : weaknesses)
        checks += weaknessSpec(weakness).bankChecks;
    checks.removeDuplicates();
    return checks;
}

QStringList clientChecksOf(const QList<Weakness> &weaknesses)
{
    QStringList checks;
    for (const Weakness weakness : weaknesses)
        checks += weaknessSpec(weakness).clientChecks;
    checks.removeDuplicates();
    return checks;
}

QString weaknessTable()
{
    QString text;
    for (const WeaknessSpec &spec : allWeaknesses()) {
        const QStringList checks = spec.bankChecks + spec.clientChecks;
        text += QStringLiteral("%1  (%2) %3\n    switches off: %4\n    rule: %5 (%6)\n    breaks: %7\n")
                    .arg(spec.key, ownerName(spec.owner), spec.title, checks.join(QStringLiteral(", ")),
                        spec.rule, spec.section, spec.breaks);
    }
    return text;
}

} // namespace cfl::attack
