#pragma once
// Help → About: the version, the Qt it runs on and was built with, and the licences of what it is made of.

#include <QDialog>

namespace cfl {

class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);

    // The text shown (for tests and for copying into a bug report).
    QString text() const { return m_text; }

private:
    QString m_text;
};

} // namespace cfl
