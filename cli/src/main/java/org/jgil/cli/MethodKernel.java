package org.jgil.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jgil.Gil;
import org.jgil.Released;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;

/**
 * A user's own static method as a kernel, so that an extension's author measures their code, not
 * ours: {@code --method com.acme.Foo#bar --args 1000,2.5}. Held, the method runs with the lock kept,
 * as a native method that does not release it; released, it runs inside {@link Gil#allowThreads()},
 * as one wrapped in {@code JGIL_BEGIN/END_ALLOW_THREADS}. A native method that releases the lock
 * itself is measured as it is in both modes.
 *
 * <p>Arguments are given as text and converted to the parameter types: the primitive types and
 * {@code String}. The method's result, if a number or a boolean, becomes the call's checksum.
 */
final class MethodKernel implements Kernel {
    private final String spec;
    private final MethodHandle call; // ()Object, the arguments bound

    private MethodKernel(String spec, MethodHandle call) {
        this.spec = spec;
        this.call = call;
    }

    /**
     * Finds {@code Class#method} taking {@code args} (comma-separated; empty for none).
     *
     * @param classpath extra class-path entries separated by the platform's path separator, or null
     * @throws IllegalArgumentException if the class or a matching static method is missing, or an
     *     argument does not convert
     */
    static MethodKernel of(String spec, String args, String classpath) {
        int hash = spec.indexOf('#');
        if (hash <= 0 || hash == spec.length() - 1) {
            throw new IllegalArgumentException("--method takes Class#method, e.g. com.acme.Foo#bar, got '"
                    + spec + "'");
        }
        String className = spec.substring(0, hash);
        String methodName = spec.substring(hash + 1);
        List<String> values = args == null || args.isBlank() ? List.of()
                : Arrays.stream(args.split(",", -1)).map(String::trim).toList();
        Class<?> type = load(className, classpath);
        List<String> problems = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (!m.getName().equals(methodName) || m.getParameterCount() != values.size()) {
                continue;
            }
            if (!Modifier.isStatic(m.getModifiers())) {
                problems.add(m + " is not static");
                continue;
            }
            Object[] converted;
            try {
                converted = convert(m.getParameterTypes(), values);
            } catch (IllegalArgumentException e) {
                problems.add(m + ": " + e.getMessage());
                continue;
            }
            try {
                m.setAccessible(true);
                MethodHandle h = MethodHandles.lookup().unreflect(m);
                h = MethodHandles.insertArguments(h, 0, converted);
                return new MethodKernel(spec + (values.isEmpty() ? "" : "(" + String.join(",", values) + ")"),
                        h.asType(MethodType.methodType(Object.class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("cannot call " + m + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no static method " + methodName + " taking " + values.size()
                + " argument(s) " + (values.isEmpty() ? "" : values + " ") + "in " + className
                + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
    }

    private static Class<?> load(String className, String classpath) {
        ClassLoader parent = MethodKernel.class.getClassLoader();
        ClassLoader loader = parent;
        if (classpath != null && !classpath.isBlank()) {
            List<URL> urls = new ArrayList<>();
            for (String entry : classpath.split(java.io.File.pathSeparator)) {
                Path p = Path.of(entry.trim());
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("--classpath entry '" + entry + "' does not exist");
                }
                try {
                    urls.add(p.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("--classpath entry '" + entry + "': " + e.getMessage(), e);
                }
            }
            loader = new URLClassLoader(urls.toArray(URL[]::new), parent);
        }
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + className + " not found"
                    + (loader == parent ? " (give its jar or folder with --classpath)" : " on --classpath"), e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("class " + className + " cannot be loaded: " + e, e);
        }
    }

    static Object[] convert(Class<?>[] types, List<String> values) {
        Object[] out = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            out[i] = convert(types[i], values.get(i));
        }
        return out;
    }

    private static Object convert(Class<?> type, String v) {
        try {
            if (type == String.class) {
                return v;
            } else if (type == int.class) {
                return Integer.valueOf(v);
            } else if (type == long.class) {
                return Long.valueOf(v);
            } else if (type == double.class) {
                return Double.valueOf(v);
            } else if (type == float.class) {
                return Float.valueOf(v);
            } else if (type == short.class) {
                return Short.valueOf(v);
            } else if (type == byte.class) {
                return Byte.valueOf(v);
            } else if (type == char.class && v.length() == 1) {
                return v.charAt(0);
            } else if (type == boolean.class && (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"))) {
                return Boolean.valueOf(v);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + v + "' is not a " + type.getSimpleName());
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public String description() {
        return "the user's method " + spec;
    }

    @Override
    public Workload prepare(Workload.Params params) {
        return new Workload() {
            @Override
            public double run(Mode mode) {
                switch (mode) {
                    case HELD:
                        return checksum(invoke());
                    case RELEASED:
                        try (Released nogil = Gil.allowThreads()) {
                            return checksum(invoke());
                        }
                    default:
                        throw new IllegalArgumentException("a user's method runs held or released, not "
                                + mode.name().toLowerCase(Locale.ROOT));
                }
            }

            @Override
            public double flopsPerCall() {
                return 0;
            }

            @Override
            public long bytesPerCall() {
                return 0;
            }
        };
    }

    private Object invoke() {
        try {
            return (Object) call.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(spec + " threw " + e, e);
        }
    }

    private static double checksum(Object result) {
        if (result instanceof Number) {
            return ((Number) result).doubleValue();
        }
        if (result instanceof Boolean) {
            return (Boolean) result ? 1 : 0;
        }
        return result == null ? 0 : result.hashCode();
    }

    /** The report's line for a user's method: never assumed CPU-bound, its nature is the user's. */
    Case asCase() {
        return new Case(this, Workload.Params.defaults(), spec, false);
    }
}
