#include "ui/attack/AttackExplanation.h"

#include "ui/inspection/InspectionFormat.h"
#include "ui/inspection/WhyPanel.h"
#include "ui/theme/Theme.h"

#include <QCoreApplication>

namespace cfl::attackui {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("cfl::AttackLab", text);
}

QString refusalLine(const attack::DefenceLayer &layer)
{
    // A client's own check answers nobody over HTTP: CoolLoan refuses to believe what it got.
    if (layer.status == 0)
        return tr("refused by %1 (its own check, no HTTP answer)").arg(layer.party.toHtmlEscaped());
    // A defence that refuses nothing: how the party answers (eddy's 303 after a form).
    if (layer.error.isEmpty())
        return tr("%1 answers %2 instead").arg(layer.party.toHtmlEscaped()).arg(layer.status);
    return tr("refused by %1 %2 <code>%3</code>")
        .arg(layer.party.toHtmlEscaped())
        .arg(layer.status)
        .arg(layer.error);
}

// The layer a switched-off check belongs to: the one whose weaknesses switch it off.
const attack::DefenceLayer *layerOf(const attack::Scenario &scenario, const QString &check)
{
    for (const attack::DefenceLayer &layer : scenario.layers) {
        if (layer.check == check)
            return &layer;
        if (attack::bankChecksOf(layer.weaknesses).contains(check))
            return &layer;
    }
    return nullptr;
}

// The bank's refusal in the trace (BankTrace: "error: description (check id)"), for the compared values.
const TraceEvent *refusalEvent(const attack::AttackOutcome &outcome)
{
    const QString marker = QStringLiteral("(check %1)").arg(outcome.check);
    for (const TraceEvent &event : outcome.trace) {
        if (event.kind == TraceKind::Decision && !event.refusalRule.isEmpty()
            && event.summary.contains(marker))
            return &event;
    }
    return nullptr;
}

QString holds(const attack::AttackOutcome &outcome)
{
    return tr("<p><b>Mallory holds:</b> %1</p>")
        .arg(outcome.obtained.isEmpty() ? inspect::verdict(true, tr("nothing"))
                                        : QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                                              .arg(theme::Mallory.name(), outcome.obtained.toHtmlEscaped()));
}
} // namespace

QString scenarioCard(const attack::Scenario &scenario)
{
    QString html = QStringLiteral("<h3 style='margin:0'>%1</h3>").arg(scenario.goal.toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>")
                .arg(scenario.story.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    html += tr("<p><b>Defences involved</b>, in the order the attack meets them:</p><ol>");
    for (const attack::DefenceLayer &layer : scenario.layers) {
        QStringList keys;
        for (const attack::Weakness weakness : layer.weaknesses)
            keys.append(attack::weaknessSpec(weakness).key);
        html += tr("<li><code>%1</code> — %2<br>%3; switched off by <i>%4</i></li>")
                    .arg(layer.check, layer.rule.toHtmlEscaped(), refusalLine(layer),
                        keys.join(QStringLiteral(", ")));
    }
    html += QStringLiteral("</ol>");
    html += tr("<p><b>Mallory:</b> %1</p>").arg(scenario.attackerParties.toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>")
                .arg(inspect::muted(tr("One laptop: %1").arg(scenario.shortcut).toHtmlEscaped()));
    return html;
}

QString outcomeHeading(const attack::AttackOutcome &outcome)
{
    if (!outcome.failure.isEmpty())
        return tr("The run did not finish");
    return outcome.succeeded ? tr("Why it worked") : tr("Why it failed");
}

QString outcomeExplanation(
    const attack::Scenario &scenario, const attack::AttackOutcome &outcome, const QString &runTitle)
{
    QString html
        = inspect::heading(QStringLiteral("%1 — %2").arg(outcomeHeading(outcome), runTitle.toHtmlEscaped()));
    if (!outcome.failure.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(inspect::verdict(false, outcome.failure.toHtmlEscaped()));
        return html;
    }
    if (outcome.succeeded) {
        html += QStringLiteral("<p><big>%1</big></p>")
                    .arg(inspect::verdict(false,
                        outcome.accountsShownToJohn.isEmpty()
                            ? (outcome.passwordAtMallory
                                    ? tr("The attack worked: John's password reached Mallory.")
                                    : tr("The attack worked: banky served John's accounts to Mallory."))
                            : tr("The attack worked: John's CoolLoan session is logged in to Mallory's "
                                 "account.")));
        if (outcome.skipped.isEmpty())
            html += tr("<p>No check of the bank was skipped.</p>");
        for (const attack::SkippedCheck &skipped : outcome.skipped) {
            html += tr("<p><b>%1 skipped</b> <code>%2</code><br><b>Rule:</b> %3</p>")
                        .arg(skipped.party.toHtmlEscaped(), skipped.check, skipped.rule.toHtmlEscaped());
            if (const attack::DefenceLayer *layer = layerOf(scenario, skipped.check)) {
                html += inspect::ruledTable();
                html += tr("<tr><td width='30%'><b>Defended</b></td><td>%1</td></tr>")
                            .arg(refusalLine(*layer));
                // The values the check compared: what it would have refused, had it been on.
                if (!skipped.expected.isEmpty() || !skipped.received.isEmpty()) {
                    html += tr("<tr><td><b>Expected</b></td><td>%1</td></tr>")
                                .arg(inspect::mono(skipped.expected));
                    html += tr("<tr><td><b>Received</b></td><td>%1</td></tr>")
                                .arg(skipped.received.isEmpty() ? inspect::muted(tr("(nothing)"))
                                                                : inspect::mono(skipped.received));
                }
                html += tr("<tr><td><b>Switched off by</b></td><td>%1</td></tr>").arg([&] {
                    QStringList keys;
                    for (const attack::Weakness weakness : layer->weaknesses)
                        keys.append(attack::weaknessSpec(weakness).title.toHtmlEscaped());
                    return keys.join(QStringLiteral("; "));
                }());
                html += QStringLiteral("</table>");
            }
        }
        html += holds(outcome);
        return html;
    }
    if (outcome.stoppedBy.isEmpty()) {
        html += QStringLiteral("<p>%1</p>")
                    .arg(inspect::verdict(true, tr("Mallory got nothing, and nobody refused her.")));
        html += holds(outcome);
        return html;
    }
    html += QStringLiteral("<p><big>%1</big></p>")
                .arg(inspect::verdict(true,
                    outcome.status == 0
                        ? tr("%1 refused: its own check %2").arg(outcome.stoppedBy, outcome.check)
                        : outcome.error.isEmpty() ? tr("%1 answered HTTP %2 (%3)")
                                                        .arg(outcome.stoppedBy)
                                                        .arg(outcome.status)
                                                        .arg(outcome.check)
                                                  : tr("%1 refused: %2 (HTTP %3)")
                                                        .arg(outcome.stoppedBy, outcome.error)
                                                        .arg(outcome.status)));
    html += tr("<p><b>Check:</b> <code>%1</code><br><b>Rule:</b> %2</p>")
                .arg(outcome.check, outcome.rule.toHtmlEscaped());
    if (const TraceEvent *refusal = refusalEvent(outcome);
        refusal && (!refusal->expected.isEmpty() || !refusal->received.isEmpty())) {
        html += inspect::ruledTable();
        html += tr("<tr><td width='22%'><b>Expected</b></td><td>%1</td></tr>")
                    .arg(inspect::mono(refusal->expected));
        html += tr("<tr><td><b>Received</b></td><td>%1</td></tr>")
                    .arg(refusal->received.isEmpty() ? inspect::muted(tr("(nothing)"))
                                                     : inspect::mono(refusal->received));
        html += QStringLiteral("</table>");
    }
    const QString meaning = WhyPanel::errorCodeExplanation(outcome.error);
    if (!meaning.isEmpty())
        html += tr("<p><b>What %1 means:</b> %2</p>").arg(outcome.error.toHtmlEscaped(), meaning);
    if (outcome.johnsApiCallAfter == 401)
        html += tr(
            "<p><b>Revoked:</b> CoolLoan's next API call with John's tokens got 401 — the tokens of the "
            "replayed code were revoked (RFC 6749 §4.1.2, §10.5).</p>");
    if (outcome.johnsRefreshAfter == 400)
        html += tr("<p><b>Revoked:</b> CoolLoan's next refresh got 400 — the whole family was revoked "
                   "(RFC 9700 §4.14.2).</p>");
    html += holds(outcome);
    return html;
}

} // namespace cfl::attackui
