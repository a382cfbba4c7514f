package org.jgil;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/guide.md quotes the worked example's real code: every region marked {@code // [name]} ...
 * {@code // [/name]} in examples/vecmath (and {@code # [name]} in its CMakeLists.txt) must appear
 * in the guide verbatim.
 */
class GuideSyncTest {
    private static final Path GUIDE = Path.of("docs/guide.md");

    private static List<String[]> regions(Path file, String comment) throws IOException {
        String text = Files.readString(file);
        Pattern p = Pattern.compile(Pattern.quote(comment) + " \\[([a-z-]+)\\]\\n(.*?)" + Pattern.quote(comment)
                + " \\[/\\1\\]\\n", Pattern.DOTALL);
        Matcher m = p.matcher(text);
        List<String[]> found = new ArrayList<>();
        while (m.find()) {
            found.add(new String[] {m.group(1), m.group(2).stripTrailing()});
        }
        return found;
    }

    private static void check(Path file, String comment, int atLeast) throws IOException {
        String guide = Files.readString(GUIDE);
        List<String[]> regions = regions(file, comment);
        assertTrue(regions.size() >= atLeast, file + ": expected at least " + atLeast + " quoted regions");
        for (String[] r : regions) {
            assertTrue(guide.contains(r[1]), "docs/guide.md does not quote region [" + r[0] + "] of " + file
                    + " as it is now; update the guide");
        }
    }

    @Test
    void theGuideQuotesTheExamplesCpp() throws IOException {
        check(Path.of("examples/vecmath/src/main/cpp/vecmath.cpp"), "//", 10);
    }

    @Test
    void theGuideQuotesTheExamplesCMakeLists() throws IOException {
        check(Path.of("examples/vecmath/CMakeLists.txt"), "#", 1);
    }

    @Test
    void theGuideQuotesTheGeneratedGlueExample() throws IOException {
        check(Path.of("examples/vecmath/src/main/java/org/example/vecmath/VecMathGen.java"), "//", 1);
        check(Path.of("examples/vecmath/src/main/c/vecmath_gen.c"), "//", 1);
    }

    @Test
    void noPlaceholderIsLeft() throws IOException {
        assertFalse(Files.readString(GUIDE).contains("{{"));
    }
}
