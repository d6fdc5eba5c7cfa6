package io.tcpkit.engine;

import java.nio.ByteBuffer;

/**
 * Queued output, a link of an {@link OutputQueue}: a slice of an array, or a bundle of whole
 * messages, which grows at its end until its array of references is full. The arrays are the
 * senders', never written to. Guarded by the queue's monitor, except that the drainer copies the
 * part of a run it took without it (only the drainer moves a chunk's start; senders add behind).
 */
final class OutputChunk {
    /** A slice's array; null for a bundle. */
    final byte[] data;
    /** A bundle's messages in order; null for a slice. Written ones are let go (null). */
    final byte[][] refs;
    /** Messages in the bundle. */
    int count;
    /** The bundle's first message not yet written in full. */
    int first;
    /** A slice: where its bytes still to write start; a bundle: what of its first message is written. */
    int off;
    /** Bytes still to write. */
    int len;
    /** Bytes of the serving thread's batch written before this chunk; -1 once that is settled. */
    int pos;
    OutputChunk next;

    private OutputChunk(byte[] data, byte[][] refs, int off, int len, int pos) {
        this.data = data;
        this.refs = refs;
        this.off = off;
        this.len = len;
        this.pos = pos;
    }

    static OutputChunk slice(byte[] data, int off, int len, int pos) {
        return new OutputChunk(data, null, off, len, pos);
    }

    static OutputChunk bundle(int refs, int pos) {
        return new OutputChunk(null, new byte[refs][], 0, 0, pos);
    }

    /** What it holds: the bytes still to write, and a bundle its array of references. */
    long held() {
        return len + (refs == null ? 0 : (long) OutputQueue.REF_BYTES * refs.length) + OutputQueue.CHUNK_OVERHEAD_BYTES;
    }

    /** Forgets the first {@code n} bytes still to write; a bundle lets go of the messages written. */
    void advance(int n) {
        len -= n;
        if (refs == null) {
            off += n;
            return;
        }
        int i = first;
        int o = off + n;
        while (i < count && o >= refs[i].length) {
            o -= refs[i].length;
            refs[i++] = null;
        }
        first = i;
        off = o;
    }

    /** Puts its first {@code n} bytes still to write into {@code into}. */
    void copyTo(ByteBuffer into, int n) {
        if (refs == null) {
            into.put(data, off, n);
            return;
        }
        for (int m = first, o = off; n > 0; m++, o = 0) {
            byte[] message = refs[m];
            int k = Math.min(message.length - o, n);
            into.put(message, o, k);
            n -= k;
        }
    }
}
