package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C in the docs compiles: every {@code ```c} block of README.md and docs/*.md, and every
 * {@code ```cpp} block marked {@code <!-- compiled -->}, is compiled with gcc or g++ {@code -Wall
 * -Wextra -Werror} against native/include and the JDK's JNI headers. The C++ blocks quoted from
 * examples/vecmath are compiled by the example's own build (GuideSyncTest keeps them in step).
 *
 * <p>A block is a whole source file, after an implicit {@code #include <jgil.h>}. A fragment says
 * what surrounds it in the comment on the line before its fence: {@code <!-- compiled inside:
 * PREFIX @@ SUFFIX -->} ({@code \n} for a line break). {@code -Wno-unused-parameter}: a JNI
 * function takes {@code env} and {@code cls} whether it uses them or not (libjgil's build says so too).
 */
class DocsCompileTest {
    private static final Pattern MARK = Pattern.compile("<!-- compiled(?: inside: (.*) @@ (.*))? -->");

    record Block(Path doc, int line, boolean cxx, String prefix, String code, String suffix) {
        String where() {
            return doc + ":" + line;
        }
    }

    static List<Block> blocks(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Block> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i);
            if (!fence.equals("```c") && !fence.equals("```cpp")) {
                continue;
            }
            boolean cxx = fence.equals("```cpp");
            Matcher mark = i > 0 ? MARK.matcher(lines.get(i - 1).strip()) : MARK.matcher("");
            boolean marked = mark.matches();
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).equals("```")) {
                end++;
            }
            if (!cxx || marked) {
                String code = String.join("\n", lines.subList(i + 1, end)) + "\n";
                String prefix = marked && mark.group(1) != null ? mark.group(1).replace("\\n", "\n") : "";
                String suffix = marked && mark.group(2) != null ? mark.group(2).replace("\\n", "\n") : "";
                found.add(new Block(doc, i + 2, cxx, prefix, code, suffix));
            }
            i = end;
        }
        return found;
    }

    static List<Block> allBlocks() throws IOException {
        List<Block> all = new ArrayList<>(blocks(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                all.addAll(blocks(doc));
            }
        }
        return all;
    }

    @Test
    void everyCExampleInTheDocsCompiles(@TempDir Path dir) throws Exception {
        List<Block> blocks = allBlocks();
        long c = blocks.stream().filter(b -> !b.cxx()).count();
        // README's kernel, the guide's JNI_OnLoad, sumPositive, a native thread, two cancellable
        // kernels, cmake.md's whole extension, lab.md's critical section.
        assertTrue(c >= 8, "expected at least 8 C examples in the docs, found " + c);
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Block b : blocks) {
            Path src = dir.resolve("doc" + n++ + (b.cxx() ? ".cpp" : ".c"));
            // #line: a diagnostic names the document and the line of the block.
            String text = "#include <jgil.h>\n" + (b.cxx() ? "#include <jgil.hpp>\n" : "")
                    + b.prefix() + "\n#line " + b.line() + " \"" + b.doc() + "\"\n" + b.code() + b.suffix() + "\n";
            Files.writeString(src, text);
            List<String> cmd = new ArrayList<>(List.of(b.cxx() ? "g++" : "gcc", b.cxx() ? "-std=c++17" : "-std=gnu11",
                    "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-O2", "-c",
                    "-I", Path.of("native/include").toAbsolutePath().toString(),
                    "-I", javaHome.resolve("include").toString(),
                    "-I", javaHome.resolve("include/linux").toString(),
                    "-o", dir.resolve("doc" + n + ".o").toString(), src.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(b.where() + ": the compiler did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                failures.add(b.where() + " does not compile:\n" + out);
            }
        }
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void aMarkedFragmentIsWrapped() throws IOException {
        Path doc = Path.of("docs/lab.md");
        Block b = blocks(doc).stream().filter(x -> x.code().contains("JGIL_BEGIN_CRITICAL_SECTION"))
                .findFirst().orElseThrow();
        assertTrue(b.prefix().contains("jgil_critical.h"), b.prefix());
        assertTrue(b.suffix().strip().endsWith("}"), b.suffix());
    }
}
