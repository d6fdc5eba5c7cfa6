package io.tcpkit.codec;

import io.tcpkit.testing.Chunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The read buffer: adaptive size, compaction, appending, and index bounds. */
@Timeout(10)
class ReadBufferTest {

    /** A source that fills as much as it is offered, with a counting byte pattern. */
    private static ReadBuffer.Source greedy() {
        int[] next = {0};
        return (b, off, len) -> {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) next[0]++;
            }
            return len;
        };
    }

    private static String readable(ReadBuffer buffer) {
        return new String(buffer.array(), buffer.readIndex(), buffer.readable(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void doublesOnEveryFullReadUpToTheMaximumAndNoFurther() throws Exception {
        ReadBuffer buffer = new ReadBuffer(greedy(), 512, 64 * 1024);
        assertThat(buffer.capacity()).isEqualTo(512);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = buffer.fill();
            assertThat(n).isEqualTo(sizes.isEmpty() ? 512 : sizes.get(sizes.size() - 1));
            sizes.add(buffer.capacity());
            buffer.skip(buffer.readable());
        }
        assertThat(sizes).containsExactly(1024, 2048, 4096, 8192, 16384, 32768, 65536, 65536, 65536, 65536);
    }

    @Test
    void bytesSurviveGrowth() throws Exception {
        ReadBuffer buffer = new ReadBuffer(greedy(), 16, 64);
        buffer.fill(); // 16 bytes, grows to 32
        buffer.fill(); // 16 more, grows to 64
        assertThat(buffer.capacity()).isEqualTo(64);
        assertThat(buffer.readable()).isEqualTo(32);
        for (int i = 0; i < 32; i++) {
            assertThat(buffer.array()[buffer.readIndex() + i]).isEqualTo((byte) i);
        }
    }

    @Test
    void halvesAfterEightSmallReadsInARowAndShrinksBackToTheInitialSize() throws Exception {
        int[] size = {Integer.MAX_VALUE};
        ReadBuffer buffer = new ReadBuffer((b, off, len) -> {
            int n = Math.min(len, size[0]);
            Arrays.fill(b, off, off + n, (byte) 'x');
            return n;
        }, 512, 64 * 1024);
        for (int i = 0; i < 10; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
        size[0] = 10;
        for (int i = 0; i < 7; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).as("seven small reads are not a run yet").isEqualTo(64 * 1024);
        buffer.fill();
        buffer.skip(buffer.readable());
        assertThat(buffer.capacity()).isEqualTo(32 * 1024);
        for (int i = 0; i < 200; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(512);
    }

    @Test
    void shrinkingKeepsTheUnconsumedBytes() throws Exception {
        int[] size = {Integer.MAX_VALUE};
        char[] next = {'a'};
        ReadBuffer buffer = new ReadBuffer((b, off, len) -> {
            int n = Math.min(len, size[0]);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) next[0];
                next[0] = next[0] == 'z' ? 'a' : (char) (next[0] + 1);
            }
            return n;
        }, 16, 1024);
        for (int i = 0; i < 8; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(1024);
        size[0] = 3;
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            buffer.fill(); // nothing consumed: the bytes must survive the shrink
        }
        kept.append(readable(buffer));
        assertThat(buffer.capacity()).isEqualTo(512);
        assertThat(kept.length()).isEqualTo(24);
        assertThat(kept.toString()).isEqualTo(expectedAlphabet(kept.charAt(0), 24));
    }

    private static String expectedAlphabet(char first, int n) {
        StringBuilder sb = new StringBuilder();
        char c = first;
        for (int i = 0; i < n; i++) {
            sb.append(c);
            c = c == 'z' ? 'a' : (char) (c + 1);
        }
        return sb.toString();
    }

    @Test
    void aFullBufferWithConsumedBytesIsCompactedInsteadOfGrown() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("0123456789abcdef", "ghijklmnopqrstuv"), 16, 16);
        assertThat(buffer.fill()).isEqualTo(16);
        buffer.skip(10);
        assertThat(buffer.readIndex()).isEqualTo(10);
        assertThat(buffer.fill()).isEqualTo(10);
        assertThat(buffer.capacity()).isEqualTo(16);
        assertThat(buffer.readIndex()).isZero();
        assertThat(buffer.writeIndex()).isEqualTo(16);
        assertThat(readable(buffer)).isEqualTo("abcdefghijklmnop");
        assertThat(buffer.indexOf((byte) 'g', 0)).isEqualTo(6);
    }

    @Test
    void releaseDropsAnEmptyArrayAndTheNextFillAllocatesAgain() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("abc", "defgh", "ij"), 16, 64);
        assertThat(buffer.fill()).isEqualTo(3);
        buffer.release(); // bytes are buffered: nothing is dropped
        assertThat(buffer.capacity()).isEqualTo(16);
        assertThat(readable(buffer)).isEqualTo("abc");
        buffer.skip(3);
        buffer.release();
        assertThat(buffer.capacity()).isZero();
        assertThat(buffer.readable()).isZero();
        assertThat(buffer.fill()).isEqualTo(5);
        assertThat(buffer.capacity()).isEqualTo(16);
        assertThat(readable(buffer)).isEqualTo("defgh");
        buffer.skip(5);
        buffer.release();
        buffer.ensureCapacity(8); // a decoder may ask for room before the first fill
        assertThat(buffer.capacity()).isGreaterThanOrEqualTo(8);
        assertThat(buffer.fill()).isEqualTo(2);
        assertThat(readable(buffer)).isEqualTo("ij");
    }

    @Test
    void ensureCapacityCompactsAndKeepsTheBytes() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("0123456789abcdef", "ghij"), 16, 16);
        buffer.fill();
        buffer.skip(4);
        buffer.ensureCapacity(40);
        assertThat(buffer.capacity()).isEqualTo(40);
        assertThat(buffer.readIndex()).isZero();
        assertThat(readable(buffer)).isEqualTo("456789abcdef");
        assertThat(buffer.fill()).isEqualTo(4);
        assertThat(readable(buffer)).isEqualTo("456789abcdefghij");
        buffer.ensureCapacity(8);
        assertThat(buffer.capacity()).as("never shrinks on request").isEqualTo(40);
    }

    @Test
    void consumingEverythingResetsTheIndices() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("abc"));
        buffer.fill();
        buffer.skip(1);
        assertThat(buffer.readIndex()).isEqualTo(1);
        buffer.skip(2);
        assertThat(buffer.readIndex()).isZero();
        assertThat(buffer.writeIndex()).isZero();
    }

    @Test
    void skipIsBoundedByTheReadableBytes() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("abc"));
        buffer.fill();
        assertThatThrownBy(() -> buffer.skip(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.skip(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.readable()).as("a refused skip consumes nothing").isEqualTo(3);
        buffer.skip(0);
        buffer.skip(3);
        assertThatThrownBy(() -> buffer.skip(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void indexOfSeesOnlyTheReadableBytes() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("a,b,c"));
        buffer.fill();
        assertThat(buffer.indexOf((byte) ',', 0)).isEqualTo(1);
        assertThat(buffer.indexOf((byte) ',', 2)).isEqualTo(3);
        assertThat(buffer.indexOf((byte) 'z', 0)).isEqualTo(-1);
        buffer.skip(2); // "b,c" left at index 2
        assertThat(buffer.indexOf((byte) 'a', 0)).as("consumed bytes are gone").isEqualTo(-1);
        assertThat(buffer.indexOf((byte) ',', 0)).isEqualTo(3);
        assertThat(buffer.indexOf((byte) 'c', 4)).isEqualTo(4);
        assertThat(buffer.indexOf((byte) 'c', 5)).as("from the write index on: nothing").isEqualTo(-1);
        assertThat(buffer.indexOf((byte) 0, 0)).as("stale zeros past the write index are not data").isEqualTo(-1);
    }

    @Test
    void drainToCopiesAtMostWhatIsBufferedAndConsumesIt() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("abcdef"));
        byte[] out = new byte[10];
        assertThat(buffer.drainTo(out, 0, 10)).as("nothing buffered yet").isZero();
        buffer.fill();
        assertThat(buffer.drainTo(out, 2, 0)).isZero();
        assertThat(buffer.drainTo(out, 2, 4)).isEqualTo(4);
        assertThat(new String(out, 2, 4, StandardCharsets.ISO_8859_1)).isEqualTo("abcd");
        assertThat(out[0]).isZero();
        assertThat(out[6]).isZero();
        assertThat(buffer.readable()).isEqualTo(2);
        assertThat(buffer.drainTo(out, 0, 10)).isEqualTo(2);
        assertThat(new String(out, 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("ef");
        assertThat(buffer.readable()).isZero();
    }

    @Test
    void endOfStreamIsStickyAndTheSourceIsNotAskedAgain() throws Exception {
        Chunks source = Chunks.of("abc");
        ReadBuffer buffer = new ReadBuffer(source);
        assertThat(buffer.fill()).isEqualTo(3);
        assertThat(buffer.isEof()).isFalse();
        assertThat(buffer.fill()).isEqualTo(-1);
        assertThat(buffer.isEof()).isTrue();
        assertThat(buffer.fill()).isEqualTo(-1);
        assertThat(source.reads).isEqualTo(2);
        assertThat(readable(buffer)).as("bytes before the end stay readable").isEqualTo("abc");
    }

    @Test
    void aFullBufferOfOneFrameMustBeGrownExplicitly() throws Exception {
        ReadBuffer buffer = new ReadBuffer((b, off, len) -> len, 16, 16);
        buffer.fill();
        assertThatThrownBy(buffer::fill).isInstanceOf(IllegalStateException.class);
        buffer.ensureCapacity(64);
        assertThat(buffer.fill()).isEqualTo(48);
    }

    /** A source of 100-byte reads that records what it is told of the buffer's size. */
    private static final class Recording implements ReadBuffer.Source {
        final List<String> told = new ArrayList<>();

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, 100);
            Arrays.fill(b, off, off + n, (byte) 'x');
            return n;
        }

        @Override
        public void growing(int newCapacity) {
            told.add("growing " + newCapacity);
        }

        @Override
        public void shrunk(int newCapacity) {
            told.add("shrunk " + newCapacity);
        }
    }

    /**
     * A buffer grown past the read size for one large frame is small again at the first fill after
     * the frame was consumed (not at the skip: what was consumed stays readable until then), and
     * tells its source; one grown on purpose while empty is not shrunk by the fill that follows.
     */
    @Test
    void aBufferGrownForOneLargeFrameGoesBackToItsInitialSizeAtTheFillAfterItIsConsumed() throws Exception {
        Recording source = new Recording();
        ReadBuffer buffer = new ReadBuffer(source, 512, 4096);
        buffer.fill();
        buffer.ensureCapacity(100_000);
        while (buffer.readable() < 100_000) {
            buffer.fill();
        }
        buffer.skip(100_000);
        assertThat(buffer.capacity()).as("still there after the skip").isEqualTo(100_000);
        assertThat(buffer.fill()).isEqualTo(100);
        assertThat(buffer.capacity()).isEqualTo(512);
        assertThat(source.told).containsExactly("growing 100000", "shrunk 512");

        buffer.skip(100);
        buffer.ensureCapacity(50_000); // empty, and asked to be large: a frame of 50,000 is coming
        buffer.fill();
        assertThat(buffer.capacity()).as("not shrunk under the decoder that asked for it").isEqualTo(50_000);
        assertThat(source.told).containsExactly("growing 100000", "shrunk 512", "growing 50000");

        ReadBuffer small = new ReadBuffer(source, 512, 4096);
        source.told.clear();
        for (int i = 0; i < 100; i++) {
            small.fill();
            small.skip(small.readable());
        }
        assertThat(small.capacity()).isEqualTo(512);
        assertThat(source.told).as("small requests: the source is never told anything").isEmpty();
    }

    @Test
    void sizesAreValidated() {
        assertThatThrownBy(() -> new ReadBuffer(Chunks.of(), 8, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReadBuffer(Chunks.of(), 64, 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
