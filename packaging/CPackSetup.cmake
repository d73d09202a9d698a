# CPack: the installers around the install tree. Included at the end of packaging/CMakeLists.txt; the
# generated CPackConfig.cmake lands in the top of the build directory (cpack runs there).

set(CPACK_PACKAGE_NAME ${CFL_PACKAGE_NAME})
set(CPACK_PACKAGE_VENDOR "The CodeFlow Lab authors")
set(CPACK_PACKAGE_CONTACT "CodeFlow Lab maintainers <maintainers@codeflow-lab.example>")
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Wrapped by hand: the .deb's control file takes the lines as they are (an empty line becomes " .").
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "CodeFlow Lab lets a workshop, or one curious developer, watch the OAuth 2.0"
    "authorization code flow and its OpenID Connect mapping end to end, on one"
    "laptop and offline. Everything is real: a bank with an authorization server,"
    "token endpoint and account API on loopback, an OAuth client (CoolLoan), an"
    "embedded browser for the user's login and consent, a SQLite database and the"
    "keychain of the operating system. A second client (PirateLoan) asks for the"
    "user's bank password and shows why that is the wrong way."
    ""
    "The package holds the desktop app (codeflow-lab) and the same bank as a"
    "headless server (codeflow-bank).")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "CodeFlow Lab")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
# File names: a workshop hands the same file to every laptop, so name it by system and processor.
string(TOLOWER "${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}" cfl_system)
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${cfl_system}")
set(CPACK_SOURCE_GENERATOR "")

if(WIN32)
    set(CPACK_GENERATOR NSIS)
    set(CPACK_NSIS_PACKAGE_NAME "CodeFlow Lab")
    set(CPACK_NSIS_DISPLAY_NAME "CodeFlow Lab ${PROJECT_VERSION}")
    set(CPACK_NSIS_MUI_ICON ${CMAKE_CURRENT_SOURCE_DIR}/windows/codeflow-lab.ico)
    set(CPACK_NSIS_MUI_UNIICON ${CMAKE_CURRENT_SOURCE_DIR}/windows/codeflow-lab.ico)
    # The header bitmap: NSIS wants a native path whose last separator is a backslash.
    file(TO_NATIVE_PATH "${CMAKE_CURRENT_SOURCE_DIR}/windows/nsis-header.bmp" cfl_header)
    string(REPLACE "\\" "\\\\" CPACK_PACKAGE_ICON "${cfl_header}")
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\codeflow-lab.exe")
    set(CPACK_PACKAGE_EXECUTABLES "codeflow-lab;CodeFlow Lab")
    set(CPACK_NSIS_URL_INFO_ABOUT ${PROJECT_HOMEPAGE_URL})
    set(CPACK_NSIS_CONTACT ${CPACK_PACKAGE_CONTACT})
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
    set(CPACK_DMG_VOLUME_NAME "CodeFlow Lab")
    set(CPACK_PACKAGE_ICON ${CMAKE_CURRENT_SOURCE_DIR}/macos/CodeFlowLab.icns)
    set(CPACK_DMG_FORMAT UDZO)
else()
    set(CPACK_GENERATOR DEB TGZ)

    set(CPACK_DEBIAN_PACKAGE_NAME ${CFL_PACKAGE_NAME})
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SECTION education)
    set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
    set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
    set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
    set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
    # Libraries the executables link: computed by dpkg-shlibdeps.
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    # What dpkg-shlibdeps cannot see, because Qt loads it at run time: libqt6sql6-sqlite, the SQLite
    # driver plugin of Qt Sql (the bank's database).
    # Not needed by hand (package.sh checks the first): QtWebEngineProcess (libqt6webenginecore6-bin) is
    # no Depends of libqt6webenginecore6 in Debian 12, but that library's shlibs add it for every program
    # linking WebEngine, and the locales and resources come with the library (libqt6webengine6-data).
    # The platform plugins (xcb, offscreen) ship in libqt6gui6, which shlibdeps sees; qt6-qpa-plugins
    # holds only vnc and a touch plugin. Wayland sessions want qt6-wayland (else Qt uses XWayland).
    set(cfl_depends libqt6sql6-sqlite)
    set(cfl_recommends "")
    if(TARGET codeflow-lab)
        # The OS keychain (QtKeychain → Secret Service); without one the app keeps secrets in memory.
        list(APPEND cfl_recommends gnome-keyring qt6-wayland)
    endif()
    list(JOIN cfl_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
    list(JOIN cfl_recommends ", " CPACK_DEBIAN_PACKAGE_RECOMMENDS)
endif()

include(CPack)
