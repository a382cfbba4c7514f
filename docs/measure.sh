#!/usr/bin/env bash
# Re-measures every figure quoted in docs/performance.md and docs/lab.md. What the docs show
# (charts, the JSON they link) goes to docs/figures/; the raw tables they quote go to
# target/measure/, to be read and copied into the text, not committed.
# Run it on a quiet machine (nothing else busy): about 30 minutes on 2 cores (every point in trials).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/figures
raw=target/measure
mkdir -p "$out" "$raw"
uptime | tee "$raw/load-before.txt"

./jgil overhead --json "$out/overhead.json" | tee "$raw/overhead.txt"
./jgil jmh StatsCost -f 1 -wi 3 -i 5 -rf json -rff "$raw/statscost.json" | tail -8 | tee "$raw/statscost.txt"
./jgil jmh "StatsCostBenchmark.releasedNative" -f 2 -wi 4 -i 8 | tail -3 | tee "$raw/statscost-released.txt"
./jgil bench --kernel spin --work-us 1000 --threads 1,2 --mode held,released,auto,java --duration-s 2 \
    --json "$raw/bench-spin-1ms.json" | tee "$raw/bench-spin-1ms.txt"
./jgil bench --kernel spin --work-us 50 --threads 1,2 --mode held,released,auto,java --duration-s 2 \
    --json "$raw/bench-spin-50us.json" | tee "$raw/bench-spin-50us.txt"
for spec in "sum 64" "dot 1000" "dot 5000"; do
    set -- $spec
    ./jgil bench --kernel "$1" --size "$2" --threads 1,2 --mode held,released,auto --duration-s 1 \
        --json "$raw/bench-$1-$2.json" | tee "$raw/bench-$1-$2.txt"
done
for w in 1 3 10 30; do
    ./jgil bench --kernel spin --work-us "$w" --threads 1,2 --mode held,released,auto --duration-s 1 \
        --json "$raw/bench-spin-${w}us.json" | tee "$raw/bench-spin-${w}us.txt"
done
./jgil bench --kernel gemm --size 512 --threads 1,2 --mode held,released,java --duration-s 2 \
    --json "$raw/bench-gemm-512.json" | tee "$raw/bench-gemm-512.txt"
./jgil lab convoy --json "$out/convoy.json" --chart "$out/convoy.png" | tee "$out/convoy.txt"
./jgil lab plus-equals --json "$out/plus-equals.json" | tee "$raw/plus-equals.txt"
./jgil lab serial --json "$out/serial.json" | tee "$raw/serial.txt"
./jgil lab inversion --json "$out/inversion.json" | tee "$raw/inversion.txt"
./jgil harness --json "$raw/harness.json" | tee "$raw/harness.txt"
./jgil bench --kernel dot --size 1000 --threads 1,2 --mode held,released,auto --breakdown \
    --trace "$raw/trace-dot-1000.json" --json "$raw/bench-dot-1000-breakdown.json" | tee "$raw/breakdown-dot-1000.txt"
./jgil bench --kernel sum --size 64 --threads 1,2 --mode held,released --breakdown \
    --json "$raw/bench-sum-64-breakdown.json" | tee "$raw/breakdown-sum-64.txt"
./jgil crossover --kernel spin --threads 2 --json "$raw/crossover-spin.json" | tee "$raw/crossover-spin.txt"
./jgil crossover --kernel sum --threads 2 --json "$raw/crossover-sum.json" | tee "$raw/crossover-sum.txt"
./jgil cpython --json "$out/cpython.json" | tee "$raw/cpython.txt"
./jgil demo -o "$out/demo" | tee "$raw/demo-full.txt"
uptime | tee "$raw/load-after.txt"
