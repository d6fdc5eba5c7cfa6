package io.tcpkit.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The server process under test, read from /proc on Linux: CPU time (user + system, fields 14 and
 * 15 of /proc/PID/stat, in clock ticks) and resident memory (VmRSS).
 */
record ServerProcess(long pid) {
    /** Clock ticks per second; 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final long JCMD_TIMEOUT_SECONDS = 30;

    /** CPU seconds used so far. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may contain spaces: split after it.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /**
     * Live Java heap in bytes after a full GC (what {@code jcmd PID GC.class_histogram} totals),
     * using the jcmd beside the server's own java; null when the server is not a JVM, is this
     * very process (its heap would hold the generator's own), or does not answer in time.
     */
    Long liveHeapBytes() throws IOException, InterruptedException {
        if (pid == ProcessHandle.current().pid()) {
            return null;
        }
        Path exe;
        try {
            exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
        } catch (IOException e) {
            return null;
        }
        Path jcmd = exe.resolveSibling("jcmd");
        if (!exe.getFileName().toString().equals("java") || !Files.isExecutable(jcmd)) {
            return null;
        }
        Path out = Files.createTempFile("tcpkit-bench-jcmd", ".txt");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            for (String line : Files.readAllLines(out)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("Total")) {
                    return Long.parseLong(f[2]);
                }
            }
            return null;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Resident set size in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }
}
