package io.tcpkit.codec;

import io.tcpkit.testing.Chunks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadBufferTest {

    @Test
    void growsWhileReadsFillItUpToTheMaximum() throws Exception {
        ReadBuffer buffer = new ReadBuffer((b, off, len, mid) -> len, 512, 64 * 1024);
        assertThat(buffer.capacity()).isEqualTo(512);
        for (int i = 0; i < 20; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
    }

    @Test
    void shrinksBackAfterARunOfSmallReads() throws Exception {
        int[] size = {Integer.MAX_VALUE};
        ReadBuffer buffer = new ReadBuffer((b, off, len, mid) -> Math.min(len, size[0]), 512, 64 * 1024);
        for (int i = 0; i < 10; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
        size[0] = 10;
        for (int i = 0; i < 200; i++) {
            buffer.fill();
            buffer.skip(buffer.readable());
        }
        assertThat(buffer.capacity()).isEqualTo(512);
    }

    @Test
    void compactsConsumedBytesAndTellsTheSourceAboutPartialFrames() throws Exception {
        boolean[] midFrame = new boolean[2];
        int[] call = {0};
        ReadBuffer buffer = new ReadBuffer((b, off, len, mid) -> {
            midFrame[call[0]++] = mid;
            b[off] = 'x';
            return 1;
        }, 16, 16);
        buffer.fill();
        assertThat(midFrame[0]).isFalse();
        buffer.fill();
        assertThat(midFrame[1]).isTrue();
        assertThat(buffer.readable()).isEqualTo(2);
        buffer.skip(2);
        assertThat(buffer.readIndex()).isZero();
        assertThat(buffer.writeIndex()).isZero();
    }

    @Test
    void boundsAreChecked() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.of("abc"));
        buffer.fill();
        assertThat(buffer.indexOf((byte) 'c', 0)).isEqualTo(2);
        assertThat(buffer.indexOf((byte) 'z', 0)).isEqualTo(-1);
        assertThatThrownBy(() -> buffer.skip(4)).isInstanceOf(IndexOutOfBoundsException.class);
        byte[] out = new byte[10];
        assertThat(buffer.drainTo(out, 0, 10)).isEqualTo(3);
        assertThat(buffer.fill()).isEqualTo(-1);
        assertThat(buffer.isEof()).isTrue();
    }

    @Test
    void aFullBufferOfOneFrameMustBeGrownExplicitly() throws Exception {
        ReadBuffer buffer = new ReadBuffer((b, off, len, mid) -> len, 16, 16);
        buffer.fill();
        assertThatThrownBy(buffer::fill).isInstanceOf(IllegalStateException.class);
        buffer.ensureCapacity(64);
        assertThat(buffer.fill()).isEqualTo(48);
    }
}
