/*
 * noimport_ext.c -- an extension that forgets jgil_import(env) in its JNI_OnLoad,
 * built as a library of its own (its own jgil_api_ptr): its blocks and calls must
 * raise IllegalStateException, skip their bodies, and never crash.
 */
#include "jgil.h"

JGIL_DEFINE_API

int noimport_block(JNIEnv *env, int n)
{
    (void)env;
    int r = -1;
    JGIL_BEGIN_ALLOW_THREADS
    r = n;
    JGIL_END_ALLOW_THREADS
    return r;
}

int noimport_require(void)
{
    return JGIL_REQUIRE_GIL();
}

void noimport_checkpoint(void)
{
    JGIL_CHECKPOINT();
}
