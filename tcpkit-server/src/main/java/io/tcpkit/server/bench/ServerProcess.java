package io.tcpkit.server.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server process under test, read from /proc on Linux: CPU time (user + system, fields 14 and
 * 15 of /proc/PID/stat, in clock ticks) and resident memory (VmRSS). It can be found by the
 * address it listens on, which tells two servers apart where a process name cannot.
 */
record ServerProcess(long pid) {
    /** The state of a listening socket in /proc/net/tcp. */
    private static final String LISTEN = "0A";
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
            return liveBytes(Files.readAllLines(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * The histogram's total less the collector's filler arrays ({@code jdk.internal.vm.FillerElement[]}):
     * dead space G1 pads regions with, which a histogram lists as if it were an object; with 2,000
     * chat members it was half of what the total said. Null if there is no total.
     */
    static Long liveBytes(java.util.List<String> histogram) {
        long fillers = 0;
        for (String line : histogram) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].startsWith("[Ljdk.internal.vm.FillerElement")) {
                fillers += Long.parseLong(f[2]);
            } else if (f.length == 3 && f[0].equals("Total")) {
                return Long.parseLong(f[2]) - fillers;
            }
        }
        return null;
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

    /**
     * The process that listens on {@code target} (its port, on its address or on every address),
     * from the listening sockets in /proc/net/tcp and tcp6 and the descriptors in /proc/PID/fd;
     * empty if none does, or it is another user's and we may not look.
     */
    static OptionalLong listeningOn(InetSocketAddress target) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals(LISTEN) || !f[1].contains(":")) {
                    continue;
                }
                String[] local = f[1].split(":");
                InetAddress address = address(local[0]);
                if (Integer.parseInt(local[1], 16) == target.getPort() && address != null
                        && (address.isAnyLocalAddress() || address.equals(target.getAddress()))) {
                    inodes.add("socket:[" + f[9] + "]");
                }
            }
        }
        if (inodes.isEmpty()) {
            return OptionalLong.empty();
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                            return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException e) {
                    // Gone meanwhile, or another user's: not ours to measure anyway.
                }
            }
        }
        return OptionalLong.empty();
    }

    /** An address as /proc/net/tcp writes it: hex, in 32-bit words of the host's byte order. */
    private static InetAddress address(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            for (int word = 0; word + 3 < bytes.length; word += 4) {
                for (int i = 0; i < 2; i++) {
                    byte b = bytes[word + i];
                    bytes[word + i] = bytes[word + 3 - i];
                    bytes[word + 3 - i] = b;
                }
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // neither 4 nor 16 bytes: not a line of these tables
        }
    }
}
