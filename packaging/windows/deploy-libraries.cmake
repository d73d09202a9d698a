# Copies the non-Qt DLLs the executables need (OpenSSL, libargon2, cjose, jansson, QtKeychain) next
# to them; windeployqt, run by Qt's deployment script before this, only deploys Qt itself.
# Expects CFL_EXECUTABLES (file names in bin/) and CFL_LIBRARY_DIRS (where to look for DLLs: the bin
# folders of CMAKE_PREFIX_PATH), set by packaging/CMakeLists.txt.

set(bindir "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/bin")
set(executables "")
foreach(name IN LISTS CFL_EXECUTABLES)
    list(APPEND executables "${bindir}/${name}")
endforeach()

file(GET_RUNTIME_DEPENDENCIES
    EXECUTABLES ${executables}
    DIRECTORIES ${CFL_LIBRARY_DIRS}
    RESOLVED_DEPENDENCIES_VAR resolved
    UNRESOLVED_DEPENDENCIES_VAR unresolved
    # Windows' own DLLs (API sets, system32) ship with Windows; Qt's are windeployqt's business, except
    # QtKeychain, which is not part of Qt.
    PRE_INCLUDE_REGEXES "^qt6keychain"
    PRE_EXCLUDE_REGEXES "^api-ms-" "^ext-ms-" "^qt6" "^vcruntime" "^msvcp"
    POST_EXCLUDE_REGEXES "[/\\\\][Ww][Ii][Nn][Dd][Oo][Ww][Ss][/\\\\]")
foreach(dll IN LISTS resolved)
    file(COPY "${dll}" DESTINATION "${bindir}")
    message(STATUS "deploy-libraries: ${dll}")
endforeach()
if(unresolved)
    message(FATAL_ERROR "deploy-libraries: cannot find ${unresolved} in ${CFL_LIBRARY_DIRS}")
endif()
