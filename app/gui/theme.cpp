#include "theme.h"

#include <QString>

#include <array>

namespace procession::gui {

namespace {

// Hues chosen to be told apart, and to carry white text in both palettes.
constexpr std::array<QRgb, 8> kLightFunction = {0x2f6fd0, 0x12907a, 0x8a5cc9, 0xc7782a,
                                                0x5b7f1f, 0xb8488f, 0x3f8fb3, 0x7a6a55};
constexpr std::array<QRgb, 8> kDarkFunction = {0x4a86e0, 0x1ea58d, 0x9a72d9, 0xc98a3c,
                                               0x6d9330, 0xc45c9e, 0x4a9fc4, 0x8c7c66};
constexpr std::array<QRgb, 8> kLightLane = {0x1d5fbf, 0x0d7f6b, 0x7a48bd, 0xb0621a,
                                            0x4d6f12, 0xa63a80, 0x2c7fa3, 0x6a5a45};
constexpr std::array<QRgb, 8> kDarkLane = {0x7fb0ff, 0x4fd1b5, 0xbd9cf2, 0xf0aa5c,
                                           0x9bc45a, 0xeb86c6, 0x7cc7ea, 0xc2b092};

int functionSlot(const QString &function)
{
    static const char *known[] = {"greet", "square", "spin", "sleep", "echo", "add", "noop"};
    for (int i = 0; i < int(std::size(known)); ++i)
        if (function == QLatin1String(known[i]))
            return i;
    uint h = 0; // qHash is seeded per process: colours must not change between runs
    for (QChar c : function)
        h = h * 31 + c.unicode();
    return int(h % 8);
}

} // namespace

Theme Theme::light()
{
    Theme t;
    t.dark = false;
    t.background = QColor(0xffffff);
    t.laneBand = QColor(0xf4f6f9);
    t.laneBandAlt = QColor(0xeef1f5);
    t.grid = QColor(0xd9dee6);
    t.text = QColor(0x1c2230);
    t.mutedText = QColor(0x5d6778);
    t.axisText = QColor(0x404a5a);
    t.startup = QColor(0x8a94a6);
    t.await = QColor(0xc3cad6);
    t.awaitFailed = QColor(0xf0b6b0);
    t.dispatchTick = QColor(0x404a5a);
    t.arrow = QColor(0x394456);
    t.returnArrow = QColor(0x1f8a4c);
    t.failed = QColor(0xd23b2e);
    t.crash = QColor(0xd0021b);
    t.join = QColor(0x404a5a);
    t.exit = QColor(0x6b7687);
    t.playhead = QColor(0xe8590c);
    t.selection = QColor(0xffb000);
    t.barText = QColor(0xffffff);
    t.rubberBand = QColor(47, 111, 208, 50);
    return t;
}

Theme Theme::darkTheme()
{
    Theme t;
    t.dark = true;
    t.background = QColor(0x1b1f27);
    t.laneBand = QColor(0x232833);
    t.laneBandAlt = QColor(0x262c38);
    t.grid = QColor(0x363d4b);
    t.text = QColor(0xe6e9ef);
    t.mutedText = QColor(0xa3acbb);
    t.axisText = QColor(0xc4cad4);
    t.startup = QColor(0x8d97aa);
    t.await = QColor(0x4a5364);
    t.awaitFailed = QColor(0x7a3a36);
    t.dispatchTick = QColor(0xc4cad4);
    t.arrow = QColor(0xb8c0cc);
    t.returnArrow = QColor(0x4cc27a);
    t.failed = QColor(0xe5534b);
    t.crash = QColor(0xff4d5e);
    t.join = QColor(0xc4cad4);
    t.exit = QColor(0x9aa3b2);
    t.playhead = QColor(0xff8a3d);
    t.selection = QColor(0xffc53d);
    t.barText = QColor(0xffffff);
    t.rubberBand = QColor(74, 134, 224, 70);
    return t;
}

Theme Theme::forPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? darkTheme() : light();
}

QColor Theme::functionColor(const QString &function) const
{
    const int slot = functionSlot(function);
    return QColor(dark ? kDarkFunction[slot] : kLightFunction[slot]);
}

QColor Theme::laneColor(int lane) const
{
    if (lane <= 0)
        return text;
    const auto &colors = dark ? kDarkLane : kLightLane;
    return QColor(colors[(lane - 1) % colors.size()]);
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xeff1f4));
    p.setColor(QPalette::WindowText, QColor(0x1c2230));
    p.setColor(QPalette::Base, QColor(0xffffff));
    p.setColor(QPalette::AlternateBase, QColor(0xf4f6f9));
    p.setColor(QPalette::ToolTipBase, QColor(0xffffe8));
    p.setColor(QPalette::ToolTipText, QColor(0x1c2230));
    p.setColor(QPalette::PlaceholderText, QColor(0x646c7d)); // 5.3:1 on Base
    p.setColor(QPalette::Text, QColor(0x1c2230));
    p.setColor(QPalette::Button, QColor(0xe6e9ee));
    p.setColor(QPalette::ButtonText, QColor(0x1c2230));
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Highlight, QColor(0x2f6fd0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1d5fbf));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9aa1ad));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9aa1ad));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9aa1ad));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x20242c));
    p.setColor(QPalette::WindowText, QColor(0xe6e9ef));
    p.setColor(QPalette::Base, QColor(0x1b1f27));
    p.setColor(QPalette::AlternateBase, QColor(0x252a34));
    p.setColor(QPalette::ToolTipBase, QColor(0x2c323d));
    p.setColor(QPalette::ToolTipText, QColor(0xe6e9ef));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a93a3));
    p.setColor(QPalette::Text, QColor(0xe6e9ef));
    p.setColor(QPalette::Button, QColor(0x2c323d));
    p.setColor(QPalette::ButtonText, QColor(0xe6e9ef));
    p.setColor(QPalette::BrightText, QColor(0xff6b6b));
    p.setColor(QPalette::Highlight, QColor(0x2d68c8)); // white on it: 5.3:1
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7fb0ff));
    p.setColor(QPalette::Light, QColor(0x3a414e));
    p.setColor(QPalette::Midlight, QColor(0x323844));
    p.setColor(QPalette::Mid, QColor(0x2a2f39));
    p.setColor(QPalette::Dark, QColor(0x15181e));
    p.setColor(QPalette::Shadow, QColor(0x0c0e12));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6f7786));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6f7786));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6f7786));
    return p;
}

} // namespace procession::gui
