# Signs the installed app bundle (run by `cmake --install` and by CPack before the disk image is made,
# after Qt's deployment script copied the frameworks and plugins in).
#   CFL_MACOS_SIGN_IDENTITY unset or "-": ad-hoc signature, enough to run on the machine that built it
#     and on Apple silicon at all; a downloaded copy needs right-click → Open once (Gatekeeper).
#   A "Developer ID Application: ..." identity: hardened runtime and a secure timestamp, ready for
#     notarisation (xcrun notarytool), with WebEngine's helper signed with its entitlements.
# Expects CFL_BUNDLE_NAME (e.g. codeflow-lab.app) and CFL_HELPER_ENTITLEMENTS, set by packaging/CMakeLists.txt.

set(bundle "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${CFL_BUNDLE_NAME}")
if(NOT IS_DIRECTORY "${bundle}")
    message(FATAL_ERROR "sign-bundle: no app bundle at ${bundle} (is codeflow-lab a MACOSX_BUNDLE installed with BUNDLE DESTINATION .?)")
endif()

set(identity "$ENV{CFL_MACOS_SIGN_IDENTITY}")
if(identity STREQUAL "" OR identity STREQUAL "-")
    set(identity "-")
    set(options "")
else()
    set(options --options runtime --timestamp)
endif()

function(cfl_codesign)
    execute_process(COMMAND codesign --force --sign "${identity}" ${options} ${ARGN} COMMAND_ERROR_IS_FATAL ANY)
endfunction()

# Inside out: everything, then the helper again with its entitlements, then the framework that holds
# it and the bundle, so that each outer seal covers the inner signature it ends up with.
cfl_codesign(--deep "${bundle}")
file(GLOB helpers "${bundle}/Contents/Frameworks/QtWebEngineCore.framework/Versions/*/Helpers/QtWebEngineProcess.app")
if(NOT helpers)
    message(FATAL_ERROR "sign-bundle: QtWebEngineProcess.app is missing from ${bundle}: Qt's deployment did not include WebEngine")
endif()
foreach(helper IN LISTS helpers)
    cfl_codesign(--entitlements "${CFL_HELPER_ENTITLEMENTS}" "${helper}")
endforeach()
cfl_codesign("${bundle}/Contents/Frameworks/QtWebEngineCore.framework")
cfl_codesign("${bundle}")
execute_process(COMMAND codesign --verify --deep --strict --verbose=2 "${bundle}" COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "sign-bundle: signed ${bundle} (identity ${identity})")
