package io.tcpkit.testing;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionHandler;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.ReadBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One-liners for engine tests on raw loopback sockets (unbuffered, byte-exact, so they mix with
 * any other read of the same socket), the handlers they serve, and what a run leaves behind
 * (descriptors, threads). A conversation is easier with a {@link LineClient}.
 */
public final class Net {
    /** Echo, as the echo service does it. */
    public static final ConnectionHandler ECHO = conn -> {
        ReadBuffer in = conn.input();
        while (in.fill() > 0) {
            conn.write(in.array(), in.readIndex(), in.readable());
            in.skip(in.readable());
        }
    };

    /** Writes back every line it reads, as "line\n". */
    public static final ConnectionHandler LINE_ECHO = conn -> {
        String line;
        while ((line = conn.lines().readLine()) != null) {
            conn.write(line + "\n");
        }
    };

    /** The state codes of /proc/net/tcp, by name. */
    private static final Map<String, String> TCP_STATES = Map.ofEntries(Map.entry("01", "ESTABLISHED"),
            Map.entry("02", "SYN_SENT"), Map.entry("03", "SYN_RECV"), Map.entry("04", "FIN_WAIT1"),
            Map.entry("05", "FIN_WAIT2"), Map.entry("06", "TIME_WAIT"), Map.entry("07", "CLOSE"),
            Map.entry("08", "CLOSE_WAIT"), Map.entry("09", "LAST_ACK"), Map.entry("0A", "LISTEN"),
            Map.entry("0B", "CLOSING"));

    private Net() {
    }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Connects from a chosen loopback source address (127.0.0.2, say) to 127.0.0.1. */
    public static Socket connectFrom(String sourceAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    public static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** Reads exactly n bytes as ISO-8859-1 text (fails on a short stream). */
    public static String read(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        if (b.length < n) {
            throw new IOException("stream ended after " + b.length + " of " + n + " bytes: "
                    + new String(b, StandardCharsets.ISO_8859_1));
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * Everything until a clean end of stream, as ISO-8859-1 text; fails (with what came) if the
     * server keeps the connection open past the socket timeout. A reset is an IOException.
     */
    public static String readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            s.getInputStream().transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + s.getSoTimeout() + " ms; got: "
                    + got.toString(StandardCharsets.ISO_8859_1), e);
        }
    }

    /**
     * What the server sent before it closed the connection, cleanly or with a reset (when a
     * reset may overtake the last bytes and either is an answer); fails if it stays open past the
     * socket timeout.
     */
    public static byte[] readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + s.getSoTimeout() + " ms; got: "
                    + got.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset: what came before it counts
        }
        return got.toByteArray();
    }

    /** Writes {@code text} (UTF-8) and reads back exactly as many bytes. */
    public static String roundTrip(Socket s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(b.length);
        return new String(back, StandardCharsets.UTF_8);
    }

    /** How many connections of the server have closed for this reason so far. */
    public static long closed(TcpServer server, CloseReason reason) {
        return server.stats().closed().getOrDefault(reason, 0L);
    }

    /** Reads one line (up to and including LF) as UTF-8; null at end of stream. */
    public static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** Reads until end of stream; true if the stream ended (EOF or reset) within the socket timeout. */
    public static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /**
     * This process's open TCP sockets whose local port is {@code port}, by state ("LISTEN",
     * "ESTABLISHED", "CLOSE_WAIT", ...): a server's listener and the connections it accepted, and
     * nothing else in the JVM (its clients' sockets have that port as their remote one). Counts
     * descriptors, so a socket closed here is gone even while the kernel keeps its TIME_WAIT.
     * Linux: from /proc/self/fd and /proc/net/tcp{,6}.
     */
    public static Map<String, Integer> socketsOnPort(int port) {
        Set<String> mine = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listing: not open
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
        Map<String, Integer> states = new TreeMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue; // no IPv6 here
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String local = f[1];
                int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                if (localPort == port && mine.contains(f[9])) {
                    states.merge(TCP_STATES.getOrDefault(f[3], f[3]), 1, Integer::sum);
                }
            }
        }
        return states;
    }

    /** Waits until exactly {@code expected} sockets of this process have local port {@code port}; a failure lists them. */
    public static void awaitSocketsOnPort(String what, int port, int expected) {
        try {
            Await.until(what, () -> count(socketsOnPort(port)) == expected);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": expected " + expected + " sockets on port " + port
                    + ", open: " + socketsOnPort(port), e);
        }
    }

    private static int count(Map<String, Integer> states) {
        return states.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Live platform threads of the listener of {@code service} ("tcpkit-accept-SERVICE-PORT",
     * "tcpkit-reactor-SERVICE-PORT"...), by name; give each server in a
     * test its own service name so that no other test's threads are counted.
     */
    public static List<String> threadsOf(String service) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("tcpkit-") && (n.endsWith("-" + service) || n.contains("-" + service + "-")))
                .sorted()
                .toList();
    }
}
