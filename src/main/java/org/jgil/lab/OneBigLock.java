package org.jgil.lab;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.jgil.CriticalSection;
import org.jgil.Gil;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;

/**
 * One big lock against fine-grained locks: the trade-off that explains why a GIL exists at all.
 *
 * <p>A managed workload reads and updates shared objects: a map of counters, a list that grows and
 * is drained, and items passed between two queues; 60% of the operations read, 40% write. Every
 * operation is one {@link CriticalSection} on the object it touches (two for a pass), and a
 * {@link Gil#checkpoint()} follows it, as a bytecode boundary would. The same code runs in three
 * regimes:
 * <ul>
 *   <li>{@link Regime#GIL}: a locking policy. The sections cost (almost) nothing; one thread runs
 *       managed code at a time.
 *   <li>{@link Regime#FINE_GRAINED}: policy {@code none} with the sections: every operation takes
 *       the object's lock. Threads run in parallel and pay for a lock on every object they touch.
 *   <li>{@link Regime#NONE}: policy {@code none} and no sections: what the locks prevent. Updates
 *       are lost and the collections, racing, throw.
 * </ul>
 * Threads work either each on objects of their own ({@link Sharing#DISJOINT}: where fine-grained
 * locking scales) or all on the same two stores ({@link Sharing#SHARED}: where it does not). A last
 * measurement puts a released native kernel between rounds of the managed workload, where the
 * GIL's serialized managed code and parallel native code meet.
 *
 * <p>After every phase the stores are checked against what the threads did: each counter
 * increment, list append and item hop must be there exactly once. Anything missing or extra is a
 * lost update.
 */
public final class OneBigLock {
    /** How managed code is protected. */
    public enum Regime {
        /** A locking policy; critical sections are no-ops. */
        GIL("gil"),
        /** Policy {@code none}, a critical section (an object's lock) around every operation. */
        FINE_GRAINED("fine_grained"),
        /** Policy {@code none}, nothing: shows the lost updates. */
        NONE("none");

        private final String label;

        Regime(String label) {
            this.label = label;
        }

        /** The name used in tables and JSON. */
        public String label() {
            return label;
        }
    }

    /** Whether threads work on objects of their own or on the same ones. */
    public enum Sharing {
        DISJOINT, SHARED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What to run.
     *
     * @param threads the thread counts of the scaling measurement
     * @param phase the length of one measured phase (the single-thread phase is twice as long)
     * @param trials how often each measurement is repeated
     * @param nativeMicros the lengths of the released kernel call in the mixed measurement
     * @param lockingPolicy the policy of the {@link Regime#GIL} regime
     */
    public record Config(List<Integer> threads, Duration phase, int trials, List<Long> nativeMicros,
                         String lockingPolicy) {
        public Config {
            threads = List.copyOf(threads);
            nativeMicros = List.copyOf(nativeMicros);
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(lockingPolicy, "lockingPolicy");
            if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 256)) {
                throw new IllegalArgumentException("thread counts must be 1..256, got " + threads);
            }
            if (phase.isNegative() || phase.isZero()) {
                throw new IllegalArgumentException("phase must be positive, got " + phase);
            }
            if (trials < 1) {
                throw new IllegalArgumentException("trials must be >= 1, got " + trials);
            }
            if (nativeMicros.stream().anyMatch(m -> m < 1 || m > 1_000_000)) {
                throw new IllegalArgumentException("native call lengths must be 1..1000000 us, got " + nativeMicros);
            }
            if (lockingPolicy.equals("none") || !Gil.policies().contains(lockingPolicy)) {
                throw new IllegalArgumentException("the GIL regime needs a locking policy ("
                        + String.join(", ", Gil.policies().subList(0, Gil.policies().size() - 1))
                        + "), got '" + lockingPolicy + "'");
            }
        }

        /** 1, 2, 4, .. up to the machine's cores (at least 2), 0.25 s phases, 3 trials, kernels of 1, 10, 100 us. */
        public static Config defaults() {
            int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
            List<Integer> threads = new ArrayList<>();
            for (int t = 1; t < cores; t *= 2) {
                threads.add(t);
            }
            threads.add(cores);
            return new Config(threads, Duration.ofMillis(250), 3, List.of(1L, 10L, 100L), "cpython");
        }
    }

    /** One phase: operations done, wall time, and what the check after it found. */
    public record Phase(long ops, long nanos, long lostUpdates, long errors) {
        /** Operations per second, all threads together. */
        public double opsPerSecond() {
            return ops * 1e9 / nanos;
        }
    }

    /** One regime, sharing and thread count, over the trials. */
    public record Point(Regime regime, Sharing sharing, int threads, List<Double> opsPerSecond, long lostUpdates,
                        long errors) {
        public Spread spread() {
            return Spread.of(opsPerSecond);
        }
    }

    /**
     * Rounds of {@code managedOps} managed operations followed by one released native call of
     * {@code nativeMicros}, from {@code threads} threads on shared objects.
     */
    public record Mixed(Regime regime, int threads, long nativeMicros, int managedOps, List<Double> roundsPerSecond,
                        long lostUpdates) {
        public Spread spread() {
            return Spread.of(roundsPerSecond);
        }
    }

    /** The median of some trials and their range. */
    public record Spread(double median, double min, double max) {
        static Spread of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = v.length;
            double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            return new Spread(median, v[0], v[n - 1]);
        }

        /** (max - min) / median: the trials' relative spread. */
        public double relative() {
            return median == 0 ? 0 : (max - min) / median;
        }
    }

    /** Everything one run measured. */
    public record Result(Config config, int cores, Map<Regime, List<Double>> singleThreadNsPerOp, List<Point> scaling,
                         List<Mixed> mixed) {
        /** The median single-thread cost of {@code regime}, ns per operation. */
        public Spread singleThread(Regime regime) {
            return Spread.of(singleThreadNsPerOp.get(regime));
        }
    }

    /** Managed operations per round in the mixed measurement. */
    public static final int MIXED_MANAGED_OPS = 100;

    private static final int KEYS = 64;
    private static final int ITEMS_PER_STORE = 32;
    private static final int DRAIN_AT = 256;
    private static final int STORES = 2;

    private OneBigLock() {}

    /**
     * Runs every measurement: single thread, scaling, mixed. Switches the policy between regimes
     * and puts back the one in force, so call it while the lock is otherwise idle.
     */
    public static Result run(Config config) throws InterruptedException {
        return run(config, step -> { });
    }

    /**
     * {@link #run(Config)}, telling {@code progress} what is about to run; {@link #phases(Config)}
     * steps in all.
     */
    public static Result run(Config config, java.util.function.Consumer<String> progress) throws InterruptedException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(progress, "progress");
        String previous = Gil.policy();
        try {
            // Warm-up: compile the workload in every regime before anything is timed.
            for (Regime r : Regime.values()) {
                measure(r, Sharing.DISJOINT, 1, config.phase(), config.lockingPolicy());
            }
            Map<Regime, List<Double>> single = new EnumMap<>(Regime.class);
            Map<String, List<Phase>> phases = new HashMap<>();
            Map<String, List<Double>> mixedRates = new HashMap<>();
            Map<String, Long> mixedLost = new HashMap<>();
            int mixedThreads = config.threads().get(config.threads().size() - 1);
            Workload.Params spinParams = new Workload.Params(0, 1, 42);
            Kernels.byName("spin").prepare(spinParams); // calibrates the spin loop once, before any timing
            // Trials outermost, regimes innermost: a drift of the machine spreads over all of them.
            for (int trial = 0; trial < config.trials(); trial++) {
                for (Regime r : Regime.values()) {
                    progress.accept("single thread, " + r.label());
                    Phase p = measure(r, Sharing.DISJOINT, 1, config.phase().multipliedBy(2), config.lockingPolicy());
                    single.computeIfAbsent(r, k -> new ArrayList<>()).add(1e9 / p.opsPerSecond());
                }
                for (Sharing s : Sharing.values()) {
                    for (int threads : config.threads()) {
                        for (Regime r : Regime.values()) {
                            progress.accept(r.label() + ", " + s.label() + ", " + threads + " threads");
                            Phase p = measure(r, s, threads, config.phase(), config.lockingPolicy());
                            phases.computeIfAbsent(r + "/" + s + "/" + threads, k -> new ArrayList<>()).add(p);
                        }
                    }
                }
                for (long micros : config.nativeMicros()) {
                    for (Regime r : List.of(Regime.GIL, Regime.FINE_GRAINED)) {
                        progress.accept(r.label() + " beside " + micros + " us kernels");
                        Phase p = mixed(r, mixedThreads, micros, config.phase(), config.lockingPolicy());
                        String key = r + "/" + micros;
                        mixedRates.computeIfAbsent(key, k -> new ArrayList<>()).add(p.opsPerSecond());
                        mixedLost.merge(key, p.lostUpdates() + p.errors(), Long::sum);
                    }
                }
            }
            List<Point> scaling = new ArrayList<>();
            for (Regime r : Regime.values()) {
                for (Sharing s : Sharing.values()) {
                    for (int threads : config.threads()) {
                        List<Phase> ps = phases.get(r + "/" + s + "/" + threads);
                        scaling.add(new Point(r, s, threads, ps.stream().map(Phase::opsPerSecond).toList(),
                                ps.stream().mapToLong(Phase::lostUpdates).sum(),
                                ps.stream().mapToLong(Phase::errors).sum()));
                    }
                }
            }
            List<Mixed> mixed = new ArrayList<>();
            for (long micros : config.nativeMicros()) {
                for (Regime r : List.of(Regime.GIL, Regime.FINE_GRAINED)) {
                    String key = r + "/" + micros;
                    mixed.add(new Mixed(r, mixedThreads, micros, MIXED_MANAGED_OPS, mixedRates.get(key),
                            mixedLost.get(key)));
                }
            }
            return new Result(config, Runtime.getRuntime().availableProcessors(), single, scaling, mixed);
        } finally {
            Gil.setPolicy(previous);
        }
    }

    /** How many steps {@link #run(Config, java.util.function.Consumer)} reports. */
    public static int phases(Config config) {
        int perTrial = Regime.values().length * (1 + Sharing.values().length * config.threads().size())
                + 2 * config.nativeMicros().size();
        return config.trials() * perTrial;
    }

    /** About how long {@link #run(Config)} takes: every phase, the warm-up, and the longer single-thread phases. */
    public static Duration estimate(Config config) {
        long phases = phases(config) + Regime.values().length * (1 + config.trials());
        return config.phase().multipliedBy(phases);
    }

    /**
     * One phase of the managed workload: {@code threads} threads for {@code duration} under
     * {@code regime}, then the check. Switches to the regime's policy and leaves it in force.
     *
     * @param lockingPolicy the policy of {@link Regime#GIL}
     */
    public static Phase measure(Regime regime, Sharing sharing, int threads, Duration duration, String lockingPolicy)
            throws InterruptedException {
        return new OneBigLock.Run(regime, sharing, threads, lockingPolicy).go(duration, 0, 0);
    }

    /**
     * One phase of the mixed workload: rounds of {@link #MIXED_MANAGED_OPS} managed operations on
     * shared objects, each followed by a spin kernel of {@code nativeMicros} called with the lock
     * released. {@link Phase#ops()} counts rounds.
     */
    public static Phase mixed(Regime regime, int threads, long nativeMicros, Duration duration, String lockingPolicy)
            throws InterruptedException {
        return new OneBigLock.Run(regime, Sharing.SHARED, threads, lockingPolicy)
                .go(duration, MIXED_MANAGED_OPS, nativeMicros);
    }

    /** A passed object: each pass adds one hop. */
    private static final class Item {
        long hops;
    }

    /** One set of shared objects. */
    private static final class Store {
        final HashMap<Integer, Integer> counts = new HashMap<>();
        final ArrayList<Integer> log = new ArrayList<>();
        long drained; // entries moved out of log; guarded by log's section
        final ArrayDeque<Item> inbox = new ArrayDeque<>();
        final ArrayDeque<Item> outbox = new ArrayDeque<>();

        Store(List<Item> items) {
            for (int k = 0; k < KEYS; k++) {
                counts.put(k, 0);
            }
            for (int i = 0; i < ITEMS_PER_STORE; i++) {
                Item item = new Item();
                items.add(item);
                inbox.add(item);
            }
        }
    }

    /** What one thread did, to check the stores against. */
    private static final class Tally {
        long ops;
        long increments;
        long appends;
        long hops;
        long errors;
        long sink;
        long endNanos;
    }

    /** One phase's threads, objects and check. */
    private static final class Run {
        private final Regime regime;
        private final boolean guarded;
        private final int threads;
        private final List<Item> items = new ArrayList<>();
        /** Per thread: the stores it works on (its own, or the common ones). */
        private final Store[][] worlds;

        Run(Regime regime, Sharing sharing, int threads, String lockingPolicy) {
            this.regime = regime;
            this.guarded = regime != Regime.NONE;
            this.threads = threads;
            String policy = regime == Regime.GIL ? lockingPolicy : "none";
            if (!Gil.policy().equals(policy)) {
                Gil.setPolicy(policy);
            }
            worlds = new Store[threads][];
            Store[] common = sharing == Sharing.SHARED ? newWorld() : null;
            for (int t = 0; t < threads; t++) {
                worlds[t] = sharing == Sharing.SHARED ? common : newWorld();
            }
        }

        private Store[] newWorld() {
            Store[] world = new Store[STORES];
            for (int i = 0; i < STORES; i++) {
                world[i] = new Store(items);
            }
            return world;
        }

        Phase go(Duration duration, int opsPerRound, long nativeMicros) throws InterruptedException {
            Tally[] tallies = new Tally[threads];
            Thread[] workers = new Thread[threads];
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            long[] deadline = new long[1];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                Tally tally = tallies[t] = new Tally();
                Store[] world = worlds[t];
                long seed = 0x9E3779B97F4A7C15L * (t + 1);
                workers[t] = new Thread(() -> {
                    Workload kernel;
                    try {
                        kernel = nativeMicros > 0
                                ? Kernels.byName("spin").prepare(new Workload.Params(0, nativeMicros, seed)) : null;
                    } finally {
                        ready.countDown();
                    }
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    Gil.acquire();
                    try {
                        work(world, tally, seed, deadline[0], opsPerRound, kernel);
                    } finally {
                        Gil.release();
                        tally.endNanos = System.nanoTime();
                    }
                }, "one-big-lock-" + regime.label() + "-" + t);
                workers[t].setUncaughtExceptionHandler((th, e) -> {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                });
                workers[t].start();
            }
            ready.await();
            long begin = System.nanoTime();
            deadline[0] = begin + duration.toNanos(); // published to the workers by start's countDown
            start.countDown();
            long end = begin;
            for (Thread w : workers) {
                w.join();
            }
            synchronized (failure) {
                if (failure[0] != null) {
                    throw new IllegalStateException("a worker failed under " + regime.label() + ": " + failure[0],
                            failure[0]);
                }
            }
            long ops = 0;
            long errors = 0;
            for (Tally tally : tallies) {
                ops += opsPerRound > 0 ? tally.ops / opsPerRound : tally.ops;
                errors += tally.errors;
                end = Math.max(end, tally.endNanos);
            }
            return new Phase(ops, Math.max(1, end - begin), lost(tallies), errors);
        }

        /** The workload of one thread; holds the GIL (a formality under none). */
        private void work(Store[] world, Tally tally, long seed, long deadline, int opsPerRound, Workload kernel) {
            long x = seed;
            long ops = 0;
            long sink = 0;
            while (true) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                try {
                    sink += op(world, tally, x);
                } catch (RuntimeException e) {
                    tally.errors++; // collections racing with no lock: part of what the experiment shows
                }
                Gil.checkpoint(); // the next "bytecode"
                ops++;
                if (kernel != null && ops % opsPerRound == 0) {
                    sink += (long) kernel.run(Mode.RELEASED);
                }
                if ((ops & 63) == 0 && System.nanoTime() >= deadline) {
                    break;
                }
            }
            tally.ops = ops;
            tally.sink = sink;
        }

        /** One operation on one object (two for a pass), inside its critical section unless unguarded. */
        private int op(Store[] world, Tally tally, long random) {
            int pick = (int) ((random >>> 33) % 100);
            Store store = world[(int) (random & (STORES - 1))];
            Integer key = (int) ((random >>> 8) & (KEYS - 1));
            if (pick < 45) { // read a counter
                try (CriticalSection cs = guarded ? CriticalSection.enter(store.counts) : null) {
                    return store.counts.get(key);
                }
            }
            if (pick < 60) { // read the log
                try (CriticalSection cs = guarded ? CriticalSection.enter(store.log) : null) {
                    int size = store.log.size();
                    return size == 0 ? 0 : store.log.get((int) ((random >>> 20) % size)) + size;
                }
            }
            if (pick < 85) { // count something
                try (CriticalSection cs = guarded ? CriticalSection.enter(store.counts) : null) {
                    store.counts.merge(key, 1, Integer::sum);
                }
                tally.increments++;
                return 1;
            }
            if (pick < 97) { // append to the log, drain it when full
                try (CriticalSection cs = guarded ? CriticalSection.enter(store.log) : null) {
                    store.log.add(key);
                    if (store.log.size() >= DRAIN_AT) {
                        store.drained += store.log.size();
                        store.log.clear();
                    }
                }
                tally.appends++;
                return 2;
            }
            // pass an object from one queue to another: a two-object section
            Store to = world[(int) ((random >>> 4) & (STORES - 1))];
            ArrayDeque<Item> src = (random & 16) == 0 ? store.inbox : store.outbox;
            ArrayDeque<Item> dst = src == store.inbox ? to.outbox : to.inbox;
            try (CriticalSection cs = guarded ? CriticalSection.enter(src, dst) : null) {
                Item item = src.poll();
                if (item == null) {
                    return 0;
                }
                item.hops++;
                dst.add(item);
            }
            tally.hops++;
            return 3;
        }

        /** Every update the threads made must be in the stores exactly once; counts those that are not. */
        private long lost(Tally[] tallies) {
            long increments = 0;
            long appends = 0;
            long hops = 0;
            for (Tally t : tallies) {
                increments += t.increments;
                appends += t.appends;
                hops += t.hops;
            }
            java.util.Set<Store> stores = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Store[] world : worlds) {
                stores.addAll(Arrays.asList(world));
            }
            long counted = 0;
            long logged = 0;
            long queued = 0;
            for (Store s : stores) {
                for (Integer v : s.counts.values()) {
                    counted += v == null ? 0 : v;
                }
                logged += s.drained + s.log.size();
                queued += s.inbox.size() + s.outbox.size();
            }
            long hopped = 0;
            for (Item item : items) {
                hopped += item.hops;
            }
            return Math.abs(increments - counted) + Math.abs(appends - logged) + Math.abs(hops - hopped)
                    + Math.abs(items.size() - queued);
        }
    }
}
