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
import java.time.Duration;

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

    /** Waits until there are at most {@code max} open descriptors; a failure says what is open. */
    public static void awaitOpenFilesAtMost(String what, Duration timeout, long max) {
        try {
            Await.until(what, timeout, () -> openFiles() <= max);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": expected at most " + max + " open descriptors, "
                    + describeOpenFiles());
        }
    }

    /** The open descriptors of this process counted by kind ("socket", "pipe", a file name...). */
    public static String describeOpenFiles() {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            files.forEach(fd -> {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString().replaceAll(":\\[\\d+]$", "");
                } catch (IOException e) {
                    target = "(closed while listing)";
                }
                kinds.merge(target, 1, Integer::sum);
            });
        } catch (IOException e) {
            return "cannot list /proc/self/fd: " + e;
        }
        return kinds.values().stream().mapToInt(Integer::intValue).sum() + " open: " + kinds;
    }

    /** Open file descriptors of this process. */
    public static long openFiles() {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Live platform threads whose names start with {@code prefix}. */
    public static long platformThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }
}
