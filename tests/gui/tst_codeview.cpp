// The recipe pane: every line readable (WCAG contrast of at least 4.5:1) in both palettes,
// also after the palette is toggled while a recipe is shown.
#include "codeview.h"
#include "theme.h"

#include <QApplication>
#include <QTest>

#include <cmath>

using namespace procession::gui;

namespace {

double channel(int v)
{
    const double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(QColor c)
{
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue());
}

double contrast(QColor a, QColor b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

const QStringList kRecipe = {
    QStringLiteral("# four greetings, one process each"), QStringLiteral("pool = Pool(4)"),
    QStringLiteral("    # wait for all of them"), QStringLiteral("results = await_all(calls)")};

} // namespace

class TestCodeView : public QObject
{
    Q_OBJECT

private slots:
    void contrastOfThePalettes_data();
    void contrastOfThePalettes();
    void commentsFollowThePaletteToggle();

private:
    // Every line's text against the pane's background, plain and selected.
    void checkLines(const CodeView &view, const char *where);
};

void TestCodeView::checkLines(const CodeView &view, const char *where)
{
    const QPalette p = view.palette();
    for (int i = 0; i < view.count(); ++i) {
        const QBrush fg = view.item(i)->foreground();
        const QColor text = fg.style() == Qt::NoBrush ? p.color(QPalette::Text) : fg.color();
        const double plain = contrast(text, p.color(QPalette::Base));
        QVERIFY2(plain >= 4.5, qPrintable(QStringLiteral("%1, line %2 (%3 on %4): %5:1")
                                              .arg(QLatin1String(where))
                                              .arg(i + 1)
                                              .arg(text.name(), p.color(QPalette::Base).name())
                                              .arg(plain, 0, 'f', 2)));
    }
    const double selected =
        contrast(p.color(QPalette::HighlightedText), p.color(QPalette::Highlight));
    QVERIFY2(selected >= 4.5, qPrintable(QStringLiteral("%1, the played line: %2:1")
                                             .arg(QLatin1String(where))
                                             .arg(selected, 0, 'f', 2)));
}

void TestCodeView::contrastOfThePalettes_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestCodeView::contrastOfThePalettes()
{
    QFETCH(bool, dark);
    QApplication::setPalette(dark ? darkPalette() : lightPalette());
    CodeView view;
    view.setLines(kRecipe);
    QVERIFY(view.isComment(0) && view.isComment(2) && !view.isComment(1));
    checkLines(view, dark ? "dark" : "light");
}

void TestCodeView::commentsFollowThePaletteToggle()
{
    QApplication::setPalette(lightPalette());
    CodeView view;
    view.setLines(kRecipe);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.item(0)->foreground().color(), lightPalette().color(QPalette::PlaceholderText));

    QApplication::setPalette(darkPalette()); // what View → Dark palette does
    QCoreApplication::processEvents();
    QCOMPARE(view.item(0)->foreground().color(), darkPalette().color(QPalette::PlaceholderText));
    QCOMPARE(view.item(2)->foreground().color(), darkPalette().color(QPalette::PlaceholderText));
    checkLines(view, "toggled to dark");

    QApplication::setPalette(lightPalette());
    QCoreApplication::processEvents();
    QCOMPARE(view.item(0)->foreground().color(), lightPalette().color(QPalette::PlaceholderText));
    checkLines(view, "toggled back to light");
}

QTEST_MAIN(TestCodeView)
#include "tst_codeview.moc"
