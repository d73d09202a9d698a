#include "bank/Refusal.h"

#include "bank/BankContext.h"
#include "bank/PageRenderer.h"
#include "bank/RedirectUri.h"

#include <QJsonDocument>

namespace cfl {

namespace {
// RFC 6750 §3: error_description uses a restricted character set; quotes and backslashes must go.
QByteArray quotedParameter(const QString &value)
{
    QString cleaned = value;
    cleaned.remove(QLatin1Char('"')).remove(QLatin1Char('\\'));
    return '"' + cleaned.toUtf8() + '"';
}

HttpResponse errorPage(const OAuthError &error)
{
    const PageValues values { { QStringLiteral("error"), error.error() },
        { QStringLiteral("description"), error.description() }, { QStringLiteral("rfc"), error.rfc() },
        { QStringLiteral("hint"), error.hint() } };
    return HttpResponse::html(
        PageRenderer::render(QStringLiteral("error.html"), QStringLiteral("Request refused"), values),
        error.status() == 401 || error.status() == 500 ? error.status() : 400);
}

HttpResponse redirectToClient(
    const BankContext &bank, const Interaction &interaction, const OAuthError &error)
{
    QList<QPair<QString, QString>> parameters { { QStringLiteral("error"), error.error() },
        { QStringLiteral("error_description"), error.description() } };
    if (!interaction.state.isEmpty())
        parameters.append(
            { QStringLiteral("state"), interaction.state }); // echoed exactly (RFC 6749 §4.1.2.1)
    parameters.append({ QStringLiteral("iss"), bank.issuer() }); // RFC 9207 §2
    if (!interaction.id.isEmpty())
        bank.store().sessions().deleteInteraction(interaction.id);
    return HttpResponse::redirect(redirect::withParameters(interaction.redirectUri, parameters), 302);
}

// JSON error body (RFC 6749 §5.2) with Cache-Control: no-store; 401 invalid_client carries
// WWW-Authenticate: Basic (§5.2 requires it when the client used the Authorization header).
HttpResponse tokenEndpointError(const OAuthError &error)
{
    HttpResponse response = HttpResponse::json(QJsonDocument(error.toJson()), error.status());
    response.noStore();
    if (error.status() == 401)
        response.setHeader("WWW-Authenticate", "Basic realm=\"boris\", charset=\"UTF-8\"");
    return response;
}

// RFC 6750 §3: WWW-Authenticate: Bearer realm=..., error=..., error_description=... [, scope=...]
HttpResponse bearerChallenge(const OAuthError &error, const QString &realm, const QString &scope)
{
    HttpResponse response = HttpResponse::json(QJsonDocument(error.toJson()), error.status());
    QByteArray challenge = "Bearer realm=" + quotedParameter(realm);
    // §3.1: a request without any credentials gets no error code at all.
    if (!error.error().isEmpty()) {
        challenge += ", error=" + quotedParameter(error.error());
        challenge += ", error_description=" + quotedParameter(error.description());
    }
    if (!scope.isEmpty() && error.error() == QLatin1String("insufficient_scope"))
        challenge += ", scope=" + quotedParameter(scope);
    response.setHeader("WWW-Authenticate", challenge);
    response.noStore();
    return response;
}
} // namespace

RefusalForm RefusalForm::errorPage()
{
    return RefusalForm(Kind::ErrorPage);
}

RefusalForm RefusalForm::redirectToClient(const Interaction &interaction)
{
    RefusalForm form(Kind::RedirectToClient);
    form.m_interaction = interaction;
    return form;
}

RefusalForm RefusalForm::tokenEndpoint()
{
    return RefusalForm(Kind::TokenEndpoint);
}

RefusalForm RefusalForm::bearerChallenge(const QString &realm, const QString &scope)
{
    RefusalForm form(Kind::BearerChallenge);
    form.m_realm = realm;
    form.m_scope = scope;
    return form;
}

RefusalForm RefusalForm::resourceError()
{
    return RefusalForm(Kind::ResourceError);
}

RefusalForm RefusalForm::page(std::function<HttpResponse(const OAuthError &error)> render)
{
    RefusalForm form(Kind::Page);
    form.m_render = std::move(render);
    return form;
}

HttpResponse RefusalForm::answer(const BankContext &bank, const OAuthError &error) const
{
    switch (m_kind) {
    case Kind::ErrorPage:
        return cfl::errorPage(error);
    case Kind::RedirectToClient:
        return cfl::redirectToClient(bank, m_interaction, error);
    case Kind::TokenEndpoint:
        return tokenEndpointError(error);
    case Kind::BearerChallenge:
        return cfl::bearerChallenge(error, m_realm, m_scope);
    case Kind::ResourceError:
        return HttpResponse::json(QJsonDocument(error.toJson()), error.status());
    case Kind::Page:
        return m_render(error);
    }
    return tokenEndpointError(error);
}

HttpResponse refuse(BankContext &bank, const Refusal &refusal, const RefusalForm &form, const Refused &who)
{
    bank.recordRefusal(refusal.check, refusal.error);
    bank.audit(QStringLiteral("refusal"), who.clientId, who.username,
        refusal.error.error() + QStringLiteral(": ") + refusal.error.description(), refusal.check.id);
    return form.answer(bank, refusal.error);
}

Refusal cannotServe(const QString &checkId, const QString &description)
{
    return { findCheck(checkId).value_or(CheckSpec { checkId, {}, {} }),
        OAuthError::serverError(description) };
}

HttpResponse notFoundResponse(const HttpRequest &request)
{
    const QString description = QStringLiteral("nothing at %1").arg(request.path());
    if (request.header("Accept").contains("text/html") && !request.path().startsWith(QLatin1String("/api"))) {
        return HttpResponse::html(
            PageRenderer::render(QStringLiteral("error.html"), QStringLiteral("Not found"),
                { { QStringLiteral("error"), QStringLiteral("not_found") },
                    { QStringLiteral("description"), description },
                    { QStringLiteral("hint"), QStringLiteral("Start at the bank's home page.") } }),
            404);
    }
    return HttpResponse::json(QJsonDocument(OAuthError::notFound(description).toJson()), 404);
}

} // namespace cfl
