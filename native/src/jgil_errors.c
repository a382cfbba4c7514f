/*
 * jgil_errors.c -- turning native failures into Java exceptions.
 */
#include <stdarg.h>
#include <stdio.h>

#include "jgil_internal.h"

int jgil_throw(JNIEnv *env, const char *class_name, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls != NULL) /* else NoClassDefFoundError is pending, which also stops the caller */
        (*env)->ThrowNew(env, cls, message);
    return 0;
}
