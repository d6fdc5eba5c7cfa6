package io.tcpkit.server;

import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cross-protocol attacks: a web page makes a browser send an HTTP request to one of our ports,
 * hoping that a line of its body runs as a command (the page cannot read the reply, but it does
 * not need to). Redis closes a connection whose command is {@code POST} or {@code Host:} and logs
 * "Possible SECURITY ATTACK detected", at most once a minute; so do we, with the count of those
 * held back. Thread-safe.
 */
public final class CrossProtocol {
    /** Redis logs this at most once a minute, so that an attacker cannot flood the log. */
    public static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final String port;
    private final AtomicLong nextLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong heldBack = new AtomicLong();

    /** @param port the port as people know it ("command port"), for the log line */
    public CrossProtocol(Logger log, String port) {
        this.log = log;
        this.port = port;
    }

    /**
     * Whether {@code word}, the first word of a request, is "POST" or "Host:" (ASCII case
     * ignored; up to a NUL byte, as Redis compares it as a C string).
     */
    public static boolean isHttp(byte[] a, int start, int length) {
        int n = 0;
        while (n < length && a[start + n] != 0) {
            n++;
        }
        return asciiEquals(a, start, n, "post") || asciiEquals(a, start, n, "host:");
    }

    private static boolean asciiEquals(byte[] a, int start, int n, String lower) {
        if (n != lower.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = a[start + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a line is an HTTP request line ("GET /path HTTP/1.1"): what a browser sends first. */
    public static boolean isHttpRequestLine(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 <= sp1 + 1) {
            return false;
        }
        for (int i = 0; i < sp1; i++) {
            if (line.charAt(i) < 'A' || line.charAt(i) > 'Z') {
                return false;
            }
        }
        return line.startsWith("HTTP/", sp2 + 1);
    }

    /** Logs the attack from {@code from}, unless one was logged less than a minute ago. */
    public void report(InetSocketAddress from) {
        long now = System.nanoTime();
        long next = nextLog.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            heldBack.incrementAndGet();
            return;
        }
        long more = heldBack.getAndSet(0);
        log.warn("Possible SECURITY ATTACK detected. It looks like somebody is sending HTTP requests (POST or "
                + "Host: lines) to the {} (from {}). This is likely due to an attacker attempting to use Cross Protocol Scripting "
                + "to compromise tcpkit. Connection aborted.{}", port, format(from),
                more > 0 ? " (" + more + " more since the last report)" : "");
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
