package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ManagedSerializationTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 10_000;
    private static final int SECTIONS_PER_ROUND = 6; // cases 0..3 below make 1 + 2 + 2 + 1 sections

    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger mostInside = new AtomicInteger();
    private int counter; // plain field: only the GIL keeps it exact

    private void managedSection() {
        int now = inside.incrementAndGet();
        mostInside.accumulateAndGet(now, Math::max);
        int read = counter;
        Thread.onSpinWait(); // widen the window between read and write
        counter = read + 1;
        inside.decrementAndGet();
    }

    /** Every way into managed code, mixed: each makes one or two sections. */
    private void sectionsOfKind(int kind) {
        switch (kind) {
            case 0:
                Gil.run(this::managedSection);
                break;
            case 1:
                Gil.acquire();
                try {
                    managedSection();
                    Gil.checkpoint();
                    managedSection();
                } finally {
                    Gil.release();
                }
                break;
            case 2:
                Gil.run(() -> {
                    managedSection();
                    NativeProbe.noopReleased();
                    try (Released nogil = Gil.allowThreads()) {
                        Thread.onSpinWait();
                    }
                    managedSection();
                });
                break;
            default:
                try (Ensured gil = Gil.ensure()) {
                    managedSection();
                }
        }
    }

    @Test
    void managedSectionsNeverOverlapAndAPlainCounterStaysExact() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    for (int kind = 0; kind < 4; kind++) {
                        sectionsOfKind((kind + id) % 4);
                    }
                }
            }, "managed-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, mostInside.get(), "managed sections overlapped");
        assertEquals(THREADS * ROUNDS * SECTIONS_PER_ROUND, counter, "a plain counter lost updates under the GIL");
    }
}
