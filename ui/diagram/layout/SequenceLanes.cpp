#include "ui/diagram/layout/SequenceLanes.h"

#include "trace/TraceEvent.h"

namespace cfl::diagram {

const QList<SequenceLane> &lanes()
{
    static const QList<SequenceLane> lanes {
        { QStringLiteral("John"), QStringLiteral("cast/john"), QStringLiteral("☺"), QStringLiteral("John"),
            QStringLiteral("Resource Owner") },
        { QStringLiteral("Browser"), QStringLiteral("cast/browser"), QStringLiteral("◫"),
            QStringLiteral("User Agent"), QStringLiteral("John's browser") },
        { QStringLiteral("CoolLoan"), QStringLiteral("cast/coolloan"), QStringLiteral("✔"),
            QStringLiteral("CoolLoan"), QStringLiteral("3rd party (client)") },
        { QStringLiteral("PirateLoan"), QStringLiteral("cast/pirateloan"), QStringLiteral("☠"),
            QStringLiteral("PirateLoan"), QStringLiteral("3rd party, password") },
        { QStringLiteral("Other"), QString(), QStringLiteral("?"), QStringLiteral("Other client"),
            QStringLiteral("not CoolLoan") },
        // The attack lab's attacker (issue 11): each of Mallory's parties on a lifeline of its own.
        { malloryDevice(), QString(), QStringLiteral("▣"), malloryDevice(),
            QStringLiteral("attacker's client") },
        { malloryMalware(), QString(), QStringLiteral("☣"), malloryMalware(),
            QStringLiteral("on John's laptop") },
        { malloryListener(), QString(), QStringLiteral("◎"), malloryListener(),
            QStringLiteral("attacker's site") },
        // The mix-up's second bank (RFC 9700 §4.4): Mallory's authorization server, next to the honest one.
        { malloryBank(), QString(), QStringLiteral("◆"), malloryBank(), QStringLiteral("attacker's bank") },
        { QStringLiteral("eddy"), QStringLiteral("cast/eddy"), QStringLiteral("⌂"), QStringLiteral("eddy"),
            QStringLiteral("Authorization Server") },
        { QStringLiteral("boris"), QStringLiteral("cast/boris"), QStringLiteral("⇄"), QStringLiteral("boris"),
            QStringLiteral("TokenProvider") },
        { QStringLiteral("banky"), QStringLiteral("cast/banky"), QStringLiteral("€"), QStringLiteral("banky"),
            QStringLiteral("Resource Server") },
    };
    return lanes;
}

QString laneKey(const QString &party)
{
    for (const SequenceLane &lane : lanes()) {
        if (lane.key == party && party != QLatin1String("Other"))
            return party;
    }
    return QStringLiteral("Other");
}

bool isOnDemandLane(const QString &key)
{
    return key == QLatin1String("PirateLoan") || key == QLatin1String("Other") || isMalloryParty(key);
}

QString partyTitle(const QString &party)
{
    const QString key = laneKey(party);
    for (const SequenceLane &lane : lanes()) {
        if (lane.key == key)
            return lane.name;
    }
    return party;
}

} // namespace cfl::diagram
