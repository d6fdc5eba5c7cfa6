package io.tcpkit.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LineClient} that speaks the Redis protocol: sends commands as RESP arrays (as client
 * libraries do) or inline lines (as people do), and reads one whole reply at a time, either as
 * its exact bytes ({@link #reply}) or decoded ({@link #value}). Text is ISO-8859-1, one char per
 * byte, so any byte survives a round trip.
 */
public final class RespClient extends LineClient {
    /** A simple-string reply (+text). */
    public record Simple(String text) {
    }

    /** An error reply (-text). */
    public record Err(String text) {
    }

    private RespClient(Socket socket, String label) throws IOException {
        super(socket, label, StandardCharsets.ISO_8859_1);
    }

    /** Connects to 127.0.0.1:{@code port}. */
    public static RespClient connect(int port) throws IOException {
        return connect(port, "resp");
    }

    public static RespClient connect(int port, String label) throws IOException {
        return connect(port, 0, label);
    }

    /** Connects with a receive buffer of {@code receiveBufferBytes} (0: the default), set before connecting. */
    public static RespClient connect(int port, int receiveBufferBytes, String label) throws IOException {
        return new RespClient(open(null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                receiveBufferBytes), label);
    }

    /** Connects to {@code address}, from {@code source} (a loopback address such as 127.0.0.2) if not null. */
    public static RespClient connect(InetSocketAddress address, String source, String label) throws IOException {
        return new RespClient(open(source, address, 0), label);
    }

    /** A client on a socket already connected (a TLS socket, say). */
    public static RespClient over(Socket socket, String label) throws IOException {
        return new RespClient(socket, label);
    }

    /** The RESP array encoding of a command. */
    public static String encode(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append(bulk(a));
        }
        return sb.toString();
    }

    /** A bulk string: "$length", CRLF, the text, CRLF. */
    public static String bulk(String text) {
        return "$" + text.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + text + "\r\n";
    }

    @Override
    public RespClient send(String text) throws IOException {
        super.send(text);
        return this;
    }

    /** Sends a command as a RESP array. */
    public RespClient command(String... args) throws IOException {
        return send(encode(args));
    }

    /** Sends a command as a RESP array and returns its reply's exact bytes. */
    public String call(String... args) throws IOException {
        command(args);
        return reply();
    }

    /** Sends an inline command ("CLIENT LIST", as typed into telnet) and returns its reply's exact bytes. */
    public String inline(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** One whole reply (nested arrays included), exactly as sent. */
    public String reply() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        read(in, raw, label());
        return raw.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One whole reply, decoded: {@link Simple}, {@link Err}, Long, String (bulk; null for $-1),
     * or a List of those (null for *-1). RESP3: {@code _} is null, a boolean a Boolean, a double
     * a Double, a verbatim string its text with the format prefix ("txt:..."), and maps, sets and
     * pushes are Lists (a map's keys and values in turn).
     */
    public Object value() throws IOException {
        return read(in, new ByteArrayOutputStream(), label());
    }

    /** Every whole RESP value in {@code stream} (a recorded conversation), decoded as {@link #value()} does. */
    public static List<Object> values(byte[] stream) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        List<Object> values = new ArrayList<>();
        while (in.available() > 0) {
            values.add(read(in, new ByteArrayOutputStream(), "recording"));
        }
        return values;
    }

    private static Object read(InputStream in, ByteArrayOutputStream raw, String label) throws IOException {
        String line = line(in);
        raw.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
        if (!line.endsWith("\r\n")) {
            throw new AssertionError(label + ": a reply line must end with CRLF: " + show(line));
        }
        String body = line.substring(1, line.length() - 2);
        switch (line.charAt(0)) {
            case '+':
                return new Simple(body);
            case '-':
                return new Err(body);
            case ':':
                return Long.parseLong(body);
            case '_':
                return null; // RESP3's null
            case '#':
                return body.equals("t");
            case ',':
                return Double.parseDouble(body);
            case '=':
            case '$': {
                int n = Integer.parseInt(body);
                if (n < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(n + 2);
                raw.writeBytes(data);
                String text = new String(data, StandardCharsets.ISO_8859_1);
                if (data.length < n + 2 || !text.endsWith("\r\n")) {
                    throw new AssertionError(label + ": a bulk string of " + n + " bytes must end with CRLF: " + show(text));
                }
                return text.substring(0, n);
            }
            case '*':
            case '~':
            case '>':
            case '%': {
                int n = Integer.parseInt(body);
                if (n < 0) {
                    return null;
                }
                if (line.charAt(0) == '%') {
                    n *= 2; // a map reads as its keys and values in turn, as RESP2 sends it
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in, raw, label));
                }
                return items;
            }
            default:
                throw new AssertionError(label + ": not a RESP reply: " + show(line));
        }
    }

    /** One line including its LF; fails at end of stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new EOFException("end of stream " + (b.size() == 0 ? "instead of a reply" : "inside a reply: "
                + show(b.toString(StandardCharsets.ISO_8859_1))));
    }
}
