package org.jgil.ext;

import java.nio.file.Path;
import org.jgil.Gil;
import org.jgil.SiteStats;

/**
 * Child of {@link GlueProcessorTest}: loads the generated Kern (classes directory, library) in a JVM
 * started with {@code -Djgil.stats=true}, calls {@code dot} many times and prints the sites that
 * the statistics name.
 */
public final class GlueStatsMain {
    private GlueStatsMain() {}

    public static void main(String[] args) throws Throwable {
        Class<?> kern = GlueFixture.load(Path.of(args[0]), "org.jgil.gentest.Kern", "kern", Path.of(args[1]));
        double[] a = {1, 2, 3};
        Gil.acquire();
        try {
            for (int i = 0; i < 10_000; i++) {
                GlueFixture.invoke(kern, "dot", a, a);
            }
        } finally {
            Gil.release();
        }
        for (SiteStats s : Gil.siteStats()) {
            System.out.println("site " + s.site() + " " + s.sampledCalls());
        }
    }
}
