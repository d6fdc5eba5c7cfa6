package io.tcpkit.server.bench;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fan-out over the Redis protocol: subscribers SUBSCRIBE to one room, publishers PUBLISH to it in
 * a closed loop (each waits for its ":receivers" reply, which counts subscribers, before the
 * next). Subscribers check every message frame byte for byte and count deliveries; latency is
 * from publish to delivery at each subscriber. Works against tcpkit's command protocol and
 * redis-server alike.
 */
final class PubSubLoad {
    static final String ROOM = "tcpkit-bench";

    private PubSubLoad() {
    }

    static byte[] subscribe() {
        return resp("SUBSCRIBE", ROOM);
    }

    static byte[] confirmation() {
        return ("*3\r\n$9\r\nsubscribe\r\n$" + ROOM.length() + "\r\n" + ROOM + "\r\n:1\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A payload that carries its publish time: 16 hex digits of System.nanoTime(), padded to {@code size}. */
    static byte[] payload(long nanos, int size) {
        byte[] p = new byte[Math.max(16, size)];
        String hex = String.format("%016x", nanos);
        for (int i = 0; i < p.length; i++) {
            p[i] = i < 16 ? (byte) hex.charAt(i) : (byte) 'x';
        }
        return p;
    }

    static byte[] resp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** What every message frame of a run begins with, up to its payload. */
    static byte[] messagePrefix(int size) {
        return ("*3\r\n$7\r\nmessage\r\n$" + ROOM.length() + "\r\n" + ROOM + "\r\n$" + Math.max(16, size) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A subscriber on a thread of its own (TLS; plain ones share a {@link SubscriberLoop}): after its confirmation, reads message frames until the socket closes or times out. */
    static void subscriber(Socket socket, int size, BenchStats stats, long stopNanos) {
        byte[] prefix = messagePrefix(size);
        int frame = prefix.length + Math.max(16, size) + 2;
        byte[] in = new byte[Math.max(64 * 1024, frame * 4)];
        int filled = 0;
        try {
            InputStream input = socket.getInputStream();
            while (System.nanoTime() - stopNanos < 0) {
                int n = input.read(in, filled, in.length - filled);
                if (n < 0) {
                    stats.error("server closed a subscriber");
                    return;
                }
                filled += n;
                int pos = frames(in, filled, prefix, frame, System.nanoTime(), stats, null);
                if (pos < 0) {
                    return;
                }
                System.arraycopy(in, pos, in, 0, filled - pos);
                filled -= pos;
            }
        } catch (java.net.SocketTimeoutException e) {
            // The run ended and nothing more came.
        } catch (IOException e) {
            if (System.nanoTime() - stopNanos < 0) {
                stats.error(e.toString());
            }
        }
    }

    /**
     * Checks and counts the whole message frames at the start of {@code b} (its first {@code
     * filled} bytes), each byte for byte against the run's {@code prefix} and CRLF, its latency
     * from the publish time it carries to {@code now}. Returns the bytes they took (what is left
     * is the start of a frame still arriving), or -1 after reporting a frame that differs. The
     * shared counters are updated once per call, not per frame: at millions of frames a second
     * the generator's own cost per frame decides how fast it can read (it has one core). With
     * {@code own} (a histogram of the calling thread's, see {@link BenchStats#latencies}) the
     * latencies go there; else to the shared recorder.
     */
    static int frames(byte[] b, int filled, byte[] prefix, int frame, long now, BenchStats stats, Histogram own) {
        int pos = 0;
        int frames = 0;
        boolean measuring = stats.measuring();
        while (filled - pos >= frame) {
            long sent = hex16(b, pos + prefix.length);
            if (sent == -1 || !Arrays.equals(b, pos, pos + prefix.length, prefix, 0, prefix.length)
                    || b[pos + frame - 2] != '\r' || b[pos + frame - 1] != '\n') {
                stats.error("a message frame differs from what was published");
                return -1;
            }
            if (own == null) {
                stats.latency(now - sent);
            } else if (measuring) {
                own.recordValue(BenchStats.recordable(now - sent));
            }
            frames++;
            pos += frame;
        }
        stats.replies(frames, frame);
        return pos;
    }

    /** Eight bytes of an array as a long, the first in the lowest byte. */
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;

    /**
     * The 16 lower-case hex digits at {@code at} (a publish time, see {@link #payload}), or -1 if
     * they are not that. Eight digits at a time in one long (the subscriber loop parses one per
     * delivery, millions a second, on the generator's one core): each byte's value is its low
     * nibble, plus 9 for a letter (bit 6 set); a byte is a digit if that value is at most 15 and
     * writes back to the same character.
     */
    static long hex16(byte[] b, int at) {
        long high = hex8((long) LONG_LE.get(b, at));
        long low = hex8((long) LONG_LE.get(b, at + 8));
        return (high | low) < 0 ? -1 : high << 32 | low;
    }

    /** Eight hex digits (the first in the lowest byte) as their value, or -1. */
    private static long hex8(long chars) {
        long n = (chars & 0x0F0F0F0F0F0F0F0FL) + 9 * ((chars >>> 6) & ONES); // each byte 0..24
        long letter = ((n + 6 * ONES) >>> 4) & ONES; // 1 where the value is 10 or more
        long back = n + 0x30 * ONES + 39 * letter; // '0' + n, or 'a' + n - 10
        if (back != chars || ((n + 0x70 * ONES) & 0x80 * ONES) != 0) {
            return -1;
        }
        // The first digit is the most significant: pair, then quad, then all eight.
        long v = (n << 4 | n >>> 8) & 0x00FF00FF00FF00FFL;
        v = (v << 8 | v >>> 16) & 0x0000FFFF0000FFFFL;
        return (v << 16 | v >>> 32) & 0xFFFFFFFFL;
    }

    /**
     * A publisher, the {@code index}th: PUBLISH, wait for the receiver count, repeat until the stop
     * time; each answered PUBLISH is counted for it (how evenly the server serves its publishers).
     *
     * @param subscribers the reply each PUBLISH must get, or -1 for any integer (the subscribers are
     *                    on other instances, and PUBLISH counts its own instance's receivers)
     */
    static void publisher(Socket socket, int index, int size, int subscribers, BenchStats stats, long stopNanos) {
        byte[] head = ("*3\r\n$7\r\nPUBLISH\r\n$" + ROOM.length() + "\r\n" + ROOM + "\r\n$" + Math.max(16, size) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] expected = (":" + subscribers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            while (System.nanoTime() - stopNanos < 0) {
                byte[] payload = payload(System.nanoTime(), size);
                byte[] request = new byte[head.length + payload.length + 2];
                System.arraycopy(head, 0, request, 0, head.length);
                System.arraycopy(payload, 0, request, head.length, payload.length);
                request[request.length - 2] = '\r';
                request[request.length - 1] = '\n';
                out.write(request);
                byte[] reply = subscribers < 0 ? integerLine(in) : in.readNBytes(expected.length);
                if (subscribers < 0 ? reply == null : !Arrays.equals(reply, expected)) {
                    stats.error("PUBLISH replied " + (reply == null ? "no integer" : new String(reply, StandardCharsets.US_ASCII).strip())
                            + ", expected " + (subscribers < 0 ? "an integer" : new String(expected, StandardCharsets.US_ASCII).strip()));
                    return;
                }
                stats.published(index);
            }
        } catch (IOException e) {
            stats.error(e.toString());
        }
    }

    /** An integer reply (":123" CRLF) read whole, or null if the reply is something else. */
    private static byte[] integerLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && line.size() < 24) {
            line.write(c);
            if (c == '\n') {
                return line.toString(StandardCharsets.US_ASCII).matches(":[0-9]+\r\n") ? line.toByteArray() : null;
            }
        }
        return null;
    }

    /** Subscribes every socket and checks each confirmation. */
    static void subscribeAll(List<Socket> sockets) throws IOException {
        byte[] request = subscribe();
        byte[] expected = confirmation();
        for (Socket s : sockets) {
            s.getOutputStream().write(request);
        }
        for (Socket s : sockets) {
            byte[] got = s.getInputStream().readNBytes(expected.length);
            if (!Arrays.equals(got, expected)) {
                throw new IOException("unexpected SUBSCRIBE reply: " + new String(got, StandardCharsets.US_ASCII));
            }
        }
    }
}
