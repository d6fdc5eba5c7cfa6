package io.tcpkit.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test client on a real socket (plain or TLS): sends text or bytes, reads lines, exact bytes or
 * everything up to the server's end of stream, and fails (rather than hangs) when what it waits
 * for does not come within {@link #READ_TIMEOUT}. Text is UTF-8 ({@link RespClient}: ISO-8859-1,
 * so that any byte survives). Not thread-safe: one thread reads, though another may
 * {@link #send} or {@link #abort}.
 */
public class LineClient implements AutoCloseable {
    /** How long one read may wait before the test fails. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LINE = 1 << 20;

    private final Socket socket;
    private final OutputStream out;
    private final String label;
    private final Charset charset;
    /** Buffered: a line is read without a system call per byte. */
    protected final InputStream in;

    protected LineClient(Socket socket, String label, Charset charset) throws IOException {
        this.socket = socket;
        this.label = label;
        this.charset = charset;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}. */
    public static LineClient connect(int port) throws IOException {
        return connect(port, "client");
    }

    public static LineClient connect(int port, String label) throws IOException {
        return new LineClient(open(null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0), label,
                StandardCharsets.UTF_8);
    }

    /** Connects with a receive buffer of {@code receiveBufferBytes} (0: the default), set before connecting. */
    public static LineClient connect(int port, int receiveBufferBytes, String label) throws IOException {
        return new LineClient(open(null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                receiveBufferBytes), label, StandardCharsets.UTF_8);
    }

    /** Connects to {@code address}, from {@code source} (a loopback address such as 127.0.0.2) if not null. */
    public static LineClient connect(InetSocketAddress address, String source, String label) throws IOException {
        return new LineClient(open(source, address, 0), label, StandardCharsets.UTF_8);
    }

    /** A client on a socket already connected (a TLS socket, say). */
    public static LineClient over(Socket socket, String label) throws IOException {
        return new LineClient(socket, label, StandardCharsets.UTF_8);
    }

    /** A connected socket with TCP_NODELAY, bound to {@code source} if not null; closed again if connecting fails. */
    static Socket open(String source, InetSocketAddress address, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            if (source != null) {
                s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            }
            s.setTcpNoDelay(true);
            s.connect(address, (int) READ_TIMEOUT.toMillis());
            return s;
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

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Writes text as is (add the line ending yourself), in one write. */
    public LineClient send(String text) throws IOException {
        return sendBytes(text.getBytes(charset));
    }

    public LineClient sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one line ending in LF. */
    public LineClient sendLine(String line) throws IOException {
        return send(line + "\n");
    }

    /** The next line without its LF (a CR before it is kept); null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        try {
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    return line.toString(charset);
                }
                line.write(c);
                if (line.size() > MAX_LINE) {
                    throw new AssertionError(label + ": line longer than " + MAX_LINE + " bytes");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": no complete line within " + READ_TIMEOUT.toMillis()
                    + " ms; partial line: " + show(line.toString(charset)), e);
        }
        if (line.size() > 0) {
            throw new AssertionError(label + ": stream ended inside a line: " + show(line.toString(charset)));
        }
        return null;
    }

    /** Reads the next line and checks it is exactly {@code expected}. */
    public LineClient expectLine(String expected) throws IOException {
        String line = readLine();
        if (!expected.equals(line)) {
            throw new AssertionError(label + ": expected line " + show(expected) + " but got "
                    + (line == null ? "end of stream" : show(line)));
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
    public List<String> readLinesToEnd(int maxLines) throws IOException {
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

    /** Exactly {@code n} bytes; fails on a shorter stream. */
    public byte[] readExactly(int n) throws IOException {
        byte[] b;
        try {
            b = in.readNBytes(n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": timed out waiting for " + n + " bytes", e);
        }
        if (b.length < n) {
            throw new EOFException(label + ": end of stream after " + b.length + " of " + n + " bytes: "
                    + show(new String(b, charset)));
        }
        return b;
    }

    /** Reads exactly the bytes of {@code expected} and checks them. */
    public LineClient expectBytes(String expected) throws IOException {
        byte[] want = expected.getBytes(charset);
        byte[] got;
        try {
            got = in.readNBytes(want.length);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": timed out waiting for " + show(expected), e);
        }
        String gotText = new String(got, charset);
        if (!expected.equals(gotText)) {
            throw new AssertionError(label + ": expected " + show(expected) + " but got " + show(gotText));
        }
        return this;
    }

    /**
     * Everything the server sends until its end of stream; fails if it keeps the connection open
     * past the read timeout, or resets it.
     */
    public String readToEnd() throws IOException {
        try {
            return new String(in.readAllBytes(), charset);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": the server did not close within " + READ_TIMEOUT.toMillis() + " ms", e);
        }
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
                    + show((char) c + new String(rest, 0, Math.max(n, 0), charset)));
        }
    }

    /** Reads and discards until end of stream or a reset; true if that came within the read timeout. */
    public boolean awaitClosedByServer() {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset, or closed here already
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

    /** Text in quotes with CR and LF made visible, for failure messages. */
    public static String show(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    private static String tail(List<String> lines) {
        return lines.size() <= 10 ? lines.toString()
                : lines.size() + " lines, last " + lines.subList(lines.size() - 10, lines.size());
    }
}
