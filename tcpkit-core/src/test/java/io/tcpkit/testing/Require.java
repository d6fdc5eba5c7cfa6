package io.tcpkit.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a test needs from the machine it runs on: a program on PATH (redis-cli, haproxy, openssl,
 * kill, ...) or a capability (an IPv6 loopback). Where it is missing, the test is skipped on a
 * developer's machine, but FAILS when the environment variable {@code CI} is {@code true}: in CI
 * a skipped test would look like a pass for a suite that never ran. The message names the program
 * and the Debian package that provides it.
 */
public final class Require {
    /** The Debian package of each program the tests run, for the failure message (and .ci/run). */
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("redis-cli", "redis-tools"),
            Map.entry("redis-benchmark", "redis-tools"),
            Map.entry("redis-server", "redis-server"),
            Map.entry("haproxy", "haproxy"),
            Map.entry("openssl", "openssl"),
            Map.entry("kill", "procps"),
            Map.entry("script", "bsdutils"),
            Map.entry("stty", "coreutils"),
            Map.entry("taskset", "util-linux"),
            Map.entry("prometheus", "prometheus"),
            Map.entry("promtool", "prometheus"),
            Map.entry("chromium", "chromium"),
            Map.entry("chromedriver", "chromium-driver"),
            Map.entry("curl", "curl"),
            Map.entry("node", "nodejs"),
            Map.entry("npm", "npm"));

    private Require() {
    }

    /** Whether this run is CI's ({@code CI=true}), where nothing may be skipped. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The absolute path of {@code program}, found on PATH as a shell would find it. Missing: an
     * AssertionError under {@code CI=true}, else the test is skipped (aborted).
     */
    public static Path tool(String program) {
        Path found = onPath(program);
        if (found == null) {
            String pkg = PACKAGES.get(program);
            missing("'" + program + "' is not on PATH" + (pkg == null ? "" : " (Debian package " + pkg + ")"));
        }
        return found;
    }

    /** Requires {@code condition}, described as {@code what} ("an IPv6 loopback address"). */
    public static void that(boolean condition, String what) {
        if (!condition) {
            missing("this machine lacks " + what);
        }
    }

    /** Where {@code program} is on PATH, or null. */
    public static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null || program.contains("/")) {
            return null;
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    private static void missing(String why) {
        if (inCi()) {
            throw new AssertionError("CI=true and " + why + ": install it (see .ci/run); a CI run may not skip");
        }
        Assumptions.abort(why + " (skipped; with CI=true this fails)");
    }
}
