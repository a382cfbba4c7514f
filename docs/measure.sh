#!/usr/bin/env bash
# Re-measures every figure quoted in docs/performance.md and docs/lab.md into docs/figures/.
# Run it on a quiet machine (nothing else busy): about 30 minutes on 2 cores (every point in trials).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/figures
mkdir -p "$out"
uptime | tee "$out/load-before.txt"

./jgil overhead --json "$out/overhead.json" | tee "$out/overhead.txt"
./jgil jmh StatsCost -f 1 -wi 3 -i 5 -rf json -rff "$out/statscost.json" | tail -8 | tee "$out/statscost.txt"
./jgil jmh "StatsCostBenchmark.releasedNative" -f 2 -wi 4 -i 8 | tail -3 | tee "$out/statscost-released.txt"
./jgil bench --kernel spin --work-us 1000 --threads 1,2 --mode held,released,auto,java --duration-s 2 \
    --json "$out/bench-spin-1ms.json" | tee "$out/bench-spin-1ms.txt"
./jgil bench --kernel spin --work-us 50 --threads 1,2 --mode held,released,auto,java --duration-s 2 \
    --json "$out/bench-spin-50us.json" | tee "$out/bench-spin-50us.txt"
for spec in "sum 64" "dot 1000" "dot 5000"; do
    set -- $spec
    ./jgil bench --kernel "$1" --size "$2" --threads 1,2 --mode held,released,auto --duration-s 1 \
        --json "$out/bench-$1-$2.json" | tee "$out/bench-$1-$2.txt"
done
for w in 1 3 10 30; do
    ./jgil bench --kernel spin --work-us "$w" --threads 1,2 --mode held,released,auto --duration-s 1 \
        --json "$out/bench-spin-${w}us.json" | tee "$out/bench-spin-${w}us.txt"
done
./jgil bench --kernel gemm --size 512 --threads 1,2 --mode held,released,java --duration-s 2 \
    --json "$out/bench-gemm-512.json" | tee "$out/bench-gemm-512.txt"
./jgil lab convoy --json "$out/convoy.json" --chart "$out/convoy.png" | tee "$out/convoy.txt"
./jgil lab plus-equals --json "$out/plus-equals.json" | tee "$out/plus-equals.txt"
./jgil lab serial --json "$out/serial.json" | tee "$out/serial.txt"
./jgil lab inversion --json "$out/inversion.json" | tee "$out/inversion.txt"
./jgil harness --json "$out/harness.json" | tee "$out/harness.txt"
./jgil bench --kernel dot --size 1000 --threads 1,2 --mode held,released,auto --breakdown \
    --trace "$out/trace-dot-1000.json" --json "$out/bench-dot-1000-breakdown.json" | tee "$out/breakdown-dot-1000.txt"
./jgil bench --kernel sum --size 64 --threads 1,2 --mode held,released --breakdown \
    --json "$out/bench-sum-64-breakdown.json" | tee "$out/breakdown-sum-64.txt"
./jgil crossover --kernel spin --threads 2 --json "$out/crossover-spin.json" | tee "$out/crossover-spin.txt"
./jgil crossover --kernel sum --threads 2 --json "$out/crossover-sum.json" | tee "$out/crossover-sum.txt"
./jgil cpython --json "$out/cpython.json" | tee "$out/cpython.txt"
./jgil demo -o "$out/demo" | tee "$out/demo-full.txt"
uptime | tee "$out/load-after.txt"
