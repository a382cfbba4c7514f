# JNI headers only (JNI::JNI); nothing here links libjvm.  Without JAVA_HOME,
# start from the javac on PATH.
macro(jgil_find_jni)
    if(NOT DEFINED ENV{JAVA_HOME} AND NOT JAVA_HOME)
        find_program(_jgil_javac javac)
        if(_jgil_javac)
            get_filename_component(_jgil_javac "${_jgil_javac}" REALPATH)
            get_filename_component(_jgil_jdk "${_jgil_javac}" DIRECTORY)
            get_filename_component(JAVA_HOME "${_jgil_jdk}" DIRECTORY)
        endif()
    endif()
    find_package(JNI REQUIRED OPTIONAL_COMPONENTS AWT JVM)
endmacro()
