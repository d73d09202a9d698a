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
    # Only the .deb. The .tar.gz that came along held the same executables, linked against the
    # system's Qt but with no dependency information: it ran only where the .deb runs (the same Debian
    # release with the same Qt packages installed) and elsewhere failed at the first HTTP request
    # (issue 14). Nothing needed it, so it is gone rather than guarded.
    set(CPACK_GENERATOR DEB)

    set(CPACK_DEBIAN_PACKAGE_NAME ${CFL_PACKAGE_NAME})
    # A .deb runs only on the release whose Qt it was built against (see the Depends below), so its
    # version says which, as Debian's own backports do: 0.1.0~deb12 for Debian 12, 0.1.0~deb13 for
    # Debian 13; the file name follows (codeflow-lab_0.1.0~deb12_amd64.deb). "~" sorts before the bare
    # version 0.1.0, and deb12 before deb13.
    # -DCFL_DEB_RELEASE=... names another release; by default it is read from /etc/os-release.
    set(CFL_DEB_RELEASE "" CACHE STRING "Release suffix of the .deb version, e.g. deb12 (default: from /etc/os-release)")
    set(cfl_release ${CFL_DEB_RELEASE})
    if(NOT cfl_release AND EXISTS /etc/os-release)
        file(STRINGS /etc/os-release cfl_os_id REGEX "^ID=")
        file(STRINGS /etc/os-release cfl_os_version REGEX "^VERSION_ID=")
        string(REGEX REPLACE "^ID=\"?([^\"]*)\"?$" "\\1" cfl_os_id "${cfl_os_id}")
        string(REGEX REPLACE "^VERSION_ID=\"?([^\"]*)\"?$" "\\1" cfl_os_version "${cfl_os_version}")
        if(cfl_os_id STREQUAL "debian" AND cfl_os_version)
            set(cfl_release deb${cfl_os_version})
        elseif(cfl_os_id AND cfl_os_version)
            set(cfl_release ${cfl_os_id}${cfl_os_version})
        endif()
    endif()
    if(cfl_release)
        set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}~${cfl_release}")
    endif()
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
    # Upper bounds where Qt promises no binary compatibility (issue 14). dpkg-shlibdeps only ever writes
    # lower bounds (">= 6.4.2"), which is right for Qt's supported modules: a program built against 6.4
    # runs on any later Qt 6. Qt HTTP Server was a Technical Preview until 6.8, "API and ABI stability
    # is not guaranteed": its library exports unversioned symbols that change between minor versions,
    # and a bank built against 6.4 dies with "undefined symbol: _ZNK18QHttpServerRequest7headersEv" on
    # 6.8. So, until 6.8, an upper bound next to shlibdeps' lower one: the same minor version
    # (libqt6httpserver6 (>= 6.4.2), libqt6httpserver6 (<< 6.5~)), and apt refuses the package where it
    # would crash.
    # The other Qt modules the executables link (Core, Network, Sql, Gui, Widgets, Svg, NetworkAuth,
    # WebEngineCore, WebEngineWidgets) are supported modules with binary compatibility; several of them
    # use Qt's private API, but Debian ties those to the exact qtbase (qt6-base-abi (= 6.4.2)) itself.
    # Our executables import no Qt_6_PRIVATE_API symbol (package.sh checks that with objdump), so they
    # need no such tie. QtKeychain is no Qt module: its soname changes with its ABI.
    set(cfl_httpserver_version ${Qt6HttpServer_VERSION})
    if(NOT cfl_httpserver_version)
        set(cfl_httpserver_version ${Qt6_VERSION})
    endif()
    if(cfl_httpserver_version VERSION_LESS 6.8)
        string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" cfl_match "${cfl_httpserver_version}")
        math(EXPR cfl_next_minor "${CMAKE_MATCH_2} + 1")
        list(APPEND cfl_depends "libqt6httpserver6 (<< ${CMAKE_MATCH_1}.${cfl_next_minor}~)")
    endif()
    set(cfl_recommends "")
    if(TARGET codeflow-lab)
        # The OS keychain (QtKeychain → Secret Service); without one the app keeps secrets in memory.
        list(APPEND cfl_recommends gnome-keyring qt6-wayland)
    endif()
    list(JOIN cfl_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
    list(JOIN cfl_recommends ", " CPACK_DEBIAN_PACKAGE_RECOMMENDS)
endif()

include(CPack)
