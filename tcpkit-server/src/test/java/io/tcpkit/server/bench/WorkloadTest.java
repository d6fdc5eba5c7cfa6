package io.tcpkit.server.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The requests the load generator writes and the check of their replies, byte for byte. */
class WorkloadTest {
    @ParameterizedTest
    @CsvSource({"echo, 1", "echo, 64", "line, 2", "line, 40"})
    void aReplyMatchesOnlyItsOwnRequestWithEveryByteInPlace(String mode, int size) {
        Workload w = Workload.of(mode, size);
        assertThat(w.requestBytes()).isEqualTo(size);
        assertThat(w.replyBytes()).isEqualTo(size);
        byte[] buf = new byte[size + 3];
        w.request(buf, 3, 1234);
        assertThat(w.replyMatches(buf, 3, 1234)).isTrue();
        assertThat(w.replyMatches(buf, 3, 1235)).as("the sequence number is in the content").isFalse();
        for (int i = 0; i < size; i++) {
            buf[3 + i] ^= 1;
            assertThat(w.replyMatches(buf, 3, 1234)).as("byte %d changed", i).isFalse();
            buf[3 + i] ^= 1;
        }
    }

    @Test
    void linesArePrintableAsciiEndingInLf() {
        byte[] buf = new byte[8];
        Workload.of("line", 8).request(buf, 0, 7);
        assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("hijklmn\n");
        Workload.of("line", 8).request(buf, 0, -3);
        assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("xyzabcd\n");
    }

    @Test
    void echoBytesFollowTheSequenceNumber() {
        byte[] buf = new byte[4];
        Workload.of("echo", 4).request(buf, 0, 2);
        assertThat(buf).containsExactly(62, 63, 64, 65);
    }

    @Test
    void pingIsARespArrayAndItsReplyPong() {
        Workload w = Workload.of("ping", 0);
        byte[] buf = new byte[w.requestBytes()];
        w.request(buf, 0, 9);
        assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(w.replyMatches("+PONG\r\n".getBytes(StandardCharsets.US_ASCII), 0, 9)).isTrue();
        assertThat(w.replyMatches("-PONG\r\n".getBytes(StandardCharsets.US_ASCII), 0, 9)).isFalse();
    }

    @Test
    void sizesTooSmallAreRefused() {
        assertThatThrownBy(() -> Workload.of("echo", 0)).hasMessage("--size must be at least 1");
        assertThatThrownBy(() -> Workload.of("line", 1)).hasMessage("--size must be at least 2 for lines (text and LF)");
        assertThatThrownBy(() -> Workload.of("get", 8)).hasMessage("unknown mode 'get' (echo, line, ping)");
    }
}
