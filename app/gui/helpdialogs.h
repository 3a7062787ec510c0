#pragma once

#include <QCoreApplication>

class QWidget;

namespace procession::gui {

// Help → "Procession help" (what the picture shows, keys and mouse) and "About Procession".
class HelpDialogs
{
    Q_DECLARE_TR_FUNCTIONS(HelpDialogs)

public:
    static QString helpHtml();
    static void showHelp(QWidget *parent);
    static void showAbout(QWidget *parent);
};

} // namespace procession::gui
