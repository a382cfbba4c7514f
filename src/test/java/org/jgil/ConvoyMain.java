package org.jgil;

import java.time.Duration;
import java.util.List;
import org.jgil.lab.Convoy;

/**
 * The child of {@link ConvoyWarningTest}: the convoy experiment, short, under the policy of
 * {@code -Djgil.policy}, then a line that says it finished.
 */
public final class ConvoyMain {
    private ConvoyMain() {}

    public static void main(String[] args) throws Exception {
        Convoy.Result r = Convoy.run(Duration.ofMillis(Long.parseLong(args[0])), List.of(Convoy.IoKind.SLEEP));
        System.out.println("convoy done under " + r.policy() + ": " + r.io().get(0).opsWithCpu() + " operations");
    }
}
