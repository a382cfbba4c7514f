/* check.h -- the smallest test harness: CHECK aborts with file:line and the condition. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <stdlib.h>

extern long checks_passed;

#define CHECK(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
        __atomic_fetch_add(&checks_passed, 1, __ATOMIC_RELAXED); \
    } while (0)

#define CHECK_MSG(cond, ...) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            abort(); \
        } \
        __atomic_fetch_add(&checks_passed, 1, __ATOMIC_RELAXED); \
    } while (0)
#endif
