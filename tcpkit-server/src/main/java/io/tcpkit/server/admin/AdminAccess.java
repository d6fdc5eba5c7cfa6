package io.tcpkit.server.admin;

import com.sun.net.httpserver.HttpExchange;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may do what on the admin listener.
 * <ul>
 * <li><b>Reading</b> (metrics, health, listings): anyone who can reach the listener, which binds to
 *     loopback by default. On a loopback listener the {@code Host} header must name loopback
 *     (an IP literal or {@code localhost}), so a web page cannot read it through DNS rebinding.</li>
 * <li><b>Acting</b> (kill, profiling, thread dumps): without {@code --admin-token}, clients on
 *     loopback only; with it, whoever sends {@code Authorization: Bearer TOKEN} (compared in
 *     constant time), from anywhere, loopback included. Requests a browser marks as coming from
 *     another site ({@code Sec-Fetch-Site}, {@code Origin}) are refused, so a page the operator
 *     opens cannot act through the operator's browser.</li>
 * </ul>
 */
final class AdminAccess {
    private final byte[] tokenDigest;
    private final boolean loopbackListener;

    /** @param token the admin token, or null for loopback-only actions */
    AdminAccess(String token, boolean loopbackListener) {
        this.tokenDigest = token == null ? null : sha256(token);
        this.loopbackListener = loopbackListener;
    }

    /** Whether the Host header is acceptable (see the class comment). */
    boolean hostAllowed(HttpExchange exchange) {
        if (!loopbackListener) {
            return true;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return true; // HTTP/1.0 clients; a browser always sends one
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && isIpLiteral(host.substring(1, end));
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        return name.equals("localhost") || isIpLiteral(name);
    }

    /** Null if the request may act; otherwise why not. */
    String refusal(HttpExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "cross-site requests may not act";
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
            return "cross-origin requests may not act";
        }
        if (tokenDigest != null) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return "an admin token is required (Authorization: Bearer TOKEN)";
            }
            return MessageDigest.isEqual(tokenDigest, sha256(auth.substring(7).strip())) ? null : "wrong admin token";
        }
        InetAddress from = exchange.getRemoteAddress().getAddress();
        return from != null && from.isLoopbackAddress() ? null
                : "only loopback clients may act (or set --admin-token)";
    }

    boolean tokenRequired() {
        return tokenDigest != null;
    }

    private static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }

    /** Digests make the comparison constant-time whatever the lengths. */
    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
