// eddy's pages: John logs in (seed steps 3–5) and gives his consent (steps 6–8). Plain HTML forms,
// each with a CSRF token bound to the interaction cookie (double submit, RFC 6749 §10.12).

#include "bank/Bank.h"
#include "bank/PageRenderer.h"
#include "bank/Scopes.h"
#include "crypto/Digest.h"
#include "crypto/SecureRandom.h"

namespace cfl {

namespace {
constexpr auto WorkshopAccountHint = "Workshop account: <b>john</b> / <b>banking-is-fun</b>";
} // namespace

std::optional<Interaction> Bank::interactionFor(const HttpRequest &request, const QString &id, QString *why)
{
    const auto interaction = m_store.interaction(id);
    if (!interaction || interaction->expiresAt <= now()) {
        *why = QStringLiteral(
            "This sign-in has expired or was already completed. Go back to the app and start again.");
        return std::nullopt;
    }
    // The page belongs to the browser that started the request: it holds the interaction cookie.
    if (request.cookie("cfl_interaction") != id.toLatin1()) {
        *why = QStringLiteral("This sign-in was started in another browser (or cookies are off). "
                              "Start again from the app.");
        return std::nullopt;
    }
    return interaction;
}

HttpResponse Bank::beginInteraction(Interaction interaction)
{
    interaction.id = QString::fromLatin1(randomToken(24));
    interaction.csrfToken = randomToken();
    interaction.createdAt = now();
    interaction.expiresAt = now() + m_config.interactionLifetime;
    m_store.insertInteraction(interaction);
    HttpResponse response
        = HttpResponse::redirect(QUrl(QStringLiteral("/interaction/") + interaction.id), 303);
    // Binds the pages of this interaction to this browser (double submit with the forms' CSRF token).
    response.addHeader("Set-Cookie",
        "cfl_interaction=" + interaction.id.toLatin1() + "; Path=/interaction; HttpOnly; SameSite=Lax");
    return response;
}

bool Bank::consentCovers(qint64 userId, const QString &clientId, const QStringList &scopes) const
{
    const auto consent = m_store.activeConsent(userId, clientId);
    return consent && std::all_of(scopes.cbegin(), scopes.cend(), [&](const QString &s) {
        return consent->scopes.contains(s);
    });
}

HttpResponse Bank::interactionPage(HttpRequest &request)
{
    QString why;
    const auto interaction = interactionFor(request, request.pathParameter(QStringLiteral("id")), &why);
    if (!interaction)
        return errorPage(OAuthError::invalidRequest(why, QStringLiteral("RFC 6749 §10.12")));
    if (interaction->userId == 0)
        return showLogin(*interaction, {}, {});
    const auto user = m_store.userById(interaction->userId);
    if (!user)
        return showLogin(*interaction, {}, {});
    return showConsent(*interaction, *user);
}

HttpResponse Bank::showLogin(
    const Interaction &interaction, const QString &message, const QString &username, int status)
{
    QString context;
    if (interaction.kind == QLatin1String("authorize")) {
        const auto client = m_store.client(interaction.clientId);
        context = QStringLiteral(
            "<p class=\"context\"><b>%1</b> sent you here. Log in to the bank to decide what %1 "
            "may see. %1 never sees your password.</p>")
                      .arg(PageRenderer::escape(client ? client->name : interaction.clientId));
    } else {
        context = QStringLiteral("<p class=\"context\">Log in to your online banking.</p>");
    }
    const QString error = message.isEmpty()
        ? QString()
        : QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(message));
    return page(
        PageRenderer::render(QStringLiteral("login.html"), QStringLiteral("Log in to your bank"),
            { { QStringLiteral("context"), context }, { QStringLiteral("error"), error },
                { QStringLiteral("action"), QStringLiteral("/interaction/%1/login").arg(interaction.id) },
                { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
                { QStringLiteral("username"), username },
                { QStringLiteral("hint"), QString::fromLatin1(WorkshopAccountHint) } }),
        status);
}

HttpResponse Bank::loginSubmit(HttpRequest &request)
{
    QString why;
    const auto interaction = interactionFor(request, request.pathParameter(QStringLiteral("id")), &why);
    if (!interaction)
        return errorPage(OAuthError::invalidRequest(why, QStringLiteral("RFC 6749 §10.12")));
    QString parseError;
    const auto form = FormData::parse(request.body, &parseError);
    if (!form)
        return showLogin(*interaction, parseError, {}, 400);
    // check CSRF token (double submit with the interaction cookie)
    if (!constantTimeEquals(form->valueOr(QStringLiteral("csrf_token")).toLatin1(), interaction->csrfToken))
        return errorPage(OAuthError::invalidRequest(
            QStringLiteral("the form's CSRF token is missing or wrong"), QStringLiteral("RFC 6749 §10.12")));
    const QString username = form->valueOr(QStringLiteral("username")).trimmed();
    const QString password = form->valueOr(QStringLiteral("password"));
    if (username.isEmpty() || password.isEmpty())
        return showLogin(
            *interaction, QStringLiteral("Enter your user name and your password."), username, 400);

    const auto checked = checkCredentials(username, password);
    if (const auto *error = std::get_if<OAuthError>(&checked))
        return showLogin(*interaction, error->description(), username, error->status());
    const User &user = std::get<User>(checked);
    decide(QStringLiteral("John is authenticated (user name and password checked)"));

    const qint64 authTime = now();
    const QByteArray sessionCookie = startSession(user.id, authTime);
    HttpResponse response;
    if (interaction->kind == QLatin1String("web-login")) {
        m_store.deleteInteraction(interaction->id);
        response = HttpResponse::redirect(QUrl(QStringLiteral("/web")), 303);
    } else {
        m_store.updateInteractionLogin(interaction->id, user.id, authTime);
        Interaction loggedIn = *interaction;
        loggedIn.userId = user.id;
        loggedIn.authTime = authTime;
        // A remembered consent that covers every requested scope skips the consent page,
        // unless the client asked for it again (prompt=consent).
        const bool covered
            = m_config.rememberConsent && consentCovers(user.id, interaction->clientId, interaction->scopes);
        if (covered && !interaction->prompt.contains(QStringLiteral("consent"))) {
            decide(QStringLiteral("consent already given earlier for these scopes"));
            response = finishAuthorization(loggedIn, user, interaction->scopes);
        } else {
            response = HttpResponse::redirect(QUrl(QStringLiteral("/interaction/") + interaction->id), 303);
        }
    }
    response.addHeader("Set-Cookie", sessionCookie);
    return response;
}

HttpResponse Bank::showConsent(const Interaction &interaction, const User &user)
{
    const auto client = m_store.client(interaction.clientId);
    const QString clientName = PageRenderer::escape(client ? client->name : interaction.clientId);
    QString items;
    for (const QString &scope : interaction.scopes) {
        const scopes::ScopeInfo *info = scopes::find(scope);
        if (!info)
            continue;
        // Only known scope names get here (scopes::find); escaped all the same, like every value on a page.
        const QString id = PageRenderer::escape(
            QStringLiteral("scope-") + QString(scope).replace(QLatin1Char(':'), QLatin1Char('-')));
        const QString name = PageRenderer::escape(scope);
        // Required scopes are sent as hidden fields so that the form stays correct without JavaScript.
        const QString control = info->optional
            ? QStringLiteral("<input type=\"checkbox\" id=\"%1\" name=\"scope\" value=\"%2\" checked>")
                  .arg(id, name)
            : QStringLiteral("<input type=\"checkbox\" id=\"%1\" checked disabled>"
                             "<input type=\"hidden\" name=\"scope\" value=\"%2\">")
                  .arg(id, name);
        items += QStringLiteral(
            "<li>%1<label for=\"%2\"><b>%3</b> <code>%4</code><br><span>%5</span>%6</label></li>\n")
                     .arg(control, id, PageRenderer::escape(info->title), name,
                         PageRenderer::escape(info->releases),
                         info->optional ? QString() : QStringLiteral(" <em>(required)</em>"));
    }
    return page(PageRenderer::render(QStringLiteral("consent.html"),
        QStringLiteral("Allow %1?").arg(client ? client->name : interaction.clientId),
        { { QStringLiteral("client"), client ? client->name : interaction.clientId },
            { QStringLiteral("user"), user.name }, { QStringLiteral("scopes"), items },
            { QStringLiteral("action"), QStringLiteral("/interaction/%1/consent").arg(interaction.id) },
            { QStringLiteral("csrf"), QString::fromLatin1(interaction.csrfToken) },
            { QStringLiteral("redirect"), interaction.redirectUri },
            { QStringLiteral("remember"),
                m_config.rememberConsent
                    ? QStringLiteral("The bank will remember your choice; you can revoke it any time in your "
                                     "online banking under Connected apps.")
                    : QStringLiteral("The bank will ask you again next time.") },
            { QStringLiteral("clientHtml"), clientName } }));
}

HttpResponse Bank::consentSubmit(HttpRequest &request)
{
    QString why;
    const auto interaction = interactionFor(request, request.pathParameter(QStringLiteral("id")), &why);
    if (!interaction)
        return errorPage(OAuthError::invalidRequest(why, QStringLiteral("RFC 6749 §10.12")));
    QString parseError;
    const auto form = FormData::parse(request.body, &parseError);
    if (!form)
        return errorPage(OAuthError::invalidRequest(parseError));
    // check CSRF token (double submit with the interaction cookie)
    if (!constantTimeEquals(form->valueOr(QStringLiteral("csrf_token")).toLatin1(), interaction->csrfToken))
        return errorPage(OAuthError::invalidRequest(
            QStringLiteral("the form's CSRF token is missing or wrong"), QStringLiteral("RFC 6749 §10.12")));
    // check John is logged in for this interaction
    const auto user = interaction->userId ? m_store.userById(interaction->userId) : std::nullopt;
    if (!user)
        return showLogin(*interaction, QStringLiteral("Log in first."), {}, 400);

    const QString decision = form->valueOr(QStringLiteral("decision"));
    if (decision == QLatin1String("deny")) {
        audit(QStringLiteral("refusal"), interaction->clientId, user->username,
            QStringLiteral("John denied consent"));
        return redirectWithError(
            *interaction, OAuthError::accessDenied(QStringLiteral("John denied the request")));
    }
    if (decision != QLatin1String("approve"))
        return errorPage(OAuthError::invalidRequest(QStringLiteral("decision must be approve or deny")));

    // John may untick optional scopes; he cannot add scopes that were not requested.
    const QStringList ticked = form->values(QStringLiteral("scope"));
    QStringList granted;
    for (const QString &scope : interaction->scopes) {
        const scopes::ScopeInfo *info = scopes::find(scope);
        if (ticked.contains(scope) || (info && !info->optional))
            granted.append(scope);
    }
    if (m_config.rememberConsent)
        m_store.saveConsent(user->id, interaction->clientId, scopes::sorted(granted), now());
    audit(QStringLiteral("consent"), interaction->clientId, user->username,
        QStringLiteral("approved %1").arg(scopes::join(granted)));
    decide(QStringLiteral("John approved: %1").arg(scopes::join(granted)));
    return finishAuthorization(*interaction, *user, granted);
}

} // namespace cfl
