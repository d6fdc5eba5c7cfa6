package io.tcpkit.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the idle connections of {@code tcpkit bench --mode idle-*} do before they go quiet, so that
 * each service's idle connection is measured in the state its users leave it in: a command client
 * after a PING, a subscriber after its SUBSCRIBE, a chat member after joining the lobby. Checked
 * byte for byte where the reply is fixed. An echo connection given a {@code --size} echoes one
 * message before it idles and one after ({@link #echoOnce}).
 */
final class IdleClients {
    static final String CHANNEL = "bench-idle";
    private static final byte[] PING = ascii("*1\r\n$4\r\nPING\r\n");
    private static final byte[] PONG = ascii("+PONG\r\n");
    private static final byte[] SUBSCRIBE = ascii("*2\r\n$9\r\nSUBSCRIBE\r\n$" + CHANNEL.length() + "\r\n" + CHANNEL + "\r\n");
    private static final byte[] SUBSCRIBED = ascii("*3\r\n$9\r\nsubscribe\r\n$" + CHANNEL.length() + "\r\n" + CHANNEL + "\r\n:1\r\n");
    /** A subscribed RESP2 client's PING is answered as a pub/sub message, as in Redis. */
    private static final byte[] SUBSCRIBED_PONG = ascii("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    /** How long the chat's join notices may keep coming before the members count as quiet. */
    private static final long QUIET_NANOS = 2_000_000_000L;

    private IdleClients() {
    }

    /** Brings the connections into the idle state the mode measures: one echo (idle), or the service's greeting. */
    static void prepare(String mode, Workload probe, List<Socket> sockets, BenchStats stats) throws InterruptedException {
        if (probe != null) {
            echoOnce(sockets, probe, 0, "before idling", stats);
        } else if (!mode.equals("idle")) {
            greet(mode, sockets, stats);
        }
    }

    /** Brings every connection into its service's idle state; errors go to {@code stats}. */
    static void greet(String mode, List<Socket> sockets, BenchStats stats) throws InterruptedException {
        for (int i = 0; i < sockets.size(); i++) {
            Socket s = sockets.get(i);
            try {
                switch (mode) {
                    case "idle-command" -> exchange(s, PING, PONG, stats);
                    case "idle-subscriber" -> exchange(s, SUBSCRIBE, SUBSCRIBED, stats);
                    case "idle-chat" -> s.getOutputStream().write(ascii("bench" + i + "\n"));
                    default -> throw new IllegalArgumentException("not an idle mode: " + mode);
                }
            } catch (IOException e) {
                stats.error("a connection failed before idling: " + e.getMessage());
            }
        }
        if (mode.equals("idle-chat")) {
            drainUntilQuiet(sockets, stats); // every join is announced to everyone already there
        }
    }

    /** After the idle time: each connection still answers (a chat member is only checked to be open). */
    static void check(String mode, List<Socket> sockets, BenchStats stats) {
        for (Socket s : sockets) {
            try {
                switch (mode) {
                    case "idle-command" -> exchange(s, PING, PONG, stats);
                    case "idle-subscriber" -> exchange(s, PING, SUBSCRIBED_PONG, stats);
                    default -> {
                        if (s.isClosed() || s.getInputStream().available() < 0) {
                            stats.error("a connection closed while idle");
                        }
                    }
                }
            } catch (IOException e) {
                stats.error("a connection failed after idling: " + e.getMessage());
            }
        }
    }

    private static void exchange(Socket s, byte[] request, byte[] expected, BenchStats stats) throws IOException {
        long sent = System.nanoTime();
        s.getOutputStream().write(request);
        byte[] reply = s.getInputStream().readNBytes(expected.length);
        if (!java.util.Arrays.equals(reply, expected)) {
            stats.error("unexpected reply: " + new String(reply, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n"));
            return;
        }
        stats.reply(System.nanoTime() - sent, reply.length);
    }

    /** Reads what the server pushes until nothing has come for {@link #QUIET_NANOS}. */
    private static void drainUntilQuiet(List<Socket> sockets, BenchStats stats) throws InterruptedException {
        byte[] sink = new byte[64 * 1024];
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET_NANOS) {
            boolean got = false;
            for (Socket s : sockets) {
                try {
                    InputStream in = s.getInputStream();
                    int n;
                    while ((n = in.available()) > 0) {
                        in.readNBytes(sink, 0, Math.min(n, sink.length));
                        got = true;
                    }
                } catch (IOException e) {
                    stats.error("a chat member failed while joining: " + e.getMessage());
                }
            }
            if (got) {
                quietSince = System.nanoTime();
            } else {
                Thread.sleep(50); // a bench pause, not a test's: nothing to await but silence
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One echo round trip on every connection, in turn, checked byte for byte; errors go to {@code stats}. */
    static void echoOnce(List<Socket> sockets, Workload probe, long seq, String when, BenchStats stats) {
        byte[] request = new byte[probe.requestBytes()];
        byte[] reply = new byte[probe.replyBytes()];
        probe.request(request, 0, seq);
        for (Socket s : sockets) {
            try {
                long sent = System.nanoTime();
                s.getOutputStream().write(request);
                if (s.getInputStream().readNBytes(reply, 0, reply.length) != reply.length
                        || !probe.replyMatches(reply, 0, seq)) {
                    stats.error("a connection did not echo " + when);
                    continue;
                }
                stats.reply(System.nanoTime() - sent, reply.length);
            } catch (IOException e) {
                stats.error("a connection failed " + when + ": " + e.getMessage());
            }
        }
    }
}
