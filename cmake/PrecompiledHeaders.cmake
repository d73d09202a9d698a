# Precompiled Qt headers, built once per kind of target and reused by every target of that kind
# (target_precompile_headers REUSE_FROM): parsing Qt's headers was about half of each test's compile.
#
#   core    the core libraries, the headless bank, the bank benchmark: Qt Core, Network, Sql, HttpServer
#   test    the tests that need no widgets: the same + Test; one PCH per test directory (tests/unit,
#           tests/integration), as Qt's QT_TESTCASE_BUILDDIR/SOURCEDIR are the test's directories
#   widgets the UI libraries, the desktop app, the UI benchmark: core + Widgets, Svg
#   widgets_test  the widget tests and the GUI tests on LabFixture: widgets + Test, one per directory
#
# A compiler uses a precompiled header only when the macros the header tests are defined as they were
# when it was made (QT_NETWORK_LIB, QT_TESTCASE_BUILDDIR, ...; GCC otherwise parses the header as
# text, clang stops). So every target of a kind links all of its kind's Qt modules, not only those it
# needs; the project's own libraries stay as narrow as before. Only Qt's headers are precompiled:
# editing a project header rebuilds what includes it, never the PCH.
# -DCFL_PCH=OFF compiles without (e.g. to check that every file includes what it uses). On by default
# with GCC and Clang on Linux, where it is tested (./dev test, ./dev check-qt68); not yet with MSVC or
# on macOS, which reject a precompiled header on other terms.
set(cfl_pch_default OFF)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
    set(cfl_pch_default ON)
endif()
option(CFL_PCH "Precompile the Qt headers, once per kind of target" ${cfl_pch_default})

set(CFL_PCH_CORE_HEADERS
    <QByteArray> <QByteArrayView> <QCoreApplication> <QDateTime> <QDir> <QElapsedTimer> <QFile> <QHash>
    <QHostAddress> <QJsonArray> <QJsonDocument> <QJsonObject> <QJsonValue> <QList> <QLoggingCategory>
    <QObject> <QPair> <QRegularExpression> <QSet> <QString> <QStringList> <QTimer> <QUrl> <QUrlQuery>
    <QVariant> <QNetworkAccessManager> <QNetworkReply> <QTcpSocket> <QSqlDatabase> <QSqlError>
    <QSqlQuery> <QHttpServerRequest> <QHttpServerResponse>)
set(CFL_PCH_TEST_HEADERS ${CFL_PCH_CORE_HEADERS} <QTest> <QSignalSpy> <QTemporaryDir> <QProcess>)
set(CFL_PCH_WIDGETS_HEADERS ${CFL_PCH_CORE_HEADERS}
    <QApplication> <QColor> <QDialog> <QDialogButtonBox> <QHBoxLayout> <QHeaderView> <QLabel> <QLineEdit>
    <QListWidget> <QPainter> <QPushButton> <QScrollBar> <QSplitter> <QTabWidget> <QTextBrowser>
    <QTreeWidget> <QVBoxLayout> <QWidget>)
set(CFL_PCH_WIDGETS_TEST_HEADERS ${CFL_PCH_WIDGETS_HEADERS} <QTest> <QSignalSpy> <QTemporaryDir> <QProcess>)

# The kinds: what every target of a kind is compiled and linked with.
add_library(cfl_pch_kind_core INTERFACE)
target_link_libraries(cfl_pch_kind_core INTERFACE cfl_build_flags Qt6::Core Qt6::Network Qt6::Sql Qt6::HttpServer)
# CMake adds -Winvalid-pch: should another Qt define other macros for some target, GCC says why it
# does not use the header and parses it as text, which is slower but right, instead of failing (-Werror).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(cfl_pch_kind_core INTERFACE -Wno-error=invalid-pch)
endif()
add_library(cfl_pch_kind_test INTERFACE)
target_link_libraries(cfl_pch_kind_test INTERFACE cfl_pch_kind_core Qt6::Test)
if(CFL_BUILD_WIDGETS)
    add_library(cfl_pch_kind_widgets INTERFACE)
    target_link_libraries(cfl_pch_kind_widgets INTERFACE cfl_pch_kind_core Qt6::Widgets Qt6::Svg)
    add_library(cfl_pch_kind_widgets_test INTERFACE)
    target_link_libraries(cfl_pch_kind_widgets_test INTERFACE cfl_pch_kind_widgets Qt6::Test)
endif()

# cfl_pch_donor(KIND NAME [LIBS...]): cfl_pch_NAME, the one target that precompiles the headers for KIND's
# targets made in the current directory or, for core and widgets, anywhere; LIBS when every target that
# uses it links them too (their Qt modules' macros). Sets CFL_PCH_<KIND> to NAME in the caller's scope.
function(cfl_pch_donor kind name)
    string(TOUPPER ${kind} KIND)
    set(CFL_PCH_${KIND} ${name} PARENT_SCOPE)
    if(NOT CFL_PCH)
        return()
    endif()
    set(source ${CMAKE_CURRENT_BINARY_DIR}/cfl_pch_${name}.cpp)
    file(CONFIGURE OUTPUT ${source} CONTENT "// Precompiles the Qt headers for cfl_use_pch (cmake/PrecompiledHeaders.cmake).\n")
    add_library(cfl_pch_${name} OBJECT ${source})
    target_link_libraries(cfl_pch_${name} PRIVATE cfl_pch_kind_${kind} ${ARGN})
    set_target_properties(cfl_pch_${name} PROPERTIES AUTOMOC OFF)
    target_precompile_headers(cfl_pch_${name} PRIVATE ${CFL_PCH_${KIND}_HEADERS})
endfunction()

# cfl_use_pch(TARGET KIND NAME): TARGET is of KIND (core, test, widgets, widgets_test) and reuses cfl_pch_NAME's header.
# Without CFL_PCH it still links what its kind links, so both builds compile the same code.
function(cfl_use_pch target kind name)
    target_link_libraries(${target} PRIVATE cfl_pch_kind_${kind})
    if(CFL_PCH)
        target_precompile_headers(${target} REUSE_FROM cfl_pch_${name})
    endif()
endfunction()
