/*
 * not_imported_probe.c -- org.jgil.NotImportedProbe: this file plays an
 * extension that forgot to call jgil_import(env) in its JNI_OnLoad.  Its
 * macros go through an API pointer of their own (renamed below, defined with
 * JGIL_DEFINE_API as an extension defines it) that nothing ever imports:
 * they must raise IllegalStateException and skip their bodies, never crash.
 */
#define jgil_api_ptr jgil_never_imported_api_ptr
#include "jgil.h"
#include "org_jgil_NotImportedProbe.h"

JGIL_DEFINE_API

/* A released block; returns n if its body ran, -1 if it was skipped. */
JNIEXPORT jint JNICALL Java_org_jgil_NotImportedProbe_block(JNIEnv *env, jclass cls, jint n)
{
    (void)env; (void)cls;
    jint r = -1;
    JGIL_BEGIN_ALLOW_THREADS
    r = n;
    JGIL_END_ALLOW_THREADS
    return r;
}

/* JGIL_CHECKPOINT() holding the lock. */
JNIEXPORT void JNICALL Java_org_jgil_NotImportedProbe_checkpoint(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_CHECKPOINT();
}

/* JGIL_REQUIRE_GIL() holding the lock. */
JNIEXPORT jint JNICALL Java_org_jgil_NotImportedProbe_requireGil(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return JGIL_REQUIRE_GIL();
}
