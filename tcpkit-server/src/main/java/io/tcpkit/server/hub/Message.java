package io.tcpkit.server.hub;

import java.nio.charset.StandardCharsets;

/**
 * One message to a room, encoded once for each kind of receiver and shared by all of them: a text
 * line for people (terminal-safe: control characters replaced) and a RESP {@code message} frame
 * for programs. Immutable.
 *
 * <p>What people say reaches programs as the line people see ({@code [alice] hi}); what programs
 * PUBLISH reaches programs verbatim, as in Redis, and people as {@code [publisher] text}.
 */
public final class Message {
    private final Channel room;
    private final byte[] payload;
    private final byte[] line;
    private final byte[] resp;
    /**
     * The last pattern's frame: a publish delivers to each pattern's subscribers in a row, so one
     * frame serves all of them (racing threads at worst build an equal one twice).
     */
    private volatile PatternFrame lastPattern;
    /** The same for RESP3 subscribers: the last pattern's push frame. */
    private volatile PatternFrame lastPushPattern;

    private record PatternFrame(Glob pattern, byte[] frame) {
    }

    /** The RESP3 push frame ({@code >3}), made by the first RESP3 subscriber and then shared. */
    private volatile byte[] push;

    private Message(Channel room, byte[] payload, String lineText) {
        this.room = room;
        this.payload = payload;
        this.line = (lineText + "\n").getBytes(StandardCharsets.UTF_8);
        this.resp = frame("message", null, room, payload);
    }

    /** A person's chat line: "[from] text". */
    public static Message chat(Channel room, String from, String text) {
        String line = "[" + from + "] " + Text.sanitize(text);
        return new Message(room, line.getBytes(StandardCharsets.UTF_8), line);
    }

    /** A person's action (/me): "* from text". */
    public static Message action(Channel room, String from, String text) {
        return notice(room, from + " " + Text.sanitize(text));
    }

    /** A notice from the server: "* text". */
    public static Message notice(Channel room, String text) {
        String line = "* " + text;
        return new Message(room, line.getBytes(StandardCharsets.UTF_8), line);
    }

    /** What a program PUBLISHed: verbatim for programs, "[from] text" for people. */
    public static Message published(Channel room, String from, byte[] payload) {
        return new Message(room, payload, "[" + from + "] " + Text.sanitize(payload));
    }

    /**
     * A message made elsewhere (another instance, through {@link RedisHub}) from its parts: the
     * payload for programs and the line for people (without its LF), both as they were made there.
     */
    static Message relayed(Channel room, byte[] payload, String lineText) {
        return new Message(room, payload, lineText);
    }

    public Channel room() {
        return room;
    }

    /** The payload programs receive. */
    public byte[] payload() {
        return payload;
    }

    /** The line people receive, with its LF. Shared: do not modify. */
    public byte[] line() {
        return line;
    }

    /** {@code *3 message room payload}. Shared: do not modify. */
    public byte[] resp() {
        return resp;
    }

    /**
     * {@code >3 message room payload}: the RESP3 push frame, made once for the first RESP3
     * receiver and shared by the rest. Shared: do not modify.
     */
    public byte[] push() {
        byte[] p = push;
        if (p == null) {
            // Racing threads may each make one; they are equal, and one of them stays.
            p = asPush(resp.clone());
            push = p;
        }
        return p;
    }

    /**
     * {@code >4 pmessage pattern room payload}, one array for every RESP3 subscriber of the
     * pattern, as {@link #resp(Glob)} for RESP2. Shared: do not modify.
     */
    public byte[] push(Glob pattern) {
        PatternFrame last = lastPushPattern;
        if (last != null && (last.pattern == pattern || last.pattern.equals(pattern))) {
            return last.frame;
        }
        byte[] frame = asPush(frame("pmessage", pattern.bytes(), room, payload));
        lastPushPattern = new PatternFrame(pattern, frame);
        return frame;
    }

    /** A RESP2 frame as a push: the same elements under a {@code >} header (the array's {@code *}). */
    private static byte[] asPush(byte[] frame) {
        frame[0] = '>';
        return frame;
    }

    /** {@code *4 pmessage pattern room payload}, one array for every subscriber of the pattern. Shared: do not modify. */
    public byte[] resp(Glob pattern) {
        PatternFrame last = lastPattern;
        if (last != null && (last.pattern == pattern || last.pattern.equals(pattern))) {
            return last.frame;
        }
        byte[] frame = frame("pmessage", pattern.bytes(), room, payload);
        lastPattern = new PatternFrame(pattern, frame);
        return frame;
    }

    private static byte[] frame(String kind, byte[] p, Channel room, byte[] payload) {
        byte[] k = kind.getBytes(StandardCharsets.US_ASCII);
        byte[] r = room.bytes();
        StringBuilder head = new StringBuilder();
        head.append('*').append(p == null ? 3 : 4).append("\r\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(payload.length + r.length + 48);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        bulk(out, k);
        if (p != null) {
            bulk(out, p);
        }
        bulk(out, r);
        bulk(out, payload);
        return out.toByteArray();
    }

    private static void bulk(java.io.ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
        out.writeBytes(new byte[] {'\r', '\n'});
    }
}
