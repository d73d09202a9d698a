#pragma once
// What a widget test needs: a QApplication — on the offscreen platform unless the environment chose one
// (./dev test's is offscreen too, with a laptop-sized screen) — and no LabWindow, no WebEngine, no
// keychain. These tests build and run without the desktop app, in the sanitizer run as well.

#include <QApplication>
#include <QTest>

// main() for a widget test.
#define CFL_WIDGET_TEST_MAIN(TestObject)                                                                     \
    int main(int argc, char *argv[])                                                                         \
    {                                                                                                        \
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))                                                  \
            qputenv("QT_QPA_PLATFORM", "offscreen");                                                         \
        QApplication app(argc, argv);                                                                        \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }
