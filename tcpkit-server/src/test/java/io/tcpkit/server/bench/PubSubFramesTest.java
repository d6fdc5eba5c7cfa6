package io.tcpkit.server.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the pub/sub generator reads what subscribers receive: the publish time each message carries
 * (16 lower-case hex digits, parsed eight at a time) and the frame check, which must refuse any
 * byte that is not what was published.
 */
class PubSubFramesTest {
    @Test
    void thePublishTimeReadsBackFromThePayload() {
        SplittableRandom random = new SplittableRandom(42);
        long[] times = {0, 1, 0x0123456789abcdefL, 0xfedcba9876543210L, Long.MAX_VALUE, -1L};
        for (long t : times) {
            assertThat(PubSubLoad.hex16(PubSubLoad.payload(t, 64), 0)).as("%016x", t).isEqualTo(t == -1L ? -1 : t);
        }
        for (int i = 0; i < 10_000; i++) {
            long t = random.nextLong(Long.MAX_VALUE);
            assertThat(PubSubLoad.hex16(PubSubLoad.payload(t, 16), 0)).isEqualTo(t);
        }
    }

    @Test
    void anyByteThatIsNotALowerCaseHexDigitIsRefused() {
        byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < 256; c++) {
            boolean digit = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            for (int at = 0; at < 16; at += 5) { // first, middle and last of each half
                byte[] b = digits.clone();
                b[at] = (byte) c;
                long parsed = PubSubLoad.hex16(b, 0);
                assertThat(parsed != -1).as("byte 0x%02x at %d", c, at).isEqualTo(digit);
            }
        }
    }

    @Test
    void framesAreCheckedCountedAndTheirLatenciesRecorded() {
        byte[] prefix = PubSubLoad.messagePrefix(16);
        int frame = prefix.length + 16 + 2;
        byte[] b = new byte[frame * 2 + 5];
        for (int i = 0; i < 2; i++) {
            System.arraycopy(prefix, 0, b, i * frame, prefix.length);
            System.arraycopy(PubSubLoad.payload(1_000 + i, 16), 0, b, i * frame + prefix.length, 16);
            b[i * frame + frame - 2] = '\r';
            b[i * frame + frame - 1] = '\n';
        }
        BenchStats stats = new BenchStats();
        stats.startMeasuring();
        Histogram own = BenchStats.ownHistogram();

        assertThat(PubSubLoad.frames(b, b.length, prefix, frame, 5_000, stats, own))
                .as("two whole frames; the last 5 bytes wait for the rest").isEqualTo(2 * frame);
        assertThat(own.getTotalCount()).isEqualTo(2);
        assertThat(own.getMaxValue()).isEqualTo(own.highestEquivalentValue(4_000));
        stats.latencies(own);
        assertThat(own.getTotalCount()).as("handed over").isZero();
        assertThat(stats.total().getTotalCount()).isEqualTo(2);
        assertThat(stats.replies()).isEqualTo(2);

        b[frame + 3] ^= 1; // a byte of the second frame's prefix
        assertThat(PubSubLoad.frames(b, b.length, prefix, frame, 5_000, stats, own)).isEqualTo(-1);
        assertThat(stats.errors()).isEqualTo(1);
    }
}
