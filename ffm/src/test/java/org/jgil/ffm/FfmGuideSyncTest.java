package org.jgil.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/ffm.md quotes the worked example's real code: each {@code // [name]} region of ManyThreads, verbatim. */
class FfmGuideSyncTest {
    @Test
    void theGuideQuotesTheExample() throws IOException {
        String guide = Files.readString(Path.of("../docs/ffm.md"));
        String example = Files.readString(Path.of("src/test/java/org/jgil/ffm/example/ManyThreads.java"));
        Matcher m = Pattern.compile("// \\[([a-z-]+)\\]\\n(.*?)\\s*// \\[/\\1\\]\\n", Pattern.DOTALL).matcher(example);
        int regions = 0;
        while (m.find()) {
            regions++;
            String code = m.group(2).stripIndent().stripTrailing();
            assertTrue(guide.contains(code), "docs/ffm.md does not quote region [" + m.group(1) + "] of "
                    + "ManyThreads.java as it is now; update the guide");
        }
        assertEquals(2, regions);
    }
}
