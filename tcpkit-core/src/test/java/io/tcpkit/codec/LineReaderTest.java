package io.tcpkit.codec;

import io.tcpkit.testing.Chunks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineReaderTest {

    private static List<String> lines(ReadBuffer.Source source, int max) throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(source), max);
        List<String> out = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            out.add(line);
        }
        return out;
    }

    @Test
    void lfAndCrlfEndLinesAndALoneCrDoesNot() throws Exception {
        assertThat(lines(Chunks.of("a\nb\r\nc\rd\n\n"), 100)).containsExactly("a", "b", "c\rd", "");
    }

    @Test
    void manyLinesInOneReadAndOneLineAcrossManyReads() throws Exception {
        assertThat(lines(Chunks.of("one\ntwo\nthree\n"), 100)).containsExactly("one", "two", "three");
        assertThat(lines(Chunks.split("a long line split everywhere\r\nnext\n", 1), 100))
                .containsExactly("a long line split everywhere", "next");
    }

    @Test
    void bytesAfterTheLastLineFeedAreNotALine() throws Exception {
        assertThat(lines(Chunks.of("done\npartial"), 100)).containsExactly("done");
    }

    @Test
    void utf8IsDecodedAndMalformedBytesBecomeReplacementCharacters() throws Exception {
        LineReader reader = new LineReader(new ReadBuffer((b, off, len, mid) -> {
            byte[] data = {(byte) 0xc3, (byte) 0xa9, (byte) 0xff, '\n'};
            if (b[off] == 0 && off == 0) {
                System.arraycopy(data, 0, b, 0, data.length);
                return data.length;
            }
            return -1;
        }), 100);
        assertThat(reader.readLine()).isEqualTo("\u00e9\ufffd");
    }

    @Test
    void aLineOfExactlyTheMaximumIsAcceptedAndOneMoreIsNot() throws Exception {
        String max = "x".repeat(10);
        LineReader reader = new LineReader(new ReadBuffer(Chunks.of(max + "\r\n" + max + "y\nafter\n")), 10);
        assertThat(reader.readLine()).isEqualTo(max);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(reader.readLine()).as("resumes after the overlong line").isEqualTo("after");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void anOverlongLineSplitAcrossReadsIsRejectedEarlyAndSkipped() throws Exception {
        Chunks source = Chunks.split("z".repeat(5000) + "\nok\n", 7);
        LineReader reader = new LineReader(new ReadBuffer(source), 100);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(source.reads).as("gave up near the limit, without buffering the rest").isLessThan(30);
        assertThat(reader.readLine()).isEqualTo("ok");
    }

    @Test
    void theBufferNeverGrowsBeyondTheLimit() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.split("q".repeat(100_000), 1000));
        LineReader reader = new LineReader(buffer, 2000);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(buffer.capacity()).isLessThanOrEqualTo(4096);
    }

    @Test
    void hasBufferedLineSaysWhetherNextWillBlock() throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(Chunks.of("a\nb\npart")), 100);
        assertThat(reader.next()).isTrue();
        assertThat(reader.hasBufferedLine()).isTrue();
        assertThat(reader.next()).isTrue();
        assertThat(reader.hasBufferedLine()).isFalse();
    }
}
