#include "bank/PageRenderer.h"

#include <QFile>
#include <QList>
#include <QRegularExpression>

namespace cfl {

namespace {

// One piece of a template: text as it is, or a tag. A section and its end know each other.
struct Token
{
    enum Kind { Text, Value, Raw, Section, Inverted, End };
    Kind kind = Text;
    qsizetype start = 0; // the piece of the template it covers (text: trimmed of standalone tag lines)
    qsizetype end = 0;
    QString name;
    int partner = -1; // Section, Inverted: the index of its End; End: of its Section or Inverted
};

bool isBlank(QStringView text)
{
    for (const QChar c : text) {
        if (c != u' ' && c != u'\t' && c != u'\r')
            return false;
    }
    return true;
}

// An end tag closes the innermost open section of its name; what is left unpaired (an end without its
// section, a section without its end, sections left open inside a closed one) is text.
void pairSections(QList<Token> &tokens)
{
    QList<int> open;
    for (int i = 0; i < tokens.size(); ++i) {
        Token &token = tokens[i];
        if (token.kind == Token::Section || token.kind == Token::Inverted) {
            open.append(i);
        } else if (token.kind == Token::End) {
            qsizetype at = open.size() - 1;
            while (at >= 0 && tokens.at(open.at(at)).name != token.name)
                --at;
            if (at < 0) {
                token.kind = Token::Text;
                continue;
            }
            for (qsizetype above = at + 1; above < open.size(); ++above)
                tokens[open.at(above)].kind = Token::Text;
            token.partner = open.at(at);
            tokens[open.at(at)].partner = i;
            open.resize(at);
        }
    }
    for (const int i : std::as_const(open))
        tokens[i].kind = Token::Text;
}

// A section tag alone on its line (blanks around it) takes the whole line, its line break included, so
// that a template can put its sections on lines of their own (Mustache's "standalone" tags).
void dropStandaloneLines(const QString &text, QList<Token> &tokens)
{
    QList<qsizetype> newEnds(tokens.size());
    QList<qsizetype> newStarts(tokens.size());
    for (int i = 0; i < tokens.size(); ++i) {
        newEnds[i] = tokens.at(i).end;
        newStarts[i] = tokens.at(i).start;
    }
    const QStringView view(text);
    for (int i = 0; i < tokens.size(); ++i) {
        const Token &tag = tokens.at(i);
        if (tag.partner < 0 || tag.kind == Token::Text)
            continue;
        // Left: the start of the template, or text whose last line is blank so far.
        qsizetype lineStart = tag.start;
        if (i > 0) {
            const Token &before = tokens.at(i - 1);
            if (before.kind != Token::Text)
                continue;
            const qsizetype newline = view.sliced(before.start, before.end - before.start).lastIndexOf(u'\n');
            if (newline < 0 && i - 1 != 0)
                continue;
            lineStart = newline < 0 ? before.start : before.start + newline + 1;
            if (!isBlank(view.sliced(lineStart, before.end - lineStart)))
                continue;
        }
        // Right: the end of the template, or text that is blank up to its first line break.
        qsizetype nextLine = tag.end;
        if (i + 1 < tokens.size()) {
            const Token &after = tokens.at(i + 1);
            if (after.kind != Token::Text)
                continue;
            const qsizetype newline = view.sliced(after.start, after.end - after.start).indexOf(u'\n');
            if (newline < 0 && i + 1 != tokens.size() - 1)
                continue;
            nextLine = newline < 0 ? after.end : after.start + newline + 1;
            if (!isBlank(view.sliced(after.start, nextLine - after.start).chopped(newline < 0 ? 0 : 1)))
                continue;
        }
        if (i > 0)
            newEnds[i - 1] = lineStart;
        if (i + 1 < tokens.size())
            newStarts[i + 1] = nextLine;
    }
    for (int i = 0; i < tokens.size(); ++i) {
        if (tokens.at(i).kind == Token::Text) {
            tokens[i].start = newStarts.at(i);
            tokens[i].end = qMax(newStarts.at(i), newEnds.at(i));
        }
    }
}

QList<Token> tokenize(const QString &text)
{
    // "{{{name}}}" (raw) only with three braces on both sides; "{{{name}}" is "{" and an escaped "{{name}}".
    static const QRegularExpression tag(
        QStringLiteral(R"(\{\{\{\s*([a-zA-Z0-9_]+)\s*\}\}\}|\{\{\s*([#^/]?)\s*([a-zA-Z0-9_]+)\s*\}\})"));
    QList<Token> tokens;
    qsizetype last = 0;
    for (auto it = tag.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        if (match.capturedStart() > last)
            tokens.append({ Token::Text, last, match.capturedStart(), {}, -1 });
        Token token { Token::Raw, match.capturedStart(), match.capturedEnd(), match.captured(1), -1 };
        if (match.capturedStart(1) < 0) {
            const QString sigil = match.captured(2);
            token.name = match.captured(3);
            token.kind = sigil.isEmpty()      ? Token::Value
                : sigil == QLatin1String("#") ? Token::Section
                : sigil == QLatin1String("^") ? Token::Inverted
                                              : Token::End;
        }
        tokens.append(token);
        last = match.capturedEnd();
    }
    if (last < text.size())
        tokens.append({ Token::Text, last, text.size(), {}, -1 });
    pairSections(tokens);
    dropStandaloneLines(text, tokens);
    return tokens;
}

// The innermost value of that name: a list entry's names shadow the page's.
QVariant lookup(const QList<PageValues> &scopes, const QString &name)
{
    for (qsizetype i = scopes.size() - 1; i >= 0; --i) {
        const auto found = scopes.at(i).constFind(name);
        if (found != scopes.at(i).constEnd())
            return *found;
    }
    return {};
}

bool isList(const QVariant &value)
{
    return value.metaType() == QMetaType::fromType<PageList>();
}

bool holds(const QVariant &value)
{
    if (!value.isValid())
        return false;
    if (value.metaType() == QMetaType::fromType<bool>())
        return value.toBool();
    if (isList(value))
        return !value.toList().isEmpty();
    return !value.toString().isEmpty();
}

void renderTokens(const QString &text, const QList<Token> &tokens, int from, int to,
    QList<PageValues> &scopes, QString &out)
{
    for (int i = from; i < to; ++i) {
        const Token &token = tokens.at(i);
        switch (token.kind) {
        case Token::Text:
            out += QStringView(text).sliced(token.start, token.end - token.start);
            break;
        case Token::Value:
            out += PageRenderer::escape(lookup(scopes, token.name).toString());
            break;
        case Token::Raw:
            out += lookup(scopes, token.name).toString();
            break;
        case Token::Section: {
            const QVariant value = lookup(scopes, token.name);
            if (isList(value)) {
                for (const QVariant &entry : value.toList()) {
                    scopes.append(entry.toHash());
                    renderTokens(text, tokens, i + 1, token.partner, scopes, out);
                    scopes.removeLast();
                }
            } else if (holds(value)) {
                renderTokens(text, tokens, i + 1, token.partner, scopes, out);
            }
            i = token.partner;
            break;
        }
        case Token::Inverted:
            if (!holds(lookup(scopes, token.name)))
                renderTokens(text, tokens, i + 1, token.partner, scopes, out);
            i = token.partner;
            break;
        case Token::End:
            break;
        }
    }
}

} // namespace

QString PageRenderer::escape(const QString &text)
{
    // QString::toHtmlEscaped leaves the apostrophe as it is.
    return text.toHtmlEscaped().replace(QLatin1Char('\''), QLatin1String("&#39;"));
}

QString PageRenderer::load(const QString &name)
{
    QFile file(QStringLiteral(":/bank/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("<p>missing page template %1</p>").arg(escape(name));
    return QString::fromUtf8(file.readAll());
}

QString PageRenderer::fill(const QString &text, const PageValues &values)
{
    const QList<Token> tokens = tokenize(text);
    QList<PageValues> scopes { values };
    QString out;
    out.reserve(text.size() * 2);
    renderTokens(text, tokens, 0, int(tokens.size()), scopes, out);
    return out;
}

QByteArray PageRenderer::render(const QString &name, const QString &title, const PageValues &values)
{
    PageValues all = values;
    all.insert(QStringLiteral("title"), title);
    all.insert(QStringLiteral("content"), fill(load(name), values));
    return fill(load(QStringLiteral("layout.html")), all).toUtf8();
}

} // namespace cfl
