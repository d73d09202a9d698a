#pragma once
// Every colour of the app, the projector scale of its type, and the pictures of the cast — the same
// everywhere (panes, cast strip, diagram, traffic log, inspection panels, welcome).

#include <QColor>
#include <QString>

QT_BEGIN_NAMESPACE
class QFont;
class QPixmap;
class QSize;
class QSvgRenderer;
class QWidget;
QT_END_NAMESPACE

namespace cfl::theme {

// Every colour of the app is here, so that a colour means the same thing in every view: the cast's own
// (their panes, cards, lifelines, the parties in the traffic log) and, from them, ok and refused.

// The cast.
inline constexpr QColor John { 0x6a, 0x3d, 0x9a };
inline constexpr QColor Browser { 0x45, 0x5a, 0x64 };
inline constexpr QColor CoolLoan { 0x1e, 0x7b, 0x34 };
inline constexpr QColor PirateLoan { 0xb3, 0x26, 0x1e };
inline constexpr QColor Bank { 0x0b, 0x5c, 0xad };
// Mallory, the attack lab's attacker (issue 11): her lifelines, what she holds, the banner of a weakened
// lab. A deeper red than PirateLoan's, so that the attacker is not taken for a refusal.
inline constexpr QColor Mallory { 0x9c, 0x0d, 0x38 };
// A client that is neither CoolLoan nor PirateLoan (curl, a script): grey, nobody of the story.
inline constexpr QColor OtherClient { 0x75, 0x75, 0x75 };
// Attention: the current step, focus rings, the keychain banner's border.
inline constexpr QColor Warning { 0xf2, 0xa9, 0x00 };
// CoolLoan's button while it cannot be pressed.
inline constexpr QColor CoolLoanDisabled { 0x9b, 0xb8, 0xa2 };

// Verdicts: green is CoolLoan's, red PirateLoan's — the right way and the wrong one.
inline constexpr QColor Ok = CoolLoan;
inline constexpr QColor Refused = PirateLoan;
// Not wrong yet, not right either: a filter half typed.
inline constexpr QColor Caution { 0x8a, 0x6d, 0x00 };

// Text.
inline constexpr QColor Ink { 0x1f, 0x26, 0x2e };
inline constexpr QColor StoryInk { 0x2b, 0x2f, 0x36 };
inline constexpr QColor Slate { 0x37, 0x47, 0x4f };
inline constexpr QColor Muted { 0x5b, 0x67, 0x75 };
inline constexpr QColor Faint { 0x7a, 0x86, 0x94 };
// Text on a coloured button or badge.
inline constexpr QColor OnColour { 0xff, 0xff, 0xff };
// Names of form fields, query parameters and client credentials in an exchange.
inline constexpr QColor ParameterName = John;

// Surfaces.
inline constexpr QColor Paper { 0xff, 0xff, 0xff };
inline constexpr QColor StoryPaper { 0xfa, 0xfb, 0xfc };
inline constexpr QColor ExplanationPaper { 0xf7, 0xf8, 0xfa };
inline constexpr QColor CalloutPaper { 0xf4, 0xf6, 0xf9 };
inline constexpr QColor CodePaper { 0xf1, 0xf3, 0xf6 };
inline constexpr QColor TableHeaderPaper { 0xee, 0xf2, 0xf7 };
inline constexpr QColor TableRule { 0xd0, 0xd6, 0xde };
inline constexpr QColor OkPaper { 0xe6, 0xf4, 0xea };
inline constexpr QColor RefusedPaper { 0xfd, 0xec, 0xea };
inline constexpr QColor WarningPaper { 0xff, 0xf4, 0xd6 };
inline constexpr QColor CurrentRowPaper { 0xff, 0xf4, 0xcc };
// Not reached yet: the story's other pages, seed steps not seen.
inline constexpr QColor Idle { 0xc5, 0xcc, 0xd3 };
inline constexpr QColor IdleRing { 0xb0, 0xb8, 0xc0 };
inline constexpr QColor IdleText { 0x90, 0x98, 0xa0 };

// The sequence diagram's arrows say which road a message takes. Front channel: through John's browser,
// so visible to the browser, its history, its extensions. Back channel: server to server, the browser
// never sees it.
inline constexpr QColor FrontChannel { 0x15, 0x65, 0xc0 };
inline constexpr QColor BackChannel { 0x2e, 0x7d, 0x32 };
inline constexpr QColor Decision = Slate;
inline constexpr QColor RefusedArrow { 0xc6, 0x28, 0x28 };

// A ledger row's state (docs/architecture.md, "Bank state"): active, redeemed, rotated, revoked, expired.
inline constexpr QColor Active = Ok;
inline constexpr QColor Redeemed = Bank;
inline constexpr QColor Rotated { 0x9a, 0x67, 0x00 };
inline constexpr QColor Revoked = Refused;
inline constexpr QColor Expired = Muted;

// The three parts of a compact JWS, as jwt.io colours them (people recognise them), wherever a JWT is
// shown: the token panel and the exchange detail. Not the cast's colours: a header is not a refusal.
inline constexpr QColor JwtHeader { 0xc2, 0x18, 0x5b };
inline constexpr QColor JwtPayload { 0x7b, 0x1f, 0xa2 };
inline constexpr QColor JwtSignature { 0x02, 0x77, 0xbd };
inline constexpr QColor JwtPaper { 0xfa, 0xf5, 0xfc };
inline constexpr QColor JwtBorder { 0xd9, 0xc6, 0xe5 };

// The colour of a party ("John", "Browser", "CoolLoan", "PirateLoan", "eddy", "boris", "banky", Mallory's)
// or of who recorded an event ("coolloan", "pirateloan", "bank", "mallory"); the browser's for anyone else.
QColor partyColour(const QString &party);

// The illustrations drawn for this app (resources/illustrations, compiled in): "john", "bank",
// "pirateloan-password", "coolloan-key", "consent", and the cast's icons "cast/john", "cast/browser",
// "cast/coolloan", "cast/pirateloan", "cast/eddy", "cast/boris", "cast/banky". GUI thread only; nullptr
// when there is no such picture.
QSvgRenderer *illustration(const QString &name);
// `name` drawn at `size` (device-independent pixels), sharp on a screen of `devicePixelRatio`.
QPixmap illustrationPixmap(const QString &name, const QSize &size, qreal devicePixelRatio);

// Projector scale: the application's font at `percent` of the font it started with. Every widget that
// does not set a font of its own follows (panes, the diagram); John's browser zooms separately.
constexpr int MinScalePercent = 100;
constexpr int MaxScalePercent = 250;
void applyUiScale(int percent);
int uiScalePercent();
// `font` at `factor` of its size (point or pixel sized).
QFont scaledFont(const QFont &font, qreal factor);
// Applies the style sheets of `root` and its descendants again, so that they take up a new font (a widget
// styled by a sheet keeps the font it had when the sheet was applied).
void restyle(QWidget *root);

} // namespace cfl::theme
