/* check.c -- see check.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* Atomic: checks run on many threads at once (and TSan watches). */
static long passed, failed;

void check_passed(void)
{
    __atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
}

void check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
    __atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "%s:%d: CHECK failed: %s", file, line, cond);
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
}

static const test_case *find(const test_case *tests, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(tests[i].name, name) == 0)
            return &tests[i];
    return NULL;
}

static void run_one(const char *driver, const test_case *t)
{
    long passed_before = __atomic_load_n(&passed, __ATOMIC_RELAXED);
    long failed_before = __atomic_load_n(&failed, __ATOMIC_RELAXED);
    t->run();
    long p = __atomic_load_n(&passed, __ATOMIC_RELAXED) - passed_before;
    long f = __atomic_load_n(&failed, __ATOMIC_RELAXED) - failed_before;
    printf("%s %s.%s: %ld checks passed, %ld failed\n", f ? "FAIL" : "ok  ", driver, t->name, p, f);
    fflush(stdout);
}

int run_tests(const char *driver, const test_case *tests, size_t count, int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < count; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (find(tests, count, argv[i]) == NULL) {
            fprintf(stderr, "%s: no test %s (--list shows them)\n", driver, argv[i]);
            return 2;
        }
    }
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_one(driver, find(tests, count, argv[i]));
    } else {
        for (size_t i = 0; i < count; i++)
            run_one(driver, &tests[i]);
    }
    return __atomic_load_n(&failed, __ATOMIC_RELAXED) ? 1 : 0;
}
