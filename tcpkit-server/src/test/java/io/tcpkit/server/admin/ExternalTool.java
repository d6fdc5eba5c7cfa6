package io.tcpkit.server.admin;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;

/**
 * An outside program a test needs (promtool, prometheus, chromium). Missing, the test is skipped on
 * a developer's machine and fails in CI ({@code CI=true}), where {@code .ci/run} installs it: a
 * check that quietly stops running is worse than none.
 */
final class ExternalTool {
    private ExternalTool() {
    }

    /** The first of {@code paths} that is executable; skips or fails (in CI) when there is none. */
    static Path require(String name, String debianPackage, String... paths) {
        for (String p : paths) {
            Path path = Path.of(p);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        String why = name + " is not installed (apt-get install " + debianPackage + ")";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + ": CI must run this test");
        }
        Assumptions.abort(why);
        throw new AssertionError("unreachable");
    }
}
