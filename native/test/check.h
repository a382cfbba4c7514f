/*
 * check.h -- the native tests' harness, for C and C++.
 *
 * CHECK(cond) counts a failure, prints file:line and the condition, and
 * carries on, so that one run shows every broken promise.  A test is a named
 * function (what it shows, as the Java tests are named); each driver lists
 * its tests in a table of TEST(name) entries and hands it to run_tests().
 * CMake reads the same table and makes one CTest test of each entry, run in
 * a process of its own (native/test/CMakeLists.txt).
 */
#ifndef JGIL_TEST_CHECK_H
#define JGIL_TEST_CHECK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void check_passed(void);
/* fmt: a printf format for what follows the condition, or NULL. */
void check_failed(const char *file, int line, const char *cond, const char *fmt, ...);

#define CHECK(cond) CHECK_AT_(cond, #cond, NULL)

/* The same, with a printf-style explanation when it fails. */
#define CHECK_MSG(cond, ...) CHECK_AT_(cond, #cond, __VA_ARGS__)

#define CHECK_AT_(ok, text, ...) \
    do { \
        if (ok) \
            check_passed(); \
        else \
            check_failed(__FILE__, __LINE__, text, __VA_ARGS__); \
    } while (0)

typedef struct test_case {
    const char *name;
    void (*run)(void);
} test_case;

#define TEST(fn) { #fn, fn }

/* Runs the tests named on the command line (all of them without arguments;
 * --list prints the names).  Returns main's exit status: 0 if every check
 * passed, 1 if one failed, 2 for a name the table does not have. */
int run_tests(const char *driver, const test_case *tests, size_t count, int argc, char **argv);

#define RUN_TESTS(driver, table) run_tests(driver, table, sizeof(table) / sizeof((table)[0]), argc, argv)

#ifdef __cplusplus
}
#endif

#endif
