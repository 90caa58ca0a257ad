/* A tiny test harness: CHECK records a failure and goes on; TEST_MAIN reports.
 *
 *     static void test_roundtrip(void) { CHECK(x == 1); CHECK_EQ_INT(a, b); }
 *     int main(void) { RUN(test_roundtrip); return test_report(); }
 */
#ifndef ZB_TEST_HARNESS_H
#define ZB_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int test_failures, test_checks;
static const char *test_current = "";

#define CHECK(cond)                                                                   \
    do {                                                                              \
        test_checks++;                                                                \
        if (!(cond)) {                                                                \
            test_failures++;                                                          \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__,      \
                    test_current, #cond);                                             \
        }                                                                             \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                            \
    do {                                                                              \
        long long a_ = (long long)(a), b_ = (long long)(b);                           \
        test_checks++;                                                                \
        if (a_ != b_) {                                                               \
            test_failures++;                                                          \
            fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", __FILE__, \
                    __LINE__, test_current, #a, a_, #b, b_);                          \
        }                                                                             \
    } while (0)

#define CHECK_STR(a, b)                                                               \
    do {                                                                              \
        const char *a_ = (a), *b_ = (b);                                              \
        test_checks++;                                                                \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                           \
            test_failures++;                                                          \
            fprintf(stderr, "%s:%d: %s: \"%s\" != \"%s\"\n", __FILE__, __LINE__,      \
                    test_current, a_ ? a_ : "(null)", b_ ? b_ : "(null)");            \
        }                                                                             \
    } while (0)

#define RUN(fn)                                                                       \
    do {                                                                              \
        test_current = #fn;                                                           \
        fn();                                                                         \
    } while (0)

static inline int test_report(void)
{
    fprintf(stderr, "%d checks, %d failures\n", test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
