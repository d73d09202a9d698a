# cmake -DEXPECT=absent|present -DFILES=<executable>;... -P NoBackDoor.cmake
# Issue 15 §3: only a mutation build (-DCFL_MUTATION=ON) reads CFL_MUTATE_CHECKS. The variable's name is a
# string literal of core/mutation/MutationSwitch.h and the name of its function is in the debug
# information and symbols: in every other build neither may be in the executables.
if(NOT EXPECT MATCHES "^(absent|present)$" OR NOT FILES)
    message(FATAL_ERROR "usage: cmake -DEXPECT=absent|present -DFILES=<executable>;... -P NoBackDoor.cmake")
endif()
foreach(file IN LISTS FILES)
    if(NOT EXISTS "${file}")
        message(FATAL_ERROR "${file} does not exist")
    endif()
    file(STRINGS "${file}" found REGEX "CFL_MUTATE_CHECKS|checksSwitchedOff")
    if(EXPECT STREQUAL "absent" AND found)
        list(GET found 0 first)
        message(FATAL_ERROR "${file} holds the mutation switch (\"${first}\"): built with CFL_MUTATION?")
    elseif(EXPECT STREQUAL "present" AND NOT found)
        message(FATAL_ERROR "${file} does not read CFL_MUTATE_CHECKS, though configured with CFL_MUTATION")
    endif()
    message(STATUS "${file}: mutation switch ${EXPECT}")
endforeach()
