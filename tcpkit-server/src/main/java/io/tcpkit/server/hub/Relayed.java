package io.tcpkit.server.hub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What one instance sends the others through Redis: a room message or a heartbeat ping, each
 * with the id of the instance it comes from, so that an instance ignores its own (it delivered
 * them itself) and nothing goes round twice. Layout: a kind byte, the origin (length-prefixed),
 * then for a message the room, the payload and the line, each an int length and the bytes.
 * Frames that do not parse are dropped (they come from Redis, not from a client, but a stray
 * PUBLISH on the channel must not break an instance).
 */
record Relayed(byte kind, String origin, Message message, long ping) {
    static final byte MESSAGE = 'M';
    static final byte PING = 'P';

    static byte[] message(String origin, Message m) {
        byte[] o = origin.getBytes(StandardCharsets.US_ASCII);
        byte[] room = m.room().bytes();
        byte[] payload = m.payload();
        byte[] line = m.line();
        int lineLength = line.length - 1; // without its LF
        ByteBuffer b = ByteBuffer.allocate(1 + 4 * 4 + o.length + room.length + payload.length + lineLength);
        b.put(MESSAGE).putInt(o.length).put(o).putInt(room.length).put(room).putInt(payload.length).put(payload)
                .putInt(lineLength).put(line, 0, lineLength);
        return b.array();
    }

    static byte[] ping(String origin, long sequence) {
        byte[] o = origin.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(1 + 4 + o.length + 8).put(PING).putInt(o.length).put(o).putLong(sequence).array();
    }

    /** The frame read back, or null if it is not one. */
    static Relayed parse(byte[] frame) {
        try {
            ByteBuffer b = ByteBuffer.wrap(frame);
            byte kind = b.get();
            String origin = new String(bytes(b, 64), StandardCharsets.US_ASCII);
            if (kind == PING) {
                return new Relayed(kind, origin, null, b.getLong());
            }
            if (kind != MESSAGE) {
                return null;
            }
            byte[] room = bytes(b, Channel.MAX_BYTES);
            byte[] payload = bytes(b, frame.length);
            String line = new String(bytes(b, frame.length), StandardCharsets.UTF_8);
            return new Relayed(kind, origin, Message.relayed(Channel.of(room), payload, line), 0);
        } catch (RuntimeException e) { // BufferUnderflowException, a length out of bounds
            return null;
        }
    }

    private static byte[] bytes(ByteBuffer b, int max) {
        int n = b.getInt();
        if (n < 0 || n > max || n > b.remaining()) {
            throw new IllegalArgumentException("length " + n);
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
