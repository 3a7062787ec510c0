#pragma once

#include <QColor>
#include <QPalette>

namespace procession::gui {

// The timeline's colours, one set for a light and one for a dark window palette. Both
// keep text on bars readable (labels are drawn in `barText` on the function colours).
struct Theme
{
    bool dark = false;
    QColor background, laneBand, laneBandAlt, grid, text, mutedText, axisText;
    QColor startup, await, awaitFailed, dispatchTick, arrow, returnArrow;
    QColor failed, crash, join, exit, playhead, selection, barText, rubberBand;

    static Theme light();
    static Theme darkTheme();
    static Theme forPalette(const QPalette &palette);

    // A stable colour per function name (greet is always blue, square always teal ...).
    QColor functionColor(const QString &function) const;
    // A colour per lane for the console (main is the text colour).
    QColor laneColor(int lane) const;
};

// `c` with another alpha (0 clear, 255 opaque).
inline QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

// Fusion-style window palettes for --light / --dark.
QPalette lightPalette();
QPalette darkPalette();

} // namespace procession::gui
