/*
 * jgil_stats.c -- per-call-site statistics of released sections.
 *
 * With -Djgil.stats=true the Java side sets JGIL_SLOW_STATS.  Timing every
 * call would cost three clock reads, far more than the lock itself, so one
 * release in stats_period is timed: the fast path in jgil.h counts down
 * stats_countdown (the caller holds the lock, so a plain decrement suffices)
 * and sends the one that reaches zero, and its END, through the runtime's slow
 * functions, which land here (still no Java).  A timed call adds to its site's
 * totals: time released (BEGIN to END) and time waiting to come back (END to
 * holding the lock again).  Calls are estimated as samples x period.
 *
 * The three time stamps of a timed call come from the CPU's time-stamp counter
 * where it is invariant (constant_tsc and nonstop_tsc in /proc/cpuinfo): a
 * fraction of what clock_gettime costs on a virtual machine, whose clock reads
 * are most of what a timed call costs.  Totals are kept in ticks and converted
 * when read, with the rate measured between the first sample and the read.
 *
 * Sites are keyed by the name pointer the macro passes (a string literal or
 * __func__, so stable for the life of the library) in a fixed open-addressing
 * table that is only ever inserted into.
 *
 * Totals are written only by the thread that holds the lock, but a reset comes
 * from any thread: zeroing them under a writer's load-add-store would be
 * undone by its store.  So a reset only starts a new epoch, and a site's
 * totals count for the epoch they carry: the first writer of a new epoch
 * zeroes them, and a reader shows a site of an older epoch as empty.  A sample
 * that straddles the reset is dropped, which is what a reset means.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_GilRuntime.h"

#define SITE_SLOTS 1024 /* power of two */

typedef struct site_stats {
    const char *name;       /* NULL: free slot; set once by CAS */
    int64_t epoch;          /* the reset epoch these totals belong to */
    int64_t samples;
    int64_t released_ns;    /* in stamp units until read */
    int64_t reacquire_ns;
} site_stats;

static site_stats sites[SITE_SLOTS];
static int64_t sites_overflow; /* samples of sites that found the table full */
static int64_t epoch = 1;      /* bumped by each reset */

/* ---- time stamps ---- */

static pthread_once_t clock_once = PTHREAD_ONCE_INIT;
static int use_tsc;
static int64_t base_ticks, base_ns; /* where the tick rate is measured from */

static int cpu_has(const char *flags_line, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = strstr(flags_line, flag); p != NULL; p = strstr(p + 1, flag))
        if ((p[-1] == ' ' || p[-1] == '\t') && (p[n] == ' ' || p[n] == '\n' || p[n] == 0))
            return 1;
    return 0;
}

static void clock_choose(void)
{
#if defined(__x86_64__) || defined(__i386__)
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "flags", 5) == 0) {
            use_tsc = cpu_has(line, "constant_tsc") && cpu_has(line, "nonstop_tsc");
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    if (use_tsc) {
        base_ns = jgil_nanotime();
        base_ticks = (int64_t)__rdtsc();
    }
#endif
}

static inline int64_t stamp(void)
{
#if defined(__x86_64__) || defined(__i386__)
    if (use_tsc)
        return (int64_t)__rdtsc();
#endif
    return jgil_nanotime();
}

/* Nanoseconds per stamp unit, measured over at least a millisecond. */
static double ns_per_stamp(void)
{
    pthread_once(&clock_once, clock_choose);
    if (!use_tsc)
        return 1.0;
    int64_t ns, ticks;
    do {
        ns = jgil_nanotime();
        ticks = stamp();
    } while (ns - base_ns < 1000000);
    return (double)(ns - base_ns) / (double)(ticks - base_ticks);
}

static __thread int64_t sample_begin; /* 0: this call is not timed */
static __thread int64_t sample_work_done;

static site_stats *site_slot(const char *name)
{
    uintptr_t h = (uintptr_t)name;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    for (unsigned probe = 0; probe < SITE_SLOTS; probe++) {
        site_stats *s = &sites[(h + probe) & (SITE_SLOTS - 1)];
        const char *seen = __atomic_load_n(&s->name, __ATOMIC_ACQUIRE);
        if (seen == name)
            return s;
        if (seen == NULL) {
            const char *expected = NULL;
            if (__atomic_compare_exchange_n(&s->name, &expected, name, 0,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
                || expected == name)
                return s;
        }
    }
    return NULL;
}

static void add(int64_t *total, int64_t n)
{
    __atomic_store_n(total, __atomic_load_n(total, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

void jgil_stats_begin(void)
{
    pthread_once(&clock_once, clock_choose);
    sample_begin = stamp();
    if (sample_begin == 0)
        sample_begin = 1; /* 0 means "not timed" */
}

void jgil_stats_work_done(void)
{
    if (sample_begin != 0)
        sample_work_done = stamp();
}

void jgil_stats_abandon(void)
{
    sample_begin = 0;
}

void jgil_stats_end(const char *site)
{
    if (sample_begin == 0)
        return;
    int64_t back = stamp();
    site_stats *s = site_slot(site != NULL ? site : "(unnamed)");
    if (s == NULL) {
        __atomic_add_fetch(&sites_overflow, 1, __ATOMIC_RELAXED);
    } else {
        /* The caller holds the lock again: plain additions race with no other
         * END (only under policy "none" could two meet, and lose a sample). */
        int64_t now = __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->epoch, __ATOMIC_RELAXED) != now) {
            __atomic_store_n(&s->samples, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&s->released_ns, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&s->reacquire_ns, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&s->epoch, now, __ATOMIC_RELEASE);
        }
        add(&s->samples, 1);
        add(&s->released_ns, sample_work_done - sample_begin);
        add(&s->reacquire_ns, back - sample_work_done);
    }
    sample_begin = 0;
}

/* names[i] and values[3i..3i+2] = samples, released ns, re-acquire ns; returns the count. */
JNIEXPORT jint JNICALL Java_org_jgil_GilRuntime_siteStats(JNIEnv *env, jclass cls,
                                                          jobjectArray names, jlongArray values)
{
    (void)cls;
    if (names == NULL || values == NULL) {
        jgil_throw(env, "java/lang/NullPointerException", "names and values must not be null");
        return 0;
    }
    jsize capacity = (*env)->GetArrayLength(env, names);
    if ((*env)->GetArrayLength(env, values) < 3 * (jlong)capacity) {
        jgil_throw(env, "java/lang/IllegalArgumentException", "values must hold 3 longs per name");
        return 0;
    }
    double scale = ns_per_stamp();
    int64_t now = __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
    jint n = 0;
    for (int i = 0; i < SITE_SLOTS && n < capacity; i++) {
        const char *name = __atomic_load_n(&sites[i].name, __ATOMIC_ACQUIRE);
        if (name == NULL)
            continue;
        jlong v[3] = { 0, 0, 0 };
        if (__atomic_load_n(&sites[i].epoch, __ATOMIC_ACQUIRE) == now) {
            v[0] = __atomic_load_n(&sites[i].samples, __ATOMIC_RELAXED);
            v[1] = (jlong)(__atomic_load_n(&sites[i].released_ns, __ATOMIC_RELAXED) * scale);
            v[2] = (jlong)(__atomic_load_n(&sites[i].reacquire_ns, __ATOMIC_RELAXED) * scale);
        }
        jstring s = (*env)->NewStringUTF(env, name);
        if (s == NULL)
            return 0; /* OutOfMemoryError pending */
        (*env)->SetObjectArrayElement(env, names, n, s);
        (*env)->DeleteLocalRef(env, s);
        if ((*env)->ExceptionCheck(env))
            return 0;
        (*env)->SetLongArrayRegion(env, values, 3 * n, 3, v);
        n++;
    }
    return n;
}

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_resetSiteStats(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    __atomic_add_fetch(&epoch, 1, __ATOMIC_ACQ_REL);
}
