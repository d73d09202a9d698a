#pragma once
// One exchange, opened from the traffic log or the sequence diagram: the request line, headers and body, then
// the response's — forms and queries as name/value tables, JSON pretty-printed, HTML as source, and every JWT
// decoded where it appears (header and payload, with exp/iat/auth_time as dates). Decisions and actions show
// their rule and the compared values.
//
// This is the deliberate teaching view: codes, tokens, secrets and cookies are shown unmasked, because they
// are what the workshop is about (exports mask them). Shared by the traffic log and the sequence diagram, so
// the API stays: construct, showExchange(event), clear().

#include "trace/TraceEvent.h"

#include <QSet>
#include <QWidget>

#include <optional>

QT_BEGIN_NAMESPACE
class QTextBrowser;
QT_END_NAMESPACE

namespace cfl {

class ExchangeDetailView : public QWidget
{
    Q_OBJECT
public:
    explicit ExchangeDetailView(QWidget *parent = nullptr);

    // Any event: a request or response shows the whole exchange (scrolled to the response for a
    // response), a decision or action its summary and rule.
    void showExchange(const cfl::TraceEvent &event);
    void clear();

protected:
    void changeEvent(QEvent *event) override;

private:
    void render(bool keepScroll);
    void applyFont();

    QTextBrowser *m_text;
    std::optional<TraceEvent> m_event;
    QSet<QString> m_expanded; // long bodies the reader asked to see whole
};

} // namespace cfl
