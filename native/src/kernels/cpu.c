/*
 * cpu.c -- which instruction set the kernels use.
 *
 * The library is compiled for baseline x86-64; the AVX2 and AVX-512 variants
 * of a kernel are separate functions with target attributes.  Here we decide,
 * once at load time, the best level that both the CPU and the OS support
 * (__builtin_cpu_supports consults CPUID and XGETBV, so a kernel that does
 * not save the wide registers on context switches rules AVX out).  Java may
 * lower the level afterwards -- never raise it above what was detected --
 * which is how a test or a user forces the portable path.
 */
#include <stdio.h>
#include <string.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

static int best_level;
static int active_level; /* read by every kernel call; written only by setIsa */

__attribute__((constructor)) static void detect_isa(void)
{
    __builtin_cpu_init();
    int level = KISA_SCALAR;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = KISA_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl"))
            level = KISA_AVX512;
    }
    best_level = level;
    active_level = level;
}

int kisa_best(void) { return best_level; }

int kisa_active(void) { return __atomic_load_n(&active_level, __ATOMIC_RELAXED); }

const char *kisa_name(int level)
{
    switch (level) {
    case KISA_AVX512: return "avx512";
    case KISA_AVX2: return "avx2";
    default: return "scalar";
    }
}

JNIEXPORT jint JNICALL Java_org_jgil_kernels_KernelNative_bestIsa(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return best_level;
}

JNIEXPORT jint JNICALL Java_org_jgil_kernels_KernelNative_setIsa(JNIEnv *env, jclass cls, jint level)
{
    (void)cls;
    if (level < KISA_SCALAR || level > KISA_AVX512) {
        kthrow_arg(env, "isa level must be 0..2, got %d", (int)level);
        return -1;
    }
    if (level > best_level)
        level = best_level;
    __atomic_store_n(&active_level, level, __ATOMIC_RELAXED);
    return level;
}

JNIEXPORT jint JNICALL Java_org_jgil_kernels_KernelNative_activeIsa(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return kisa_active();
}

/* What the CPU offers that matters here, e.g. "sse2 avx avx2 fma avx512f avx512dq avx512vl". */
JNIEXPORT jstring JNICALL Java_org_jgil_kernels_KernelNative_cpuFeatures(JNIEnv *env, jclass cls)
{
    (void)cls;
    static const char *const names[] = {
        "sse2", "sse4.2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl", "avx512bw",
    };
    char text[160] = "";
    int flags[sizeof names / sizeof names[0]];
    /* __builtin_cpu_supports wants string literals. */
    flags[0] = __builtin_cpu_supports("sse2");
    flags[1] = __builtin_cpu_supports("sse4.2");
    flags[2] = __builtin_cpu_supports("avx");
    flags[3] = __builtin_cpu_supports("avx2");
    flags[4] = __builtin_cpu_supports("fma");
    flags[5] = __builtin_cpu_supports("avx512f");
    flags[6] = __builtin_cpu_supports("avx512dq");
    flags[7] = __builtin_cpu_supports("avx512vl");
    flags[8] = __builtin_cpu_supports("avx512bw");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (flags[i]) {
            if (text[0] != '\0')
                strcat(text, " ");
            strcat(text, names[i]);
        }
    }
    return (*env)->NewStringUTF(env, text);
}
