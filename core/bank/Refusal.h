#pragma once
// The one way the bank says no (issue 9 §2). refuse() records the decision for the trace with the id of
// the check that refused, writes the audit row, and answers in the form the endpoint requires: an error
// page for John, a redirect back to the client, boris's JSON, banky's bearer challenge, or a page of the
// bank's own that shows the message (the login form again).

#include "bank/Check.h"
#include "http/HttpMessage.h"
#include "storage/BankRecords.h"

#include <QString>

#include <functional>

namespace cfl {

class BankContext;

// How an endpoint answers a refusal.
class RefusalForm
{
public:
    // eddy, until the client and its redirect URI are trusted, and the pages of an interaction: a page
    // for John with the error, its rule and a hint; never a redirect (RFC 6749 §4.1.2.1).
    static RefusalForm errorPage();
    // eddy, once the redirect URI is trusted: back to the client with error, error_description, state and
    // iss (RFC 6749 §4.1.2.1, RFC 9207 §2). The interaction, if it was stored, is over.
    static RefusalForm redirectToClient(const Interaction &interaction);
    // boris: JSON, no-store; invalid_client is 401 with a Basic challenge (RFC 6749 §5.2).
    static RefusalForm tokenEndpoint();
    // banky and userinfo: WWW-Authenticate: Bearer (RFC 6750 §3), naming `scope` for insufficient_scope.
    static RefusalForm bearerChallenge(const QString &realm, const QString &scope = {});
    // banky's answers about the resource itself: {"error", "error_description"} with the error's status.
    static RefusalForm resourceError();
    // A page of the bank's that shows the refusal in its own place (the login form with its message, the
    // payment form, the not-found page).
    static RefusalForm page(std::function<HttpResponse(const OAuthError &error)> render);

    HttpResponse answer(const BankContext &bank, const OAuthError &error) const;

private:
    enum class Kind { ErrorPage, RedirectToClient, TokenEndpoint, BearerChallenge, ResourceError, Page };
    explicit RefusalForm(Kind kind)
        : m_kind(kind)
    { }

    Kind m_kind;
    Interaction m_interaction;
    QString m_realm;
    QString m_scope;
    std::function<HttpResponse(const OAuthError &)> m_render;
};

// Whom a refusal concerns, for the audit log.
struct Refused
{
    Refused(QString client = {}, QString user = {})
        : clientId(std::move(client))
        , username(std::move(user))
    { }

    QString clientId;
    QString username;
};

HttpResponse refuse(
    BankContext &bank, const Refusal &refusal, const RefusalForm &form, const Refused &who = {});

// A switched-off check let through a request the endpoint has no way to serve (no grant to run, a payment
// the ledger would not book): a server_error, named after that check.
Refusal cannotServe(const QString &checkId, const QString &description);

// The page for a path the bank does not have; also the answer for another customer's account.
HttpResponse notFoundResponse(const HttpRequest &request);

} // namespace cfl
