#!/bin/sh
# Builds the whole CMake tree under the sanitizers and runs its native tests (native/test)
# with CTest: one tree under AddressSanitizer + UBSan, one under ThreadSanitizer (the two
# cannot share a binary). The ASan tree's libjgil and libjgiltest are what AsanJvmTest loads.
# Called by `mvn verify` (exec-maven-plugin) before the Java tests; skips with a message where
# cmake or the compiler's sanitizer runtimes are missing. Usage: run-native-tests.sh [build-root]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
builds=${1:-"$root/target/native-test"}
if ! command -v cmake >/dev/null 2>&1 || ! command -v ctest >/dev/null 2>&1; then
    echo "[jgil] cmake/ctest not found: SKIPPING the native sanitizer tests (install cmake to run them)"
    exit 0
fi
mkdir -p "$builds"
works() {
    echo 'int main(void) { return 0; }' | ${CC:-cc} -fsanitize="$1" -x c - -o "$builds/probe-$1" 2>/dev/null \
        && "$builds/probe-$1"
}
if ! works address,undefined; then
    echo "[jgil] the C compiler cannot build or run -fsanitize=address,undefined here: SKIPPING the native tests"
    exit 0
fi
sanitizers=address,undefined
if works thread; then
    sanitizers="$sanitizers thread"
else
    echo "[jgil] -fsanitize=thread does not work here: the native tests run under ASan/UBSan only"
fi
for s in $sanitizers; do
    build="$builds/${s%%,*}"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DJGIL_SANITIZE="$s" \
        -DJGIL_JAVAH_DIR="$root/target/nar/javah-include" >"$build.configure.log" \
        || { cat "$build.configure.log"; exit 1; }
    cmake --build "$build" -j 2
    ctest --test-dir "$build" --output-on-failure -j 2
done
