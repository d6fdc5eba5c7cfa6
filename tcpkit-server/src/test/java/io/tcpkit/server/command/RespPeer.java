package io.tcpkit.server.command;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test client of the command protocol on a loopback socket: sends RESP arrays or raw bytes, and
 * reads replies either byte for byte ({@link #expect}) or one whole RESP reply at a time
 * ({@link #reply}, exact bytes; {@link #value}, decoded). Text is ISO-8859-1 so any byte survives.
 */
final class RespPeer implements AutoCloseable {
    /** Longest any single read may block: a test fails rather than hangs. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** A simple-string reply (+text). */
    record Simple(String text) {
    }

    /** An error reply (-text). */
    record Err(String text) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A peer over a socket connected already (from a chosen local address, say). */
    static RespPeer wrap(Socket socket) throws IOException {
        return new RespPeer(socket);
    }

    static RespPeer connect(int port) throws IOException {
        return new RespPeer(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    Socket socket() {
        return socket;
    }

    int localPort() {
        return socket.getLocalPort();
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Writes the bytes as they are, in one write. */
    RespPeer send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    RespPeer send(String latin1Text) throws IOException {
        return send(latin1(latin1Text));
    }

    /** The RESP array encoding of a command. */
    static String encode(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(latin1(a).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    /** Sends a command as a RESP array (as every client library does). */
    RespPeer command(String... args) throws IOException {
        return send(encode(args));
    }

    /** Sends a command and returns its reply's exact bytes. */
    String call(String... args) throws IOException {
        command(args);
        return reply();
    }

    /** Reads exactly as many bytes as {@code expected} has and asserts they are those bytes. */
    void expect(String expected) throws IOException {
        byte[] got = in.readNBytes(latin1(expected).length);
        assertThat(latin1(got)).isEqualTo(expected);
    }

    /** One whole reply (nested arrays included), exactly as sent. */
    String reply() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        readReply(in, raw);
        return latin1(raw.toByteArray());
    }

    /**
     * One whole reply, decoded: {@link Simple}, {@link Err}, Long, String (bulk; null for $-1),
     * or a List of those (null for *-1).
     */
    Object value() throws IOException {
        return readReply(in, new ByteArrayOutputStream());
    }

    /** Every whole RESP value in {@code stream} (a recorded conversation), decoded as {@link #value()} does. */
    static List<Object> values(byte[] stream) throws IOException {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(stream);
        List<Object> values = new ArrayList<>();
        while (in.available() > 0) {
            values.add(readReply(in, new ByteArrayOutputStream()));
        }
        return values;
    }

    private static Object readReply(InputStream in, ByteArrayOutputStream raw) throws IOException {
        String line = line(in);
        raw.writeBytes(latin1(line));
        assertThat(line).as("a reply line ends with CRLF").endsWith("\r\n");
        String body = line.substring(1, line.length() - 2);
        switch (line.charAt(0)) {
            case '+':
                return new Simple(body);
            case '-':
                return new Err(body);
            case ':':
                return Long.parseLong(body);
            case '$': {
                int n = Integer.parseInt(body);
                if (n < 0) {
                    return null;
                }
                byte[] data = readExactly(in, n + 2);
                raw.writeBytes(data);
                assertThat(latin1(data)).as("a bulk string ends with CRLF").endsWith("\r\n");
                return latin1(data).substring(0, n);
            }
            case '*': {
                int n = Integer.parseInt(body);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(readReply(in, raw));
                }
                return items;
            }
            default:
                throw new AssertionError("not a RESP reply: " + line);
        }
    }

    /** One line including its LF (empty string at end of stream). */
    String line() throws IOException {
        return line(in);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return latin1(b.toByteArray());
    }

    byte[] readExactly(int n) throws IOException {
        return readExactly(in, n);
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("end of stream after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** Everything the server sends until it closes (fails if it does not close within the read timeout). */
    String readToEnd() throws IOException {
        return latin1(in.readAllBytes());
    }

    /**
     * Whether the server closes the connection (end of stream or reset) within the read timeout,
     * discarding anything it sends first.
     */
    boolean closedByServer() {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
