/* fake_jvm.c -- see fake_jvm.h. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_jvm.h"
#include "jgil.h"

/* The runtime's, where it is linked in (weak: test_cxx runs on fake_api.c instead). */
JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_apiAddress0(JNIEnv *env, jclass cls) __attribute__((weak));
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_cancelSetArmed(JNIEnv *env, jclass cls, jlong rec,
                                                               jboolean armed, jboolean interrupted)
    __attribute__((weak));
static int arm_records; /* fake_arm_cancel_records() */

static pthread_mutex_t objects_lock = PTHREAD_MUTEX_INITIALIZER;
static fobj *objects;
static long upcalls, attached_count, throws;
static int64_t next_tid = 1;
static int fail_critical, fail_attach;
static const char *throw_in_upcall;

static __thread int attached;
static __thread int64_t my_tid;
static __thread int critical_depth;
static __thread int interrupted;
static __thread fobj *pending;
static __thread const char *unchecked; /* a Call*Method returned and nobody checked for an exception yet */
static __thread const struct JNINativeInterface_ *my_env;

static struct JNINativeInterface_ table;
static struct JNIInvokeInterface_ invoke_table;
static const struct JNIInvokeInterface_ *vm_ptr = &invoke_table;

#define DIE(...) do { fprintf(stderr, "fake JVM: JNI rule broken: " __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

/* Every JNI function starts here: the rules -Xcheck:jni enforces. */
static void enter(const char *fn, int exceptions_ok)
{
    if (!attached)
        DIE("%s called from a thread that is not attached", fn);
    if (critical_depth > 0)
        DIE("%s called inside a critical region (GetPrimitiveArrayCritical)", fn);
    if (pending != NULL && !exceptions_ok)
        DIE("%s called with an exception pending (%s: %s)", fn, pending->name, pending->message);
    /* -Xcheck:jni's "JNI call made without checking exceptions when required to": after a call
     * into Java, the next JNI call must be an exception check (or another exception function). */
    if (unchecked != NULL && !exceptions_ok)
        DIE("%s called after %s without checking for an exception", fn, unchecked);
    if (exceptions_ok && strncmp(fn, "Exception", 9) == 0)
        unchecked = NULL;
}

static fobj *new_obj(int kind, const char *name)
{
    fobj *o = calloc(1, sizeof *o);
    if (o == NULL)
        abort();
    o->kind = kind;
    o->name = name;
    pthread_mutex_lock(&objects_lock);
    o->next = objects;
    objects = o;
    pthread_mutex_unlock(&objects_lock);
    return o;
}

void fake_free_all(void)
{
    pthread_mutex_lock(&objects_lock);
    fobj *o = objects;
    objects = NULL;
    pthread_mutex_unlock(&objects_lock);
    while (o != NULL) {
        fobj *next = o->next;
        if (o->kind == F_ARRAY || o->kind == F_STRING)
            free(o->data);
        for (int i = 0; i < 3; i++)
            free(o->args[i]);
        free(o->message);
        free(o);
        o = next;
    }
}

jobject fake_array(int esize, jlong length)
{
    fobj *o = new_obj(F_ARRAY, "array");
    o->esize = esize;
    o->length = length;
    /* Exactly the elements: one past the end is a heap-buffer-overflow. */
    o->data = malloc(length > 0 ? (size_t)length * (size_t)esize : 1);
    if (o->data == NULL)
        abort();
    memset(o->data, 0, length > 0 ? (size_t)length * (size_t)esize : 1);
    return (jobject)o;
}

jobject fake_buffer(void *address, jlong capacity)
{
    fobj *o = new_obj(F_BUFFER, "java/nio/DirectByteBuffer");
    o->data = address;
    o->length = capacity;
    return (jobject)o;
}

jobject fake_runnable(void (*run)(void *), void *arg)
{
    fobj *o = new_obj(F_RUNNABLE, "java/lang/Runnable");
    o->run = run;
    o->arg = arg;
    return (jobject)o;
}

jclass fake_class(const char *name)
{
    return (jclass)new_obj(F_CLASS, name);
}

static void set_pending(fobj *t)
{
    t->held = fake_gil_held();
    __atomic_fetch_add(&throws, 1, __ATOMIC_SEQ_CST);
    pending = t;
}

static void throw_new(const char *cls, const char *message)
{
    fobj *t = new_obj(F_THROWABLE, cls);
    t->message = strdup(message ? message : "");
    set_pending(t);
}

const char *fake_pending(void) { return pending ? pending->name : NULL; }
const char *fake_pending_message(void) { return pending ? pending->message : NULL; }
const char *fake_pending_arg(int i) { return pending && i >= 0 && i < 3 ? pending->args[i] : NULL; }
int fake_pending_held(void) { return pending ? pending->held : 0; }
long fake_throws(void) { return __atomic_load_n(&throws, __ATOMIC_SEQ_CST); }
void fake_clear(void) { pending = NULL; }
void fake_set_interrupted(int on) { interrupted = on; }
void fake_fail_critical(int on) { fail_critical = on; }
void fake_fail_attach(int on) { __atomic_store_n(&fail_attach, on, __ATOMIC_SEQ_CST); }
void fake_throw_in_upcall(const char *method) { throw_in_upcall = method; }
long fake_upcalls(void) { return __atomic_load_n(&upcalls, __ATOMIC_SEQ_CST); }
long fake_attached_threads(void) { return __atomic_load_n(&attached_count, __ATOMIC_SEQ_CST); }
int fake_critical_depth(void) { return critical_depth; }
int64_t fake_tid(void) { return my_tid; }
void fake_set_tid(int64_t tid) { my_tid = tid; }
void fake_arm_cancel_records(int on) { __atomic_store_n(&arm_records, on, __ATOMIC_RELAXED); }

/* ---------------------------------------------------------------- the Java side of the lock */

static pthread_mutex_t gil_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gil_freed = PTHREAD_COND_INITIALIZER;
static int gil_waiters;

static int64_t *owner_word(void) { return &jgil_api_ptr->state->owner; }

int fake_gil_held(void)
{
    return (__atomic_load_n(owner_word(), __ATOMIC_SEQ_CST) & JGIL_OWNER_MASK) == my_tid;
}

void fake_gil_acquire(void)
{
    int64_t zero = 0;
    if (__atomic_compare_exchange_n(owner_word(), &zero, my_tid, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    pthread_mutex_lock(&gil_mutex);
    gil_waiters++;
    __atomic_fetch_or(owner_word(), JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
    for (;;) {
        int64_t w = __atomic_load_n(owner_word(), __ATOMIC_SEQ_CST);
        if ((w & JGIL_OWNER_MASK) == 0) {
            if (__atomic_compare_exchange_n(owner_word(), &w, my_tid | JGIL_WAITERS_BIT, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
                break;
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&gil_freed, &gil_mutex, &ts);
    }
    if (--gil_waiters == 0) {
        int64_t w = my_tid | JGIL_WAITERS_BIT;
        __atomic_compare_exchange_n(owner_word(), &w, my_tid, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    pthread_mutex_unlock(&gil_mutex);
}

void fake_gil_release(void)
{
    int64_t w = my_tid;
    if (__atomic_compare_exchange_n(owner_word(), &w, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    pthread_mutex_lock(&gil_mutex);
    for (;;) {
        w = __atomic_load_n(owner_word(), __ATOMIC_SEQ_CST);
        if (__atomic_compare_exchange_n(owner_word(), &w, gil_waiters > 0 ? JGIL_WAITERS_BIT : 0, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    pthread_cond_broadcast(&gil_freed);
    pthread_mutex_unlock(&gil_mutex);
}

/* ---------------------------------------------------------------- upcalls (org.jgil.GilRuntime) */

typedef struct fmethod {
    const char *name, *sig;
} fmethod;

static const fmethod methods[] = {
    { "releaseFromNative", "(J)J" }, { "acquireFromNative", "(JJ)V" }, { "ensureFromNative", "()Z" },
    { "releaseEnsured", "()V" }, { "isHeldFromNative", "()Z" },
    { "apiAddress", "(I)J" }, { "run", "()V" }, { "cancelArm", "(J)Z" }, { "requireGilFromNative", "(J)V" },
    { "checkpointFromNative", "(J)V" }, { "addSuppressed", "(Ljava/lang/Throwable;)V" },
    { "<init>", "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V" }, /* NativeException */
};

static int ise(const char *what)
{
    throw_new("java/lang/IllegalStateException", what);
    return 0;
}

static jlong upcall(jmethodID mid, va_list ap)
{
    const fmethod *m = (const fmethod *)mid;
    __atomic_fetch_add(&upcalls, 1, __ATOMIC_SEQ_CST);
    if (throw_in_upcall != NULL && strcmp(throw_in_upcall, m->name) == 0)
        return ise("thrown on purpose by the fake upcall");
    int64_t owner = __atomic_load_n(owner_word(), __ATOMIC_SEQ_CST) & JGIL_OWNER_MASK;
    if (strcmp(m->name, "releaseFromNative") == 0) {
        (void)va_arg(ap, jlong);
        if (owner != my_tid)
            return ise("JGIL_BEGIN_ALLOW_THREADS without holding the GIL");
        fake_gil_release();
        return my_tid;
    }
    if (strcmp(m->name, "acquireFromNative") == 0) {
        jlong saved = va_arg(ap, jlong);
        (void)va_arg(ap, jlong);
        if (saved == 0)
            return ise("JGIL_END_ALLOW_THREADS without a matching BEGIN");
        if (saved != my_tid)
            return ise("JGIL_END_ALLOW_THREADS in another thread");
        if (owner == my_tid)
            return ise("JGIL_END_ALLOW_THREADS: already held");
        fake_gil_acquire();
        return 0;
    }
    if (strcmp(m->name, "ensureFromNative") == 0) {
        if (owner == my_tid)
            return 0;
        fake_gil_acquire();
        return 1;
    }
    if (strcmp(m->name, "releaseEnsured") == 0) {
        if (owner != my_tid)
            return ise("releaseEnsured without the GIL");
        fake_gil_release();
        return 0;
    }
    if (strcmp(m->name, "isHeldFromNative") == 0)
        return owner == my_tid;
    if (strcmp(m->name, "cancelArm") == 0) {
        /* No watcher here: by default every poll asks; armed, a record answers from its flag. */
        jlong rec = va_arg(ap, jlong);
        if (__atomic_load_n(&arm_records, __ATOMIC_RELAXED) && Java_org_jgil_GilRuntime_cancelSetArmed)
            Java_org_jgil_GilRuntime_cancelSetArmed(NULL, NULL, rec, JNI_TRUE, interrupted ? JNI_TRUE : JNI_FALSE);
        return interrupted;
    }
    if (strcmp(m->name, "requireGilFromNative") == 0) {
        if (owner != my_tid)
            return ise("JGIL_REQUIRE_GIL() without the GIL");
        return 0;
    }
    if (strcmp(m->name, "checkpointFromNative") == 0) {
        if (owner != my_tid)
            return ise("JGIL_CHECKPOINT() without the GIL");
        fake_gil_release(); /* let a waiter in, as Gil.checkpoint() would */
        fake_gil_acquire();
        return 0;
    }
    if (strcmp(m->name, "apiAddress") == 0 && Java_org_jgil_GilRuntime_apiAddress0)
        return Java_org_jgil_GilRuntime_apiAddress0(NULL, NULL);
    DIE("unexpected upcall %s", m->name);
}

/* ---------------------------------------------------------------- the JNI functions used */

static jclass JNICALL FindClass(JNIEnv *env, const char *name) { (void)env; enter("FindClass", 0); return fake_class(name); }

static jint JNICALL ThrowNew(JNIEnv *env, jclass cls, const char *msg)
{
    (void)env;
    enter("ThrowNew", 0);
    throw_new(((fobj *)cls)->name, msg);
    return 0;
}

static jint JNICALL Throw(JNIEnv *env, jthrowable t)
{
    (void)env;
    enter("Throw", 0);
    if (t == NULL || ((fobj *)t)->kind != F_THROWABLE)
        DIE("Throw of a non-throwable");
    set_pending((fobj *)t);
    return 0;
}

/* Only throwables are constructed here (jgil.hpp's NativeException). */
static jobject JNICALL NewObjectA(JNIEnv *env, jclass cls, jmethodID ctor, const jvalue *args)
{
    (void)env;
    enter("NewObjectA", 0);
    if (strcmp(((const fmethod *)ctor)->name, "<init>") != 0)
        DIE("NewObjectA with a method that is not a constructor");
    fobj *t = new_obj(F_THROWABLE, ((fobj *)cls)->name);
    t->message = strdup("");
    for (int i = 0; i < 3; i++) {
        fobj *a = (fobj *)args[i].l;
        t->args[i] = a != NULL ? strdup(a->data) : NULL;
    }
    return (jobject)t;
}

static jthrowable JNICALL ExceptionOccurred(JNIEnv *env) { (void)env; enter("ExceptionOccurred", 1); return (jthrowable)pending; }
static void JNICALL ExceptionDescribe(JNIEnv *env)
{
    (void)env;
    enter("ExceptionDescribe", 1);
    if (pending != NULL)
        fprintf(stderr, "fake JVM: ExceptionDescribe: %s: %s\n", pending->name, pending->message);
    pending = NULL; /* as the JVM's: describing clears it */
}
static void JNICALL ExceptionClear(JNIEnv *env) { (void)env; enter("ExceptionClear", 1); pending = NULL; }
static jboolean JNICALL ExceptionCheck(JNIEnv *env) { (void)env; enter("ExceptionCheck", 1); return pending != NULL; }

static jobject JNICALL NewGlobalRef(JNIEnv *env, jobject o) { (void)env; enter("NewGlobalRef", 0); return o; }
static void JNICALL DeleteGlobalRef(JNIEnv *env, jobject o) { (void)env; (void)o; enter("DeleteGlobalRef", 1); }
static void JNICALL DeleteLocalRef(JNIEnv *env, jobject o) { (void)env; (void)o; enter("DeleteLocalRef", 1); }

static jclass JNICALL GetObjectClass(JNIEnv *env, jobject o)
{
    (void)env;
    enter("GetObjectClass", 0);
    return fake_class(((fobj *)o)->name);
}

static jmethodID find_method(const char *fn, const char *name, const char *sig)
{
    enter(fn, 0);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0 && strcmp(methods[i].sig, sig) == 0)
            return (jmethodID)&methods[i];
    throw_new("java/lang/NoSuchMethodError", name);
    return NULL;
}

static jmethodID JNICALL GetStaticMethodID(JNIEnv *env, jclass c, const char *name, const char *sig)
{
    (void)env; (void)c;
    return find_method("GetStaticMethodID", name, sig);
}

static jmethodID JNICALL GetMethodID(JNIEnv *env, jclass c, const char *name, const char *sig)
{
    (void)env; (void)c;
    return find_method("GetMethodID", name, sig);
}

/* A call into Java: the caller must check for an exception before its next JNI call. */
static jlong call_static(const char *fn, jmethodID mid, va_list ap)
{
    enter(fn, 0);
    unchecked = fn;
    return upcall(mid, ap);
}

#define CALL_STATIC(Type, jtype, convert) \
    static jtype JNICALL CallStatic##Type##Method(JNIEnv *env, jclass c, jmethodID mid, ...) \
    { \
        (void)env; (void)c; \
        va_list ap; \
        va_start(ap, mid); \
        jlong r = call_static("CallStatic" #Type "Method", mid, ap); \
        va_end(ap); \
        return convert; \
    }
CALL_STATIC(Long, jlong, r)
CALL_STATIC(Boolean, jboolean, r != 0)

static void JNICALL CallStaticVoidMethod(JNIEnv *env, jclass c, jmethodID mid, ...)
{
    (void)env; (void)c;
    va_list ap;
    va_start(ap, mid);
    (void)call_static("CallStaticVoidMethod", mid, ap);
    va_end(ap);
}

static void JNICALL CallVoidMethod(JNIEnv *env, jobject o, jmethodID mid, ...)
{
    (void)env;
    enter("CallVoidMethod", 0);
    unchecked = "CallVoidMethod";
    fobj *r = (fobj *)o;
    if (r->kind == F_THROWABLE && strcmp(((const fmethod *)mid)->name, "addSuppressed") == 0)
        return;
    if (r->kind != F_RUNNABLE)
        DIE("CallVoidMethod on a non-runnable");
    r->run(r->arg);
}

static jsize JNICALL GetArrayLength(JNIEnv *env, jarray a)
{
    (void)env;
    enter("GetArrayLength", 0);
    if (a == NULL || ((fobj *)a)->kind != F_ARRAY)
        DIE("GetArrayLength of something that is not an array");
    return (jsize)((fobj *)a)->length;
}

static void *JNICALL GetPrimitiveArrayCritical(JNIEnv *env, jarray a, jboolean *copy)
{
    (void)env;
    if (!attached)
        DIE("GetPrimitiveArrayCritical from a thread that is not attached");
    if (pending != NULL)
        DIE("GetPrimitiveArrayCritical with an exception pending");
    if (a == NULL || ((fobj *)a)->kind != F_ARRAY)
        DIE("GetPrimitiveArrayCritical of something that is not an array");
    if (copy)
        *copy = JNI_FALSE;
    if (fail_critical)
        return NULL;
    critical_depth++;
    return ((fobj *)a)->data;
}

static void JNICALL ReleasePrimitiveArrayCritical(JNIEnv *env, jarray a, void *p, jint mode)
{
    (void)env;
    if (critical_depth <= 0)
        DIE("ReleasePrimitiveArrayCritical without a matching Get");
    if (p != ((fobj *)a)->data)
        DIE("ReleasePrimitiveArrayCritical with a pointer it was not given");
    if (mode != 0 && mode != JNI_ABORT && mode != JNI_COMMIT)
        DIE("ReleasePrimitiveArrayCritical with mode %d", (int)mode);
    critical_depth--;
}

static void *JNICALL GetDirectBufferAddress(JNIEnv *env, jobject b)
{
    (void)env;
    enter("GetDirectBufferAddress", 0);
    return b != NULL && ((fobj *)b)->kind == F_BUFFER ? ((fobj *)b)->data : NULL;
}

static jlong JNICALL GetDirectBufferCapacity(JNIEnv *env, jobject b)
{
    (void)env;
    enter("GetDirectBufferCapacity", 0);
    return b != NULL && ((fobj *)b)->kind == F_BUFFER ? ((fobj *)b)->length : -1;
}

static jobject JNICALL NewDirectByteBuffer(JNIEnv *env, void *address, jlong capacity)
{
    (void)env;
    enter("NewDirectByteBuffer", 0);
    return fake_buffer(address, capacity);
}

static jstring JNICALL NewStringUTF(JNIEnv *env, const char *text)
{
    (void)env;
    enter("NewStringUTF", 0);
    fobj *s = new_obj(F_STRING, "java/lang/String");
    s->data = strdup(text);
    return (jstring)s;
}

/* Object arrays are fake_array(8, n) holding the element pointers. */
static void JNICALL SetObjectArrayElement(JNIEnv *env, jobjectArray a, jsize i, jobject v)
{
    (void)env;
    enter("SetObjectArrayElement", 0);
    fobj *o = (fobj *)a;
    if (o->kind != F_ARRAY || o->esize != 8 || i < 0 || i >= o->length)
        DIE("SetObjectArrayElement out of range or not an array");
    ((jobject *)o->data)[i] = v;
}

static void JNICALL SetLongArrayRegion(JNIEnv *env, jlongArray a, jsize start, jsize len, const jlong *buf)
{
    (void)env;
    enter("SetLongArrayRegion", 0);
    fobj *o = (fobj *)a;
    if (o->kind != F_ARRAY || o->esize != 8)
        DIE("SetLongArrayRegion of something that is not a long[]");
    if (start < 0 || len < 0 || start > o->length - len) {
        throw_new("java/lang/ArrayIndexOutOfBoundsException", "SetLongArrayRegion");
        return;
    }
    memcpy((jlong *)o->data + start, buf, (size_t)len * sizeof(jlong));
}

static jint JNICALL GetJavaVM(JNIEnv *env, JavaVM **vm)
{
    (void)env;
    enter("GetJavaVM", 0);
    *vm = fake_vm();
    return JNI_OK;
}

/* ---------------------------------------------------------------- the VM */

static void attach_here(void)
{
    attached = 1;
    my_tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_SEQ_CST);
    my_env = &table;
    __atomic_fetch_add(&attached_count, 1, __ATOMIC_SEQ_CST);
}

static jint JNICALL GetEnv(JavaVM *vm, void **penv, jint version)
{
    (void)vm; (void)version;
    if (!attached) {
        *penv = NULL;
        return JNI_EDETACHED;
    }
    *penv = (void *)&my_env;
    return JNI_OK;
}

static jint JNICALL AttachCurrentThreadAsDaemon(JavaVM *vm, void **penv, void *args)
{
    (void)vm; (void)args;
    if (__atomic_load_n(&fail_attach, __ATOMIC_SEQ_CST)) {
        *penv = NULL;
        return JNI_ERR; /* what a JVM that is shutting down answers */
    }
    if (!attached)
        attach_here();
    *penv = (void *)&my_env;
    return JNI_OK;
}

static jint JNICALL DetachCurrentThread(JavaVM *vm)
{
    (void)vm;
    if (!attached)
        DIE("DetachCurrentThread of a thread that is not attached");
    if (critical_depth > 0)
        DIE("DetachCurrentThread inside a critical region");
    if (fake_gil_held())
        DIE("a native thread detached while holding the GIL");
    attached = 0;
    pending = NULL;
    unchecked = NULL;
    __atomic_fetch_sub(&attached_count, 1, __ATOMIC_SEQ_CST);
    return JNI_OK;
}

JavaVM *fake_vm(void) { return (JavaVM *)&vm_ptr; }

/* libjvm's lookup of the running VM, which jgil.h finds with dlsym() in an
 * extension that never imported the runtime (the test binary exports it). */
JNIEXPORT jint JNICALL JNI_GetCreatedJavaVMs(JavaVM **vms, jsize size, jsize *n)
{
    int started = table.FindClass != NULL;
    if (started && size > 0)
        vms[0] = fake_vm();
    *n = started ? 1 : 0;
    return JNI_OK;
}
JNIEnv *fake_env(void) { return attached ? (JNIEnv *)&my_env : NULL; }

JNIEnv *fake_start(void)
{
    table.FindClass = FindClass;
    table.ThrowNew = ThrowNew;
    table.Throw = Throw;
    table.NewObjectA = NewObjectA;
    table.ExceptionOccurred = ExceptionOccurred;
    table.ExceptionDescribe = ExceptionDescribe;
    table.ExceptionClear = ExceptionClear;
    table.ExceptionCheck = ExceptionCheck;
    table.NewGlobalRef = NewGlobalRef;
    table.DeleteGlobalRef = DeleteGlobalRef;
    table.DeleteLocalRef = DeleteLocalRef;
    table.GetObjectClass = GetObjectClass;
    table.GetStaticMethodID = GetStaticMethodID;
    table.GetMethodID = GetMethodID;
    table.CallStaticLongMethod = CallStaticLongMethod;
    table.CallStaticBooleanMethod = CallStaticBooleanMethod;
    table.CallStaticVoidMethod = CallStaticVoidMethod;
    table.CallVoidMethod = CallVoidMethod;
    table.GetArrayLength = GetArrayLength;
    table.GetPrimitiveArrayCritical = GetPrimitiveArrayCritical;
    table.ReleasePrimitiveArrayCritical = ReleasePrimitiveArrayCritical;
    table.GetDirectBufferAddress = GetDirectBufferAddress;
    table.GetDirectBufferCapacity = GetDirectBufferCapacity;
    table.NewDirectByteBuffer = NewDirectByteBuffer;
    table.NewStringUTF = NewStringUTF;
    table.SetLongArrayRegion = SetLongArrayRegion;
    table.SetObjectArrayElement = SetObjectArrayElement;
    table.GetJavaVM = GetJavaVM;
    invoke_table.GetEnv = GetEnv;
    invoke_table.AttachCurrentThreadAsDaemon = AttachCurrentThreadAsDaemon;
    invoke_table.DetachCurrentThread = DetachCurrentThread;
    attach_here();
    return fake_env();
}
