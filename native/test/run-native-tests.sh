#!/bin/sh
# Builds and runs the native sanitizer tests (native/test/CMakeLists.txt) with CTest.
# Called by `mvn verify` (exec-maven-plugin); skips with a message where cmake or the
# compiler's sanitizer runtimes are missing. Usage: run-native-tests.sh [build-dir]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-"$root/target/native-test"}
if ! command -v cmake >/dev/null 2>&1 || ! command -v ctest >/dev/null 2>&1; then
    echo "[jgil] cmake/ctest not found: SKIPPING the native ASan/UBSan tests (install cmake to run them)"
    exit 0
fi
mkdir -p "$build"
probe="$build/sanitizer-probe"
if ! echo 'int main(void) { return 0; }' | ${CC:-cc} -fsanitize=address,undefined -x c - -o "$probe" 2>/dev/null \
        || ! "$probe"; then
    echo "[jgil] the C compiler cannot build or run -fsanitize=address,undefined here: SKIPPING the native tests"
    exit 0
fi
tsan=ON
if ! echo 'int main(void) { return 0; }' | ${CC:-cc} -fsanitize=thread -x c - -o "$probe" 2>/dev/null || ! "$probe"; then
    echo "[jgil] -fsanitize=thread does not work here: the native tests run under ASan/UBSan only"
    tsan=OFF
fi
javah="$root/target/nar/javah-include"
cmake -S "$root/native/test" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DJGIL_JAVAH_DIR="$javah" -DJGIL_TSAN=$tsan \
    >"$build/configure.log" \
    || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j 2
cd "$build" && ctest --output-on-failure
