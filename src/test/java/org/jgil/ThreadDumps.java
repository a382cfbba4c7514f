package org.jgil;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Thread dumps for the reliability tests: a failed or timed-out test prints every thread's stack,
 * with the monitors and {@code java.util.concurrent} locks each holds and waits for, so that a
 * deadlock or a lost wake-up shows who waits for whom. Use it as a JUnit extension
 * ({@code @ExtendWith(ThreadDumps.class)}) or call {@link #all()} from a watchdog.
 */
public final class ThreadDumps implements TestExecutionExceptionHandler {
    /** Every live thread's stack and locks, as text. */
    public static String all() {
        StringBuilder out = new StringBuilder("---- thread dump (").append(java.time.Instant.now()).append(") ----\n");
        ThreadInfo[] infos;
        try {
            infos = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
        } catch (RuntimeException | Error e) {
            infos = new ThreadInfo[0];
        }
        if (infos.length == 0) {
            Thread.getAllStackTraces().forEach((t, stack) -> {
                out.append('"').append(t.getName()).append("\" id=").append(t.getId()).append(' ')
                        .append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    out.append("\tat ").append(e).append('\n');
                }
            });
        }
        for (ThreadInfo info : infos) {
            out.append('"').append(info.getThreadName()).append("\" id=").append(info.getThreadId()).append(' ')
                    .append(info.getThreadState());
            if (info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                out.append(" owned by \"").append(info.getLockOwnerName()).append("\" id=")
                        .append(info.getLockOwnerId());
            }
            out.append('\n');
            for (StackTraceElement e : info.getStackTrace()) { // the full stack, not ThreadInfo's 8 frames
                out.append("\tat ").append(e).append('\n');
            }
            for (java.lang.management.LockInfo lock : info.getLockedSynchronizers()) {
                out.append("\t- holds ").append(lock).append('\n');
            }
        }
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("JVM-detected deadlock among thread ids ").append(java.util.Arrays.toString(deadlocked))
                    .append('\n');
        }
        try {
            out.append("GIL owner word: 0x").append(Long.toHexString(LockWord.get())).append(", policy ")
                    .append(Gil.policy()).append('\n');
        } catch (RuntimeException | Error e) {
            out.append("GIL state unavailable: ").append(e).append('\n');
        }
        return out.append("---- end of thread dump ----\n").toString();
    }

    /** Prints {@link #all()} to standard error, with a reason. */
    public static void print(String reason) {
        System.err.println("[jgil] " + reason + "\n" + all());
        System.err.flush();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        print(context.getDisplayName() + " failed: " + throwable);
        throw throwable;
    }
}
