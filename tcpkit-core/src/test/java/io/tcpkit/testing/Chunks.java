package io.tcpkit.testing;

import io.tcpkit.codec.ReadBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** A ReadBuffer source that returns scripted chunks, one per read, then end of stream. */
public final class Chunks implements ReadBuffer.Source {
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    public int reads;

    public static Chunks of(String... parts) {
        Chunks c = new Chunks();
        for (String p : parts) {
            c.chunks.add(p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return c;
    }

    /** Raw byte chunks, one per read (a read asking for less gets the rest next time). */
    public static Chunks ofBytes(byte[]... parts) {
        Chunks c = new Chunks();
        for (byte[] p : parts) {
            c.chunks.add(p.clone());
        }
        return c;
    }

    /** The text cut into pieces of {@code size} bytes. */
    public static Chunks split(String text, int size) {
        return split(text.getBytes(StandardCharsets.ISO_8859_1), size);
    }

    /** The bytes cut into pieces of {@code size} bytes. */
    public static Chunks split(byte[] all, int size) {
        Chunks c = new Chunks();
        for (int i = 0; i < all.length; i += size) {
            c.chunks.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        reads++;
        while (current == null || position == current.length) {
            current = chunks.poll();
            position = 0;
            if (current == null) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
