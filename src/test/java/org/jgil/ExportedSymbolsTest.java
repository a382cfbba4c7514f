package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What libjgil exports ({@code nm -D}): the JNI functions of the shipped classes and nothing the
 * tests alone need; the tests' natives live in libjgiltest ({@link TestLibrary}). Skipped, with a
 * message, where nm or the library built by Maven is missing.
 */
class ExportedSymbolsTest {
    private static List<String> symbols;

    @BeforeAll
    static void readSymbols() throws IOException, InterruptedException {
        Optional<Path> library = Arrays.stream(System.getProperty("java.library.path", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, System.mapLibraryName("jgil-" + NativeLibrary.VERSION)))
                .filter(Files::isRegularFile)
                .findFirst();
        Assumptions.assumeTrue(library.isPresent(), "no libjgil built by Maven on java.library.path");
        Process nm;
        try {
            nm = new ProcessBuilder("nm", "-D", "--defined-only", library.get().toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noNm) {
            Assumptions.abort("nm is not installed: " + noNm.getMessage());
            return;
        }
        String out = new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nm.waitFor(30, TimeUnit.SECONDS) && nm.exitValue() == 0, out);
        symbols = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && Character.isUpperCase(f[1].charAt(0))) {
                symbols.add(f[2]);
            }
        }
        assertTrue(symbols.contains("JNI_OnLoad"), out);
    }

    @Test
    void everyExportedJniFunctionIsANativeMethodOfAShippedClass() throws ReflectiveOperationException {
        Path shipped = codeSource(Gil.class);
        int jni = 0;
        for (String symbol : symbols) {
            if (!symbol.startsWith("Java_")) {
                continue;
            }
            jni++;
            String mangled = symbol.substring("Java_".length()).replace("_1", "\u0000");
            int overload = mangled.indexOf("__");
            if (overload >= 0) {
                mangled = mangled.substring(0, overload);
            }
            int dot = mangled.lastIndexOf('_');
            String className = mangled.substring(0, dot).replace('_', '.').replace('\u0000', '_');
            String methodName = mangled.substring(dot + 1).replace('\u0000', '_');
            Class<?> owner = Class.forName(className, false, getClass().getClassLoader());
            assertEquals(shipped, codeSource(owner), symbol + ": " + className + " is not a class libjgil ships with");
            assertTrue(Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> isNative(m, methodName)),
                    symbol + ": no native method " + methodName + " in " + className);
        }
        assertTrue(jni > 0, "no JNI functions among " + symbols);
    }

    @Test
    void noTestHookIsExported() {
        Pattern testWord = Pattern.compile("(^|_)[Tt]est");
        List<String> hooks = symbols.stream()
                .filter(s -> testWord.matcher(s).find() || s.contains("Probe") && !s.startsWith("Java_org_jgil_probe_"))
                .toList();
        assertEquals(List.of(), hooks);
    }

    private static boolean isNative(Method m, String name) {
        return m.getName().equals(name) && Modifier.isNative(m.getModifiers());
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
