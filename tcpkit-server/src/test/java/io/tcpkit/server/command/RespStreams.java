package io.tcpkit.server.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;

/**
 * For differential tests: sends request bytes to a server and reads everything up to its close,
 * and masks the values that differ between servers by nature (ids, ages, addresses) in a reply
 * stream, walking it as RESP2 and RESP3 frames so that lengths stay right.
 */
final class RespStreams {
    private RespStreams() {
    }

    /**
     * Sends the chunks (each in its own write, with TCP_NODELAY, so a server may well read them
     * apart), half-closes, and reads up to the server's close; a reset reads as "&lt;reset&gt;".
     */
    static String exchange(int port, List<byte[]> chunks) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            try {
                for (byte[] chunk : chunks) {
                    s.getOutputStream().write(chunk);
                    s.getOutputStream().flush();
                }
                s.shutdownOutput();
            } catch (SocketException e) {
                // The server closed (after QUIT, or a protocol error) before it had all: read what it said.
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketException e) {
                got.writeBytes("<reset>".getBytes(StandardCharsets.US_ASCII));
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The stream with each bulk or verbatim string's text passed through {@code bulk} (its length
     * rewritten) and each integer through {@code integer}, both given the bulk string just before
     * (a map's key: "id" in HELLO's reply) and the value. What does not parse is kept as it is.
     */
    static String mask(String stream, BiFunction<String, String, String> bulk, BiFunction<String, String, String> integer) {
        StringBuilder out = new StringBuilder();
        String previous = "";
        int i = 0;
        while (i < stream.length()) {
            int eol = stream.indexOf("\r\n", i);
            char type = stream.charAt(i);
            if (eol < 0 || "+-:$*%~>_#,=|!".indexOf(type) < 0) {
                out.append(stream, i, stream.length());
                break;
            }
            String header = stream.substring(i + 1, eol);
            if (type == '$' || type == '=' || type == '!') {
                int n;
                try {
                    n = Integer.parseInt(header);
                } catch (NumberFormatException e) {
                    out.append(stream, i, stream.length());
                    break;
                }
                if (n < 0) {
                    out.append(stream, i, eol + 2);
                    i = eol + 2;
                    continue;
                }
                if (eol + 2 + n + 2 > stream.length()) {
                    out.append(stream, i, stream.length());
                    break;
                }
                String text = stream.substring(eol + 2, eol + 2 + n);
                String masked = bulk.apply(previous, text);
                out.append(type).append(masked.length()).append("\r\n").append(masked).append("\r\n");
                previous = text;
                i = eol + 2 + n + 2;
            } else {
                if (type == ':') {
                    out.append(':').append(integer.apply(previous, header)).append("\r\n");
                } else {
                    out.append(stream, i, eol + 2);
                }
                if (type != '%' && type != '*') {
                    previous = "";
                }
                i = eol + 2;
            }
        }
        return out.toString();
    }
}
