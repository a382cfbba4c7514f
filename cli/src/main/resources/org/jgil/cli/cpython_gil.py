"""The jgil experiments under CPython's own GIL, for `jgil cpython`.

The same C kernel is called through ctypes.PyDLL (the GIL held across the call, like a careless
extension) and ctypes.CDLL (the GIL released around it, like Py_BEGIN/END_ALLOW_THREADS), from 1
and N threads; plus the `counter += 1` experiment and the convoy (a 100 us sleep beside a thread
running bytecode).  It prints one JSON document on stdout.  The kernel is libjgil's C entry point
jgil_k_spin when the library exports it, else the same recurrence compiled here with cc.
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SPIN_C = r"""
#include <stdint.h>
int jgil_k_spin(int64_t iterations, int64_t seed, int64_t *result, const volatile int32_t *stop)
{
    (void)stop;
    uint64_t x = (uint64_t)seed;
    for (int64_t i = 0; i < iterations; i++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ULL;
    }
    *result = (int64_t)x;
    return 0;
}
"""


def load_kernel(lib_path, workdir):
    """(path, source) of a library exporting jgil_k_spin."""
    if lib_path and os.path.exists(lib_path):
        try:
            ctypes.CDLL(lib_path).jgil_k_spin
            return lib_path, "libjgil (jgil_k_spin)"
        except (OSError, AttributeError):
            pass
    src = os.path.join(workdir, "spin.c")
    out = os.path.join(workdir, "libspin.so")
    with open(src, "w") as f:
        f.write(SPIN_C)
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", out, src], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return out, "spin.c compiled with " + cc + " (same recurrence)"


def bind(lib):
    f = lib.jgil_k_spin
    f.argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p]
    f.restype = ctypes.c_int
    return f


def iterations_per_us(spin):
    """Best of several timed runs, as jgil's own calibration does."""
    result = ctypes.c_int64()
    n = 200000
    spin(n, 1, ctypes.byref(result), None)
    best = min(_timed(spin, n, result) for _ in range(7))
    return n / (best * 1e6)


def _timed(spin, n, result):
    t = time.perf_counter()
    spin(n, 1, ctypes.byref(result), None)
    return time.perf_counter() - t


def steady(rates, windows=3, tolerance=0.05):
    if len(rates) < windows:
        return False
    last = rates[-windows:]
    mean = sum(last) / windows
    return mean > 0 and all(abs(r - mean) <= tolerance * mean for r in last)


def trial(spin, iterations, threads, duration, warmup_max):
    """Calls per second of `threads` threads calling spin(iterations) in a loop."""
    counts = [0] * threads
    stop = [False]

    def worker(i):
        result = ctypes.c_int64()
        ref = ctypes.byref(result)
        n = 0
        while not stop[0]:
            spin(iterations, i, ref, None)
            n += 1
            counts[i] = n

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in ts:
        t.start()
    window = max(0.01, min(0.1, warmup_max / 10))
    rates = []
    start = time.perf_counter()
    last, last_t = sum(counts), start
    while time.perf_counter() - start < warmup_max and not steady(rates):
        time.sleep(window)
        c, now = sum(counts), time.perf_counter()
        rates.append((c - last) / (now - last_t))
        last, last_t = c, now
    before, t0 = sum(counts), time.perf_counter()
    time.sleep(duration)
    after, t1 = sum(counts), time.perf_counter()
    stop[0] = True
    for t in ts:
        t.join()
    return (after - before) / (t1 - t0)


def plus_equals(threads, iterations, interval):
    """`counter += 1` from several threads: updates lost under the GIL."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    box = {"counter": 0}

    def worker():
        for _ in range(iterations):
            box["counter"] += 1

    try:
        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    finally:
        sys.setswitchinterval(old)
    expected = threads * iterations
    return {"threads": threads, "iterations": iterations, "expected": expected,
            "lost": expected - box["counter"], "switch_interval_s": interval}


def percentile(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def convoy(phase, io_us):
    """An I/O thread (a sleep) alone, then beside a thread running bytecode: its latency."""
    def io_loop(seconds):
        lat = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            time.sleep(io_us / 1e6)
            lat.append((time.perf_counter() - t) * 1e6)
        return lat

    alone = io_loop(phase)
    stop = [False]
    spins = [0]

    def cpu():
        x = 0
        while not stop[0]:
            for i in range(1000):
                x += i
            spins[0] += 1

    t = threading.Thread(target=cpu, daemon=True)
    t.start()
    time.sleep(0.05)
    beside = io_loop(phase)
    stop[0] = True
    t.join()
    return {"io_us": io_us, "alone_p50_us": percentile(alone, 0.5), "alone_p99_us": percentile(alone, 0.99),
            "beside_cpu_p50_us": percentile(beside, 0.5), "beside_cpu_p99_us": percentile(beside, 0.99),
            "ops_beside_cpu": len(beside), "switch_interval_s": sys.getswitchinterval()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib")
    ap.add_argument("--work-us", default="50")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--duration", type=float, default=0.2)
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--pe-threads", type=int, default=4)
    ap.add_argument("--pe-iterations", type=int, default=1000000)
    ap.add_argument("--convoy-phase", type=float, default=1.0)
    a = ap.parse_args()
    doc = {"python": sys.version.split()[0], "implementation": sys.implementation.name,
           "switch_interval_s": sys.getswitchinterval()}
    with tempfile.TemporaryDirectory() as work:
        try:
            path, source = load_kernel(a.lib, work)
        except (OSError, subprocess.CalledProcessError) as e:
            doc["spin_error"] = "no kernel: libjgil lacks jgil_k_spin and cc failed (%s)" % e
            path = None
        if path:
            doc["kernel"] = source
            held = bind(ctypes.PyDLL(path))
            released = bind(ctypes.CDLL(path))
            calibrated = getattr(ctypes.CDLL(path), "jgil_k_spin_iterations", None)
            if calibrated is not None:  # libjgil's own calibration: the very iteration counts jgil runs
                calibrated.argtypes = [ctypes.c_int64]
                calibrated.restype = ctypes.c_int64
                rate = calibrated(1000) / 1000.0
            else:
                rate = iterations_per_us(held)
            doc["iterations_per_us"] = rate
            points = []
            for w in [int(x) for x in a.work_us.split(",")]:
                iterations = calibrated(w) if calibrated is not None else max(1, int(round(w * rate)))
                for mode, fn in (("held", held), ("released", released)):
                    for t in sorted({1, a.threads}):
                        rates = [trial(fn, iterations, t, a.duration, a.warmup) for _ in range(a.trials)]
                        points.append({"work_us": w, "mode": mode, "threads": t, "trial_calls_per_s": rates,
                                       "calls_per_s": statistics.median(rates)})
            doc["spin"] = points
    doc["plus_equals"] = plus_equals(a.pe_threads, a.pe_iterations, 1e-6)
    doc["convoy"] = convoy(a.convoy_phase, 100)
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
