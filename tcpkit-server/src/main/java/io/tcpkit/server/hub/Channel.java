package io.tcpkit.server.hub;

import io.tcpkit.LogText;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The name of a room (a pub/sub channel): bytes, compared as bytes, as in Redis. {@code \xfe} and
 * {@code \xff} are two channels, and a name comes back to a client exactly as it was sent. Only
 * where people read a name is it decoded as text. Immutable.
 */
public final class Channel implements Comparable<Channel> {
    /**
     * Longest channel name accepted from a client (Redis has no limit). With
     * {@link Glob#MAX_PATTERN_BYTES} it bounds what matching one name against one pattern costs.
     */
    public static final int MAX_BYTES = 1024;

    private final byte[] name;
    private final int hash;

    private Channel(byte[] name) {
        this.name = name;
        this.hash = Arrays.hashCode(name);
    }

    /** A channel named by these bytes (copied). */
    public static Channel of(byte[] name) {
        return new Channel(name.clone());
    }

    /** {@code len} bytes of {@code b} from {@code off} (copied). */
    public static Channel of(byte[] b, int off, int len) {
        return new Channel(Arrays.copyOfRange(b, off, off + len));
    }

    /** A channel named by text (UTF-8): the chat's rooms. */
    public static Channel of(String name) {
        return new Channel(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The name. Shared: do not modify. */
    public byte[] bytes() {
        return name;
    }

    /** The name decoded as UTF-8 for people (malformed bytes become U+FFFD). */
    public String text() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Channel c && hash == c.hash && Arrays.equals(name, c.name);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Byte order (unsigned), as PUBSUB CHANNELS lists them. */
    @Override
    public int compareTo(Channel o) {
        return Arrays.compareUnsigned(name, o.name);
    }

    /** The name, escaped for a log line. */
    @Override
    public String toString() {
        return LogText.of(name);
    }
}
