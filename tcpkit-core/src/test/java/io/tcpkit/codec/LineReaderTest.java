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

/** The line decoder over scripted reads: endings, read boundaries, the length limit and its skip. */
@Timeout(10)
class LineReaderTest {

    /** Every line until end of stream. */
    private static List<String> lines(ReadBuffer.Source source, int max) throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(source), max);
        List<String> out = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            out.add(line);
        }
        return out;
    }

    /** Every line until end of stream, or "!" where the reader threw FrameTooLongException. */
    private static List<String> linesAndErrors(ReadBuffer.Source source, int max) throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(source), max);
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                String line = reader.readLine();
                if (line == null) {
                    return out;
                }
                out.add(line);
            } catch (FrameTooLongException e) {
                assertThat(e.limit()).isEqualTo(max);
                out.add("!");
            }
        }
    }

    @Test
    void lfAndCrlfEndLinesAndALoneCrDoesNot() throws Exception {
        assertThat(lines(Chunks.of("a\nb\r\nc\rd\n\n\r\n"), 100)).containsExactly("a", "b", "c\rd", "", "");
    }

    @Test
    void onlyOneCrBeforeTheLfIsStrippedAndALoneCrAtTheEndOfALineStays() throws Exception {
        assertThat(lines(Chunks.of("x\r\r\n", "\rlead\n", "trail\r", "\r\n"), 100))
                .containsExactly("x\r", "\rlead", "trail\r");
    }

    @Test
    void aCrlfSplitBetweenTwoReadsIsStillOneTerminator() throws Exception {
        assertThat(lines(Chunks.of("one\r", "\ntwo\r", "\n"), 100)).containsExactly("one", "two");
    }

    @Test
    void manyLinesInOneReadNeedNoFurtherReads() throws Exception {
        Chunks source = Chunks.of("one\ntwo\r\nthree\n");
        LineReader reader = new LineReader(new ReadBuffer(source), 100);
        assertThat(reader.readLine()).isEqualTo("one");
        assertThat(reader.readLine()).isEqualTo("two");
        assertThat(reader.readLine()).isEqualTo("three");
        assertThat(source.reads).as("all three lines from the first read").isEqualTo(1);
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void oneLineAcrossManyOneByteReads() throws Exception {
        String input = "a long line split everywhere\r\nnext\n";
        Chunks source = Chunks.split(input, 1);
        assertThat(lines(source, 100)).containsExactly("a long line split everywhere", "next");
        assertThat(source.reads).as("one read per byte, then end of stream").isEqualTo(input.length() + 1);
    }

    @Test
    void bytesAfterTheLastLineFeedAreNotALine() throws Exception {
        assertThat(lines(Chunks.of("done\npartial"), 100)).containsExactly("done");
        assertThat(lines(Chunks.of("done\r\npartial\r"), 100)).containsExactly("done");
        assertThat(lines(Chunks.of("no terminator at all"), 100)).isEmpty();
        assertThat(lines(Chunks.of(), 100)).isEmpty();
    }

    @Test
    void utf8IsDecodedEvenWhenACharacterIsSplitBetweenReads() throws Exception {
        String text = "h\u00e9llo w\u00f6rld \u20ac \ud83d\ude00";
        byte[] utf8 = (text + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(lines(Chunks.split(utf8, 1), 100)).containsExactly(text);
        assertThat(lines(Chunks.ofBytes(utf8), 100)).containsExactly(text);
    }

    @Test
    void malformedUtf8BecomesReplacementCharactersButTheRawBytesAreIntact() throws Exception {
        byte[] data = {(byte) 0xc3, (byte) 0xa9, (byte) 0xff, 0, 'z', '\r', '\n'};
        LineReader reader = new LineReader(new ReadBuffer(Chunks.ofBytes(data)), 100);
        assertThat(reader.next()).isTrue();
        assertThat(reader.line()).isEqualTo("\u00e9\ufffd\u0000z");
        assertThat(Arrays.copyOfRange(reader.array(), reader.start(), reader.start() + reader.length()))
                .isEqualTo(Arrays.copyOf(data, 5));
    }

    @Test
    void aLineOfExactlyTheMaximumIsAcceptedWithEitherTerminator() throws Exception {
        String max = "x".repeat(10);
        assertThat(lines(Chunks.of(max + "\n" + max + "\r\n"), 10)).containsExactly(max, max);
        // Byte by byte the CR is buffered as an 11th byte before the LF shows it is a terminator.
        assertThat(lines(Chunks.split(max + "\r\n" + max + "\n", 1), 10)).containsExactly(max, max);
    }

    @Test
    void oneByteOverTheMaximumIsRejectedAndTheNextLineIsReadable() throws Exception {
        String max = "x".repeat(10);
        LineReader reader = new LineReader(new ReadBuffer(Chunks.of(max + "\r\n" + max + "y\nafter\n")), 10);
        assertThat(reader.readLine()).isEqualTo(max);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(reader.readLine()).as("resumes after the overlong line").isEqualTo("after");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void overlongLinesAreSkippedWhateverTheReadBoundaries() throws Exception {
        String input = "ok1\n" + "y".repeat(11) + "\n" + "z".repeat(11) + "\r\n" + "w".repeat(40) + "\nok2\r\n";
        List<String> expected = List.of("ok1", "!", "!", "!", "ok2");
        assertThat(linesAndErrors(Chunks.of(input), 10)).as("all buffered").isEqualTo(expected);
        for (int size : new int[] {1, 2, 3, 5, 7, 11, 12, 13, 64}) {
            assertThat(linesAndErrors(Chunks.split(input, size), 10)).as("reads of %d bytes", size).isEqualTo(expected);
        }
    }

    @Test
    void anOverlongLineSplitAcrossReadsIsRejectedEarlyAndSkipped() throws Exception {
        Chunks source = Chunks.split("z".repeat(5000) + "\nok\n", 7);
        LineReader reader = new LineReader(new ReadBuffer(source), 100);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(source.reads).as("gave up near the limit, without buffering the rest").isLessThan(30);
        assertThat(reader.readLine()).isEqualTo("ok");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void anOverlongLineCutOffByEndOfStreamEndsTheStream() throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(Chunks.split("q".repeat(50), 4)), 10);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void theBufferNeverGrowsBeyondTheLimit() throws Exception {
        ReadBuffer buffer = new ReadBuffer(Chunks.split("q".repeat(100_000), 1000));
        LineReader reader = new LineReader(buffer, 2000);
        assertThatThrownBy(reader::readLine).isInstanceOf(FrameTooLongException.class);
        assertThat(buffer.capacity()).isLessThanOrEqualTo(4096);
    }

    @Test
    void aLimitAboveTheReadBufferMaximumGrowsTheBufferForOneLongLine() throws Exception {
        String big = "b".repeat(150_000);
        ReadBuffer buffer = new ReadBuffer(Chunks.split(big + "\nsmall\n", 1000));
        LineReader reader = new LineReader(buffer, 200_000);
        assertThat(reader.readLine()).isEqualTo(big);
        assertThat(buffer.capacity()).isGreaterThan(ReadBuffer.DEFAULT_MAX_CAPACITY);
        assertThat(reader.readLine()).isEqualTo("small");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void hasBufferedLineSaysWhetherNextWillBlock() throws Exception {
        LineReader reader = new LineReader(new ReadBuffer(Chunks.of("a\nb\npart")), 100);
        assertThat(reader.next()).isTrue();
        assertThat(reader.hasBufferedLine()).isTrue();
        assertThat(reader.next()).isTrue();
        assertThat(reader.hasBufferedLine()).isFalse();
    }

    @Test
    void aNonPositiveLimitIsRefused() {
        ReadBuffer buffer = new ReadBuffer(Chunks.of());
        assertThatThrownBy(() -> new LineReader(buffer, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
