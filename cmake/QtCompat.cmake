# The one place where Qt versions differ at the CMake level, as core/compat/QtCompat.h is for C++.
# Qt 6.4.2 from Debian 12 is the floor; Windows and macOS builds use Qt >= 6.5 from the Qt installer.
# Include after find_package(Qt6 ...); each switch is ON or OFF.

if(NOT DEFINED Qt6_VERSION)
    message(FATAL_ERROR "cmake/QtCompat.cmake: include it after find_package(Qt6)")
endif()

# qt_generate_deploy_app_script(TARGET ... OUTPUT_SCRIPT ...): this signature arrived in Qt 6.5; 6.3 and 6.4
# had a technology preview with another one (FILENAME_VARIABLE).
if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
    set(CFL_QT_HAS_DEPLOY_APP_SCRIPT ON)
else()
    set(CFL_QT_HAS_DEPLOY_APP_SCRIPT OFF)
endif()
