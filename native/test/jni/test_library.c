/*
 * test_library.c -- org.jgil.TestLibrary: libjgiltest's JNI_OnLoad, which
 * imports the jgil runtime as every extension does, and the helpers its
 * probes share (test_library.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "test_library.h"

JGIL_DEFINE_API

static JavaVM *loaded_into;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    loaded_into = vm;
    return jgil_import(env) == 0 ? JNI_VERSION_1_8 : JNI_ERR;
}

JavaVM *probe_vm(void)
{
    return loaded_into;
}

JNIEnv *probe_env(void)
{
    JNIEnv *env = NULL;
    if (loaded_into == NULL || (*loaded_into)->GetEnv(loaded_into, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return NULL;
    return env;
}

int probe_throw(JNIEnv *env, const char *cls, const char *fmt, ...)
{
    jclass c = (*env)->FindClass(env, cls);
    if (c == NULL)
        return 0; /* NoClassDefFoundError pending, which stops the caller too */
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    (*env)->ThrowNew(env, c, message);
    (*env)->DeleteLocalRef(env, c);
    return 0;
}
