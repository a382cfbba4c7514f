package org.jgil;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Run by {@link LibraryLoadingTest} in a child JVM: jgil loaded through class loaders, as
 * application servers and Spark or Flink executors load user code. The child's own class path
 * holds no jgil class it uses: every one comes from a loader made here.
 *
 * <p>Arguments: the jgil jar, the slf4j-api jar, a directory holding only {@link Application}, and
 * a copy of libjgil under another name, to offer a third loader.
 */
public final class ClassLoadersMain {
    private ClassLoadersMain() {}

    /** User code, loaded once by each application's own loader. */
    public static final class Application {
        private Application() {}

        public static void holdUntil(CountDownLatch held, CountDownLatch release) throws InterruptedException {
            Gil.acquire();
            try {
                held.countDown();
                release.await();
            } finally {
                Gil.release();
            }
        }

        public static void acquireAndRelease() {
            Gil.acquire();
            Gil.release();
        }
    }

    public static void main(String[] args) throws Exception {
        URL jar = Path.of(args[0]).toUri().toURL();
        URL slf4j = Path.of(args[1]).toUri().toURL();
        URL applications = Path.of(args[2]).toUri().toURL();
        ClassLoader platform = ClassLoader.getPlatformClassLoader();

        // jgil in a loader both applications delegate to: one lock, shared.
        URLClassLoader shared = new URLClassLoader("shared", new URL[] {jar, slf4j}, platform);
        String application = ClassLoadersMain.class.getName() + "$Application";
        Class<?> app1 = new URLClassLoader("app1", new URL[] {applications}, shared).loadClass(application);
        Class<?> app2 = new URLClassLoader("app2", new URL[] {applications}, shared).loadClass(application);
        check(app1 != app2 && app1.getClassLoader().getParent() == shared, "each application has its own class");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> call(app1, "holdUntil", held, release), "app1");
        holder.start();
        held.await();
        AtomicBoolean acquired = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            call(app2, "acquireAndRelease");
            acquired.set(true);
        }, "app2");
        waiter.start();
        // Until it waits for the lock (or, wrongly, has got it and finished).
        while (!Set.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.TERMINATED)
                .contains(waiter.getState())) {
            Thread.sleep(1);
        }
        check(!acquired.get(), "app2 got the lock while app1 held it");
        release.countDown();
        holder.join();
        waiter.join();
        check(acquired.get(), "app2 never got the lock");
        System.out.println("shared: one lock");

        // The same jar in a loader of its own: the library is the shared loader's.
        URLClassLoader sibling = new URLClassLoader("sibling", new URL[] {jar, slf4j}, platform);
        System.out.println("sibling: " + failure(sibling));

        // A copy of the library under another name: it would load, as a second lock.
        System.setProperty("jgil.library", args[3]);
        URLClassLoader third = new URLClassLoader("third", new URL[] {jar, slf4j}, platform);
        System.out.println("copy: " + failure(third));
        System.clearProperty("jgil.library");

        call(app1, "acquireAndRelease");
        System.out.println("shared: still works");
    }

    private static String failure(ClassLoader loader) {
        try {
            Class.forName("org.jgil.Gil", true, loader);
            return "loaded";
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage().replace('\n', ' ');
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static void call(Class<?> app, String method, Object... args) {
        try {
            for (var m : app.getMethods()) {
                if (m.getName().equals(method)) {
                    m.invoke(null, args);
                    return;
                }
            }
            throw new NoSuchMethodException(method);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
