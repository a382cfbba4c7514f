/*
 * jgil_glue.h -- what the JNI glue generated from @org.jgil.ext.Calls shares.
 *
 * The generated wrapper of a native method has one shape, and the order of
 * its steps is what makes it safe; the steps live here, the wrapper only
 * strings them together:
 *
 *     check every argument holding the lock: nulls, ranges, overflow, the
 *         declared conditions -- before any memory is touched
 *     jgil_glue_begin: release (or keep) the lock, open a cancellable section
 *     jgil_glue_pin: pin the arrays (GetPrimitiveArrayCritical) or copy them
 *     call the C function (in C++ inside a try: nothing crosses JNI)
 *     jgil_glue_unpin: unpin or copy back, before the lock is taken back
 *     jgil_glue_end: close the section, re-take the lock, then throw what
 *         went wrong (a status, a C++ exception, a cancellation)
 *
 * Arrays are pinned only inside the released section, as access.c does for
 * jgil's kernels: a thread that waited for the lock while it held off the
 * garbage collector could deadlock the JVM.  A cancellable call copies its
 * arrays instead, because jgil_cancelled() may call into Java, which JNI
 * forbids inside a critical region; so does a call declared `copy`, because
 * a long critical region stalls every thread that allocates.
 *
 * The file compiles as C and as C++ (the generated glue is one .c file that
 * either compiler takes); in C++ the C function's exceptions are caught and
 * translated with jgil::translate_exception once the lock is back.
 */
#ifndef JGIL_GLUE_H
#define JGIL_GLUE_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
#include <exception>
#include <jgil.hpp>
#else
#include <jgil.h>
#endif

/* How the lock is treated around the call (org.jgil.ext.Lock). */
#define JGIL_GLUE_HELD      0
#define JGIL_GLUE_RELEASED  1
#define JGIL_GLUE_AUTO      2

/* Element types: which Get/Set<Type>ArrayRegion copies an array. */
#define JGIL_GLUE_BOOLEAN 0
#define JGIL_GLUE_BYTE    1
#define JGIL_GLUE_CHAR    2
#define JGIL_GLUE_SHORT   3
#define JGIL_GLUE_INT     4
#define JGIL_GLUE_LONG    5
#define JGIL_GLUE_FLOAT   6
#define JGIL_GLUE_DOUBLE  7

/* Why a call failed inside the section; thrown once the lock is back. */
#define JGIL_GLUE_OK          0
#define JGIL_GLUE_NOMEM       1   /* no memory to pin or copy an array */
#define JGIL_GLUE_CANCELLED   2   /* the thread was interrupted */
#define JGIL_GLUE_CXX         3   /* the C++ function threw */
#define JGIL_GLUE_PENDING     4   /* a JNI call left a Java exception */

typedef struct jgil_glue_array {
    const char *name;      /* the Java parameter, for messages */
    jarray obj;
    int type;              /* JGIL_GLUE_BOOLEAN ... JGIL_GLUE_DOUBLE */
    int writes;            /* @Out: copied back, or released with mode 0 */
    int64_t off, len;      /* the elements passed: [off, off + len) */
    void *start;           /* inside the call: the pinned array or the copy */
    void *ptr;             /* inside the call: element `off` */
    int pinned;
} jgil_glue_array;

typedef struct jgil_glue_call {
    const char *site;      /* the Java method: statistics and messages name it */
    const char *function;  /* the C function */
    int how;               /* JGIL_GLUE_HELD, _RELEASED, _AUTO */
    int cancellable;
    int copy;              /* copy arrays instead of pinning them */
    int64_t cost_ns;       /* JGIL_GLUE_AUTO: the expected cost */
    jgil_tstate saved;     /* 0: not begun; JGIL_TSTATE_HELD: the lock was kept */
    int failed;            /* JGIL_GLUE_OK or why not */
    int status;            /* what a status-returning function returned */
    jthrowable pending;    /* an exception a JNI call raised without the lock */
#ifdef __cplusplus
    std::exception_ptr error;
#endif
} jgil_glue_call;

static inline void jgil_glue_init(jgil_glue_call *c, const char *site, const char *function, int how,
                                  int cancellable, int copy)
{
    c->site = site;
    c->function = function;
    c->how = how;
    c->cancellable = cancellable;
    c->copy = copy || cancellable;
    c->cost_ns = 0;
    c->saved = 0;
    c->failed = JGIL_GLUE_OK;
    c->status = 0;
    c->pending = NULL;
}

static inline int jgil_glue_throw(JNIEnv *env, const char *cls_name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Throws cls_name with a formatted message; returns -1. */
static inline int jgil_glue_throw(JNIEnv *env, const char *cls_name, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (JGIL_JNI(env)->ExceptionCheck(env))
        return -1; /* the first exception wins */
    jclass cls = JGIL_JNI(env)->FindClass(env, cls_name);
    if (cls != NULL) {
        JGIL_JNI(env)->ThrowNew(env, cls, msg);
        JGIL_JNI(env)->DeleteLocalRef(env, cls);
    }
    return -1;
}

/* ---- argument checks: holding the lock, before anything is touched ---- */

/* The whole array `obj`; -1 with NullPointerException if it is null. */
static inline int jgil_glue_whole(JNIEnv *env, const jgil_glue_call *c, jgil_glue_array *a)
{
    if (a->obj == NULL)
        return jgil_glue_throw(env, "java/lang/NullPointerException", "%s: %s is null", c->site, a->name);
    a->off = 0;
    a->len = JGIL_JNI(env)->GetArrayLength(env, a->obj);
    return 0;
}

/* After jgil_glue_whole: only `n` elements from `off` are passed
 * (Objects.checkFromIndexSize). */
static inline int jgil_glue_range(JNIEnv *env, const jgil_glue_call *c, jgil_glue_array *a, int64_t off,
                                  int64_t n)
{
    if (off < 0 || n < 0 || off > a->len - n)
        return jgil_glue_throw(env, "java/lang/IndexOutOfBoundsException",
                               "%s: %s[%lld, %lld]: range [%lld, %lld + %lld) out of bounds for length %lld",
                               c->site, a->name, (long long)off, (long long)n, (long long)off, (long long)off,
                               (long long)n, (long long)a->len);
    a->off = off;
    a->len = n;
    return 0;
}

/* The 64-bit arithmetic of the argument expressions: -1 with an
 * IllegalArgumentException naming the expression on overflow. */
static inline int jgil_glue_overflow(JNIEnv *env, const jgil_glue_call *c, const char *expr)
{
    return jgil_glue_throw(env, "java/lang/IllegalArgumentException", "%s: %s overflows", c->site, expr);
}

static inline int jgil_glue_add(JNIEnv *env, const jgil_glue_call *c, int64_t x, int64_t y, int64_t *r,
                                const char *expr)
{
    return __builtin_add_overflow(x, y, r) ? jgil_glue_overflow(env, c, expr) : 0;
}

static inline int jgil_glue_sub(JNIEnv *env, const jgil_glue_call *c, int64_t x, int64_t y, int64_t *r,
                                const char *expr)
{
    return __builtin_sub_overflow(x, y, r) ? jgil_glue_overflow(env, c, expr) : 0;
}

static inline int jgil_glue_mul(JNIEnv *env, const jgil_glue_call *c, int64_t x, int64_t y, int64_t *r,
                                const char *expr)
{
    return __builtin_mul_overflow(x, y, r) ? jgil_glue_overflow(env, c, expr) : 0;
}

static inline int jgil_glue_div(JNIEnv *env, const jgil_glue_call *c, int64_t x, int64_t y, int64_t *r,
                                const char *expr)
{
    if (y == 0)
        return jgil_glue_throw(env, "java/lang/IllegalArgumentException", "%s: %s divides by zero", c->site,
                               expr);
    if (x == INT64_MIN && y == -1)
        return jgil_glue_overflow(env, c, expr);
    *r = x / y;
    return 0;
}

/* A value passed as a C integer type: checked against its range. */
static inline int jgil_glue_fits(JNIEnv *env, const jgil_glue_call *c, int64_t v, int64_t lo, int64_t hi,
                                 const char *expr, const char *type)
{
    if (v < lo || v > hi)
        return jgil_glue_throw(env, "java/lang/IllegalArgumentException",
                               "%s: %s = %lld does not fit the C parameter's type %s", c->site, expr,
                               (long long)v, type);
    return 0;
}

/* 1 if `s` is an integer literal such as 0, -1 or 64L: its value says nothing new. */
static inline int jgil_glue_is_literal(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    while (*s == 'L' || *s == 'l' || *s == 'U' || *s == 'u')
        s++;
    return *s == 0;
}

/* A declared condition that does not hold, with the values of its operands that are not literals. */
static inline int jgil_glue_check_failed(JNIEnv *env, const jgil_glue_call *c, const char *cond,
                                         const char *left, int64_t lv, const char *right, int64_t rv)
{
    int show_left = !jgil_glue_is_literal(left), show_right = !jgil_glue_is_literal(right);
    if (show_left && show_right)
        return jgil_glue_throw(env, "java/lang/IllegalArgumentException",
                               "%s: %s does not hold (%s = %lld, %s = %lld)", c->site, cond, left,
                               (long long)lv, right, (long long)rv);
    if (show_left || show_right)
        return jgil_glue_throw(env, "java/lang/IllegalArgumentException", "%s: %s does not hold (%s = %lld)",
                               c->site, cond, show_left ? left : right, (long long)(show_left ? lv : rv));
    return jgil_glue_throw(env, "java/lang/IllegalArgumentException", "%s: %s does not hold", c->site, cond);
}

/* ---- the section ---- */

/* Gives the lock up as declared; -1 (with a Java exception pending) if the
 * release was refused (checked mode: the caller does not hold the lock). */
static inline int jgil_glue_begin(JNIEnv *env, jgil_glue_call *c)
{
    (void)env;
    int release = c->how == JGIL_GLUE_RELEASED || (c->how == JGIL_GLUE_AUTO && jgil_should_release(c->cost_ns));
    c->saved = release ? jgil_save_thread_at(c->site) : jgil_keep_at(c->site);
    if (c->saved == 0)
        return -1;
    if (c->cancellable && c->saved != JGIL_TSTATE_HELD)
        jgil_api_ptr->cancel_begin(NULL, NULL);
    return 0;
}

static inline size_t jgil_glue_esize(int type)
{
    static const unsigned char sizes[] = { 1, 1, 2, 2, 4, 8, 4, 8 };
    return sizes[type];
}

static inline void jgil_glue_region(JNIEnv *env, jgil_glue_array *a, int set)
{
    jsize off = (jsize)a->off, n = (jsize)a->len;
    void *p = a->ptr;
    switch (a->type) {
    case JGIL_GLUE_BOOLEAN:
        if (set)
            JGIL_JNI(env)->SetBooleanArrayRegion(env, (jbooleanArray)a->obj, off, n, (const jboolean *)p);
        else
            JGIL_JNI(env)->GetBooleanArrayRegion(env, (jbooleanArray)a->obj, off, n, (jboolean *)p);
        break;
    case JGIL_GLUE_BYTE:
        if (set)
            JGIL_JNI(env)->SetByteArrayRegion(env, (jbyteArray)a->obj, off, n, (const jbyte *)p);
        else
            JGIL_JNI(env)->GetByteArrayRegion(env, (jbyteArray)a->obj, off, n, (jbyte *)p);
        break;
    case JGIL_GLUE_CHAR:
        if (set)
            JGIL_JNI(env)->SetCharArrayRegion(env, (jcharArray)a->obj, off, n, (const jchar *)p);
        else
            JGIL_JNI(env)->GetCharArrayRegion(env, (jcharArray)a->obj, off, n, (jchar *)p);
        break;
    case JGIL_GLUE_SHORT:
        if (set)
            JGIL_JNI(env)->SetShortArrayRegion(env, (jshortArray)a->obj, off, n, (const jshort *)p);
        else
            JGIL_JNI(env)->GetShortArrayRegion(env, (jshortArray)a->obj, off, n, (jshort *)p);
        break;
    case JGIL_GLUE_INT:
        if (set)
            JGIL_JNI(env)->SetIntArrayRegion(env, (jintArray)a->obj, off, n, (const jint *)p);
        else
            JGIL_JNI(env)->GetIntArrayRegion(env, (jintArray)a->obj, off, n, (jint *)p);
        break;
    case JGIL_GLUE_LONG:
        if (set)
            JGIL_JNI(env)->SetLongArrayRegion(env, (jlongArray)a->obj, off, n, (const jlong *)p);
        else
            JGIL_JNI(env)->GetLongArrayRegion(env, (jlongArray)a->obj, off, n, (jlong *)p);
        break;
    case JGIL_GLUE_FLOAT:
        if (set)
            JGIL_JNI(env)->SetFloatArrayRegion(env, (jfloatArray)a->obj, off, n, (const jfloat *)p);
        else
            JGIL_JNI(env)->GetFloatArrayRegion(env, (jfloatArray)a->obj, off, n, (jfloat *)p);
        break;
    default:
        if (set)
            JGIL_JNI(env)->SetDoubleArrayRegion(env, (jdoubleArray)a->obj, off, n, (const jdouble *)p);
        else
            JGIL_JNI(env)->GetDoubleArrayRegion(env, (jdoubleArray)a->obj, off, n, (jdouble *)p);
        break;
    }
}

/* Unpins (or copies back and frees) arrays[0..count), last first: critical
 * regions nest.  `commit`: the call succeeded, write the @Out arrays back. */
static inline void jgil_glue_unpin(JNIEnv *env, jgil_glue_call *c, jgil_glue_array *arrays, int count,
                                   int commit)
{
    for (int i = count - 1; i >= 0; i--) {
        jgil_glue_array *a = &arrays[i];
        if (a->start == NULL)
            continue;
        if (a->pinned) {
            JGIL_JNI(env)->ReleasePrimitiveArrayCritical(env, a->obj, a->start, commit && a->writes ? 0 : JNI_ABORT);
        } else {
            if (commit && a->writes)
                jgil_glue_region(env, a, 1);
            free(a->start);
        }
        a->start = a->ptr = NULL;
        a->pinned = 0;
    }
    (void)c;
}

/* Pins or copies the arrays, inside the section; -1 (nothing held) if the
 * memory is not there. */
static inline int jgil_glue_pin(JNIEnv *env, jgil_glue_call *c, jgil_glue_array *arrays, int count)
{
    for (int i = 0; i < count; i++)
        arrays[i].start = arrays[i].ptr = NULL;
    for (int i = 0; i < count; i++) {
        jgil_glue_array *a = &arrays[i];
        size_t esize = jgil_glue_esize(a->type);
        a->pinned = !c->copy;
        if (a->pinned) {
            a->start = JGIL_JNI(env)->GetPrimitiveArrayCritical(env, a->obj, NULL);
            if (a->start != NULL)
                a->ptr = (char *)a->start + (size_t)a->off * esize;
        } else {
            a->start = a->ptr = malloc(a->len > 0 ? (size_t)a->len * esize : 1);
            if (a->start != NULL)
                jgil_glue_region(env, a, 0);
        }
        if (a->start == NULL) {
            jgil_glue_unpin(env, c, arrays, i, 0);
            c->failed = JGIL_GLUE_NOMEM;
            return -1;
        }
    }
    if (c->copy && JGIL_JNI(env)->ExceptionCheck(env)) {
        jgil_glue_unpin(env, c, arrays, count, 0);
        c->failed = JGIL_GLUE_PENDING;
        return -1;
    }
    return 0;
}

static inline void jgil_glue_throw_status(JNIEnv *env, const jgil_glue_call *c)
{
    int code = c->status < 0 ? -c->status : c->status;
    const char *what = strerror(code);
    switch (code) {
    case EINVAL:
    case EDOM:
        jgil_glue_throw(env, "java/lang/IllegalArgumentException", "%s: %s: %s", c->site, c->function, what);
        return;
    case ERANGE:
    case EOVERFLOW:
        jgil_glue_throw(env, "java/lang/ArithmeticException", "%s: %s: %s", c->site, c->function, what);
        return;
    case ENOMEM:
        jgil_glue_throw(env, "java/lang/OutOfMemoryError", "%s: %s: %s", c->site, c->function, what);
        return;
    case ECANCELED:
        jgil_throw_cancelled(env, c->site);
        return;
    default:
        break;
    }
    jclass cls = JGIL_JNI(env)->FindClass(env, "org/jgil/NativeException");
    jmethodID ctor = cls == NULL ? NULL
        : JGIL_JNI(env)->GetMethodID(env, cls, "<init>", "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
    if (ctor == NULL)
        return;
    char type[64], msg[320];
    snprintf(type, sizeof type, "status %d", c->status);
    snprintf(msg, sizeof msg, "%s returned %d (%s)", c->function, c->status, what);
    jstring jtype = JGIL_JNI(env)->NewStringUTF(env, type);
    jstring jmsg = JGIL_JNI(env)->NewStringUTF(env, msg);
    jstring jsite = JGIL_JNI(env)->NewStringUTF(env, c->site);
    if (jtype != NULL && jmsg != NULL && jsite != NULL) {
        jobject ex = JGIL_JNI(env)->NewObject(env, cls, ctor, jtype, jmsg, jsite);
        if (ex != NULL)
            JGIL_JNI(env)->Throw(env, (jthrowable)ex);
    }
}

/* Closes the section: polls for cancellation, re-takes the lock, and throws
 * what went wrong.  Returns 0, or -1 with a Java exception pending. */
static inline int jgil_glue_end(JNIEnv *env, jgil_glue_call *c)
{
    int released = c->saved != JGIL_TSTATE_HELD;
    if (c->cancellable && released) {
        if (c->failed == JGIL_GLUE_OK && c->status == 0 && jgil_cancelled())
            c->failed = JGIL_GLUE_CANCELLED;
        jgil_api_ptr->cancel_end();
    }
    /* A contended re-take calls into Java, which JNI forbids with an
     * exception pending: park it until the lock is back.  Only a failed call
     * can have one. */
    if (c->failed != JGIL_GLUE_OK && released && JGIL_JNI(env)->ExceptionCheck(env)) {
        c->pending = JGIL_JNI(env)->ExceptionOccurred(env);
        JGIL_JNI(env)->ExceptionClear(env);
    }
    if (released)
        jgil_restore_thread_at(c->saved, c->site);
    if (c->pending != NULL) {
        if (!JGIL_JNI(env)->ExceptionCheck(env))
            JGIL_JNI(env)->Throw(env, c->pending);
        JGIL_JNI(env)->DeleteLocalRef(env, c->pending);
        return -1;
    }
    if (JGIL_JNI(env)->ExceptionCheck(env))
        return -1;
    switch (c->failed) {
    case JGIL_GLUE_NOMEM:
        jgil_glue_throw(env, "java/lang/OutOfMemoryError", "%s: no memory to pin or copy an array", c->site);
        return -1;
    case JGIL_GLUE_CANCELLED:
        jgil_throw_cancelled(env, c->site);
        return -1;
#ifdef __cplusplus
    case JGIL_GLUE_CXX:
        jgil::translate_exception(env, c->error, c->site);
        return -1;
#endif
    default:
        break;
    }
    if (c->status != 0) {
        jgil_glue_throw_status(env, c);
        return -1;
    }
    return 0;
}

/* The call itself: in C++, nothing the function throws crosses JNI. */
#ifdef __cplusplus
#define JGIL_GLUE_TRY(c, ...) \
    try { \
        __VA_ARGS__; \
    } catch (...) { \
        (c)->error = std::current_exception(); \
        (c)->failed = JGIL_GLUE_CXX; \
    }
#else
#define JGIL_GLUE_TRY(c, ...) __VA_ARGS__;
#endif

/* ---- the library ----
 *
 * Every glue file defines the API pointer and a JNI_OnLoad that imports the
 * runtime, both weak: a library made of several glue files (or one with its
 * own JGIL_DEFINE_API and JNI_OnLoad, which then win) ends up with one of
 * each. */
static inline jint jgil_glue_onload(JavaVM *vm)
{
    JNIEnv *env;
    if (JGIL_JVM(vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    if (jgil_import(env) != 0)
        return JNI_ERR; /* System.load reports the pending exception */
    return JNI_VERSION_1_8;
}

#define JGIL_GLUE_LIBRARY \
    __attribute__((weak)) const jgil_api *jgil_api_ptr = &jgil_not_imported_api_; \
    __attribute__((weak)) JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) \
    { \
        (void)reserved; \
        return jgil_glue_onload(vm); \
    }

#endif /* JGIL_GLUE_H */
