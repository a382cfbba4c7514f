package org.jgil;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Synthetic;

/**
 * The child of {@link ShutdownTest}: puts threads in every state the lock knows -- waiting for it,
 * inside released kernels (a 60 s sleep, a long spin), a native thread blocked in
 * {@code jgil_ensure}, native threads looping on ensure/release, managed threads contending --
 * then ends the JVM with {@code System.exit} ({@code exit-held}: while holding the GIL;
 * {@code exit-free}: without it; {@code exit-held-hook}: holding it, with a shutdown hook that takes
 * it) or by returning from main ({@code return}). A shutdown hook waits
 * (at most 5 s) until a looping native thread has seen {@code jgil_ensure} fail, and prints the
 * counts.
 */
public final class ShutdownMain {
    private ShutdownMain() {}

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public static void main(String[] args) throws Exception {
        String how = args[0];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ShutdownProbe.startEnsureLoop(); // a native thread born after shutdown began
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ShutdownProbe.ensureFailures() == 0 && System.nanoTime() < until) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("shutdown: ensure loop " + ShutdownProbe.ensureSuccesses() + " ok, "
                    + ShutdownProbe.ensureFailures() + " failed");
            System.out.flush();
        }, "test-shutdown-hook"));

        CountDownLatch inKernels = new CountDownLatch(2);
        daemon("released-sleep", () -> Gil.run(() -> {
            inKernels.countDown();
            Synthetic.sleep(60_000_000, Mode.RELEASED);
        }));
        daemon("released-spin", () -> Gil.run(() -> {
            inKernels.countDown();
            Synthetic.spin(60_000_000, 1, Mode.RELEASED);
        }));
        for (int i = 0; i < 4; i++) {
            daemon("contender-" + i, () -> {
                while (true) {
                    Gil.run(() -> {
                        for (int k = 0; k < 1000; k++) {
                            Gil.checkpoint();
                        }
                    });
                }
            });
        }
        for (int i = 0; i < 2; i++) {
            ShutdownProbe.startEnsureLoop();
        }
        inKernels.await(10, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ShutdownProbe.ensureSuccesses() < 10 && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        System.out.println("running: ensure loop " + ShutdownProbe.ensureSuccesses() + " ok before shutdown");
        System.out.flush();

        switch (how) {
            case "exit-held": {
                Gil.acquire();
                // A native thread blocks in jgil_ensure behind us, and waiters queue up.
                daemon("native-ensure", () -> Gil.run(() -> ThreadProbe.runOnNativeThread(() -> { })));
                for (int i = 0; i < 4; i++) {
                    daemon("waiter-" + i, Gil::acquire);
                }
                Thread.sleep(200);
                System.exit(3);
                break;
            }
            case "exit-held-hook": {
                // The exiting thread never returns, so without help this hook would wait for ever.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Gil.run(() -> {
                    System.out.println("hook: took the GIL");
                    System.out.flush();
                }), "gil-hook"));
                Gil.acquire();
                Thread.sleep(200);
                System.exit(5);
                break;
            }
            case "exit-free":
                Thread.sleep(200);
                System.exit(4);
                break;
            case "return":
                Thread.sleep(200);
                return; // DestroyJavaVM: only daemon threads are left
            default:
                throw new IllegalArgumentException(how);
        }
    }
}
