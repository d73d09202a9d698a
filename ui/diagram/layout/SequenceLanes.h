#pragma once
// The lifelines of the live sequence diagram: the seed diagram's participants — John, his browser,
// CoolLoan, eddy, boris, banky — with PirateLoan, any other client and Mallory's parties (the attack lab)
// next to CoolLoan, for when they take part. Plain data: the diagram's widgets give them their pictures and
// colours.

#include <QList>
#include <QString>

namespace cfl {

struct SequenceLane
{
    QString key; // the party as trace events name it: "John", "Browser", "CoolLoan", "eddy"…; "Other"
    QString icon; // the cast's picture (theme::illustration), as in the cast strip; empty: none
    QString glyph; // shown before the name instead of the picture, when there is none
    QString name; // the header's title
    QString role; // the header's second line
};

namespace diagram {

// Every lane, left to right.
const QList<SequenceLane> &lanes();
// The lane a party is drawn on: its own, or "Other" for a party the seed does not know.
QString laneKey(const QString &party);
// Whether a lane is drawn only once a party of it takes part: PirateLoan, Other and Mallory's.
bool isOnDemandLane(const QString &key);
// The header title of the party's lane ("User Agent" for "Browser", "Other client" for a stranger).
QString partyTitle(const QString &party);

} // namespace diagram

} // namespace cfl
