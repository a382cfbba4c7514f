# jgil_add_extension(<name> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_NAME <file-stem>])
#
# A JNI extension (a MODULE library, libNAME.so) that uses jgil: C/C++ with
# jgil.h/jgil.hpp and the JNI headers, C++17, hidden visibility (only the
# JNIEXPORT functions are exported), no link to libjvm or libjgil, and
# undefined symbols refused at link time (-z defs) so that a missing symbol
# fails the build rather than System.loadLibrary.
function(jgil_add_extension name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_NAME" "SOURCES;LIBRARIES")
    if(NOT arg_SOURCES)
        message(FATAL_ERROR "jgil_add_extension(${name}): SOURCES is required")
    endif()
    add_library(${name} MODULE ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE jgil::jgil ${arg_LIBRARIES})
    set_target_properties(${name} PROPERTIES
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        CXX_STANDARD 17
        CXX_STANDARD_REQUIRED ON
        POSITION_INDEPENDENT_CODE ON)
    if(arg_OUTPUT_NAME)
        set_target_properties(${name} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME})
    endif()
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        target_link_options(${name} PRIVATE "LINKER:-z,defs" "LINKER:--as-needed")
    endif()
endfunction()
