/*
 * fake_jvm.h -- a JavaVM and JNIEnv made of plain C, for testing libjgil's
 * native code under AddressSanitizer/UBSan without a JVM.
 *
 * Objects are tagged structs: primitive arrays (their elements malloc'd to
 * the exact size, so any access outside is an ASan finding), direct buffers,
 * classes, strings, throwables and runnables.  The fake enforces the JNI rules
 * a real JVM only checks under -Xcheck:jni, and aborts on a breach:
 *   - no JNI call but Get/ReleasePrimitiveArrayCritical inside a critical region;
 *   - no call but the exception functions with an exception pending;
 *   - no call from a thread that is not attached;
 *   - every critical region released, with the pointer it was given.
 * Upcalls into org.jgil.GilRuntime go to a small lock written in C here (the
 * "Java side"), over the shared state of whatever jgil_api_ptr points at: the
 * runtime's (test_native), or fake_api.c's (test_cxx).
 */
#ifndef FAKE_JVM_H
#define FAKE_JVM_H

#include <stdint.h>
#include <jni.h>

#ifdef __cplusplus
extern "C" {
#endif

enum fkind { F_ARRAY = 1, F_BUFFER, F_CLASS, F_STRING, F_THROWABLE, F_RUNNABLE };

typedef struct fobj {
    int kind;
    const char *name;       /* class name, string text, or throwable class */
    char *message;          /* throwable message */
    void *data;             /* array elements or buffer address */
    jlong length;           /* elements (arrays) or capacity (buffers) */
    int esize;
    char *args[3];          /* throwables made by NewObjectA: the constructor's String arguments */
    int held;               /* throwables: did the thrower hold the GIL (fake_gil_held) */
    void (*run)(void *);    /* runnables */
    void *arg;
    struct fobj *next;      /* all objects, freed by fake_free_all */
} fobj;

/* Starts the fake VM and attaches the calling thread; returns its env. */
JNIEnv *fake_start(void);
JavaVM *fake_vm(void);
/* The calling thread's env, or NULL if it is not attached. */
JNIEnv *fake_env(void);
/* Frees every object made so far (call at the end: LeakSanitizer watches). */
void fake_free_all(void);

jobject fake_array(int esize, jlong length);      /* zero-filled */
jobject fake_buffer(void *address, jlong capacity);
jobject fake_runnable(void (*run)(void *), void *arg);
jclass fake_class(const char *name);

/* The pending exception's class name (e.g. "java/lang/IllegalArgumentException") or NULL. */
const char *fake_pending(void);
const char *fake_pending_message(void);
/* The pending exception's constructor argument i (NewObjectA with Strings), or NULL. */
const char *fake_pending_arg(int i);
/* Whether the GIL was held when the pending exception was thrown. */
int fake_pending_held(void);
/* Exceptions thrown so far (Throw, ThrowNew). */
long fake_throws(void);
void fake_clear(void);

/* Knobs. */
void fake_set_interrupted(int on);          /* Thread.isInterrupted() of the calling thread */
void fake_fail_critical(int on);            /* GetPrimitiveArrayCritical returns NULL */
void fake_fail_attach(int on);              /* AttachCurrentThread fails, as during shutdown */
void fake_throw_in_upcall(const char *method); /* that upcall throws IllegalStateException */

/* Counters. */
long fake_upcalls(void);                    /* calls into GilRuntime so far */
long fake_attached_threads(void);           /* threads attached now */
int fake_critical_depth(void);              /* of the calling thread */

/* The fake Java side of the lock, as GilRuntime/Gil would do it. */
int64_t fake_tid(void);
/* Another Java thread on this OS thread: a virtual thread mounted on the same carrier. */
void fake_set_tid(int64_t tid);
/* cancelArm arms the record as CancelWatcher.arm does (no watcher updates its flag afterwards). */
void fake_arm_cancel_records(int on);
void fake_gil_acquire(void);
void fake_gil_release(void);
int fake_gil_held(void);

#ifdef __cplusplus
}
#endif

#endif
