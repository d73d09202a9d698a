#pragma once
// The first run: the seed's story in five panels with the app's illustrations —
// John and his bank; PirateLoan asks for the password; the bank asks John; CoolLoan gets a scoped,
// revocable key; now watch it for real — over the lab window, until the reader starts the walkthrough
// or skips it. Help → The story shows it again.

#include <QColor>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QMainWindow;
class QPushButton;
class QShortcut;
class QStackedWidget;
QT_END_NAMESPACE

namespace cfl {

class WelcomeView : public QWidget
{
    Q_OBJECT
public:
    // QSettings key: true once the story was shown (the first run is over).
    static QString shownKey() { return QStringLiteral("welcome/shown"); }

    // Covers `window` below its menu bar, hidden until open().
    explicit WelcomeView(QMainWindow *window);

    int pageCount() const;
    int currentPage() const;
    QString pageTitle(int index) const;

public Q_SLOTS:
    // Shows the first panel over the window, with the keyboard focus.
    void open();
    void setPage(int index);
    void next();
    void back();
    // Hides it (Skip, Escape, or after one of the last panel's buttons).
    void dismiss();

Q_SIGNALS:
    void dismissed();
    // The last panel's way into the walkthrough (the view is dismissed first).
    void autoplayRequested();
    void connectRequested();

protected:
    bool event(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Panel;
    QWidget *makePage(const Panel &panel);
    QWidget *makeCastPage();
    void followWindow();
    void fitText();
    void setShortcutsEnabled(bool enabled);
    void updateControls();

    QMainWindow *m_window;
    QStackedWidget *m_pages;
    QList<QColor> m_colours;
    QStringList m_titles;
    QWidget *m_dots;
    QPushButton *m_skip;
    QPushButton *m_back;
    QPushButton *m_next;
    QList<QShortcut *> m_shortcuts;
};

} // namespace cfl
