package io.tcpkit.server.hub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test client on a real loopback socket: sends text, reads lines or exact bytes, and fails
 * (rather than hangs) when what it waits for does not come within its read timeout. Not
 * thread-safe: one thread reads, though another may {@link #send} or {@link #abort}.
 */
public final class Peer implements AutoCloseable {
    /** How long one read may wait before the test fails. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINE = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String label;

    private Peer(Socket socket, String label) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
        this.label = label;
    }

    public static Peer connect(int port) throws IOException {
        return connect(port, 0, "peer");
    }

    public static Peer connect(int port, String label) throws IOException {
        return connect(port, 0, label);
    }

    /** Connects with a receive buffer of {@code receiveBufferBytes} (0: the default), set before connecting. */
    public static Peer connect(int port, int receiveBufferBytes, String label) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) READ_TIMEOUT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
            return new Peer(s, label);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    public String label() {
        return label;
    }

    /** Writes text as UTF-8, as is (add the line ending yourself). */
    public Peer send(String text) throws IOException {
        return sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public Peer sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one line ending in LF. */
    public Peer sendLine(String line) throws IOException {
        return send(line + "\n");
    }

    /** Sends a command as a RESP array of bulk strings, as redis-cli does. */
    public Peer sendCommand(String... args) throws IOException {
        return sendBytes(resp(args));
    }

    public static byte[] resp(String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The next line as UTF-8 without its LF (a CR before it is kept); null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        try {
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(c);
                if (line.size() > MAX_LINE) {
                    throw new AssertionError(label + ": line longer than " + MAX_LINE + " bytes");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": no complete line within " + READ_TIMEOUT.toMillis()
                    + " ms; partial line: '" + line.toString(StandardCharsets.UTF_8) + "'", e);
        }
        if (line.size() > 0) {
            throw new AssertionError(label + ": stream ended inside a line: '" + line.toString(StandardCharsets.UTF_8) + "'");
        }
        return null;
    }

    /** Reads the next line and checks it is exactly {@code expected}. */
    public Peer expectLine(String expected) throws IOException {
        String line = readLine();
        if (!expected.equals(line)) {
            throw new AssertionError(label + ": expected line '" + expected + "' but got "
                    + (line == null ? "end of stream" : "'" + line + "'"));
        }
        return this;
    }

    /** Reads lines until one matches; fails at end of stream, after {@code maxLines}, or on timeout. */
    public String readUntil(Predicate<String> wanted, int maxLines) throws IOException {
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < maxLines; i++) {
            String line = readLine();
            if (line == null) {
                throw new AssertionError(label + ": end of stream before the expected line; read " + tail(skipped));
            }
            if (wanted.test(line)) {
                return line;
            }
            skipped.add(line);
        }
        throw new AssertionError(label + ": no expected line within " + maxLines + " lines; read " + tail(skipped));
    }

    /** Reads lines up to end of stream (at most {@code maxLines}). */
    public List<String> readToEnd(int maxLines) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = readLine()) != null) {
            lines.add(line);
            if (lines.size() > maxLines) {
                throw new AssertionError(label + ": more than " + maxLines + " lines before end of stream");
            }
        }
        return lines;
    }

    /** Reads exactly {@code n} bytes (fails on end of stream or timeout). */
    public byte[] readBytes(int n) throws IOException {
        byte[] got = in.readNBytes(n);
        if (got.length < n) {
            throw new AssertionError(label + ": end of stream after " + got.length + " of " + n + " bytes");
        }
        return got;
    }

    /** Reads exactly the bytes of {@code expected} (UTF-8) and checks them. */
    public Peer expectBytes(String expected) throws IOException {
        byte[] want = expected.getBytes(StandardCharsets.UTF_8);
        byte[] got;
        try {
            got = in.readNBytes(want.length);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": timed out waiting for " + show(expected), e);
        }
        String gotText = new String(got, StandardCharsets.UTF_8);
        if (!expected.equals(gotText)) {
            throw new AssertionError(label + ": expected " + show(expected) + " but got " + show(gotText));
        }
        return this;
    }

    /** Checks the server closed the connection cleanly with nothing more to read. */
    public void expectEof() throws IOException {
        int c;
        try {
            c = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": connection still open after " + READ_TIMEOUT.toMillis() + " ms", e);
        }
        if (c >= 0) {
            byte[] rest = new byte[Math.min(in.available(), 200)];
            int n = in.read(rest);
            throw new AssertionError(label + ": expected end of stream but got "
                    + show((char) c + new String(rest, 0, Math.max(n, 0), StandardCharsets.UTF_8)));
        }
    }

    /** Reads and discards until end of stream (or a reset); true if it came within the timeout. */
    public boolean awaitClosedByServer() {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            return true;
        }
    }

    /** Closes abruptly: the kernel sends RST, not FIN. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return label;
    }

    /** Text with CR and LF made visible, for failure messages. */
    public static String show(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    private static String tail(List<String> lines) {
        return lines.size() <= 10 ? lines.toString()
                : lines.size() + " lines, last " + lines.subList(lines.size() - 10, lines.size());
    }
}
