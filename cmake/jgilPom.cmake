# The build facts the POMs state (the version, libjgil's C flags), read from them, so that
# the CMake build states none of its own and cannot drift from the Maven build.
#
#   jgil_pom_property(<var> <pom.xml> <name>)
#
# sets <var> to the value of <name> under <properties> in <pom.xml>: a list when the value
# holds several space-separated flags.  An edit of the POM reconfigures.  For jgil's own
# build only: the installed package does not carry it.
function(jgil_pom_property var pom name)
    file(READ "${pom}" text)
    string(REPLACE "." "\\." tag "${name}")
    if(NOT text MATCHES "<${tag}>([^<]*)</${tag}>")
        message(FATAL_ERROR "${pom} has no property <${name}>")
    endif()
    separate_arguments(value UNIX_COMMAND "${CMAKE_MATCH_1}")
    set(${var} "${value}" PARENT_SCOPE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${pom}")
endfunction()
