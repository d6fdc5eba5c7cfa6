package io.tcpkit.bench.jmh;

import io.tcpkit.codec.LineReader;
import io.tcpkit.codec.ReadBuffer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.codec.RespWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The codecs on a pipelined batch already in memory: the cost per request of finding frames and
 * arguments, and per reply of writing it, without any I/O. Each invocation parses or writes
 * {@link #BATCH} of them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final int BATCH = 1000;

    private byte[] lines;
    private byte[] respPings;
    private byte[] respSets;
    private byte[] inline;
    private static final byte[] VALUE = "value-0123456789".getBytes(StandardCharsets.US_ASCII);
    private long written;
    private final RespWriter writer = new RespWriter((b, off, len) -> written += len);

    /** Replays one byte array, then reports end of stream. */
    static final class Replay implements ReadBuffer.Source {
        private final byte[] data;
        private int position;

        Replay(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        lines = repeat("the quick brown fox jumps over the lazy dog 0123456789\r\n");
        respPings = repeat("*1\r\n$4\r\nPING\r\n");
        respSets = repeat("*3\r\n$3\r\nSET\r\n$10\r\nkey:000042\r\n$16\r\nvalue-0123456789\r\n");
        inline = repeat("ECHO \"hello world\" plain\r\n");
    }

    private static byte[] repeat(String request) {
        return request.repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void lineReader(Blackhole bh) throws IOException {
        LineReader reader = new LineReader(new ReadBuffer(new Replay(lines), 64 * 1024, 64 * 1024), 64 * 1024);
        while (reader.next()) {
            bh.consume(reader.length());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void respPing(Blackhole bh) throws IOException {
        parse(respPings, bh);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void respThreeArguments(Blackhole bh) throws IOException {
        parse(respSets, bh);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void inlineQuoted(Blackhole bh) throws IOException {
        parse(inline, bh);
    }

    /** A reply of three bulk strings and an integer: five headers, each looked up by its type. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void respWriterReply(Blackhole bh) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            writer.arrayHeader(4);
            writer.bulk(VALUE);
            writer.bulk(VALUE);
            writer.bulk(VALUE);
            writer.integer(i & 31);
        }
        bh.consume(written);
    }

    private static void parse(byte[] data, Blackhole bh) throws IOException {
        RespReader reader = new RespReader(new ReadBuffer(new Replay(data), 64 * 1024, 64 * 1024));
        while (reader.next()) {
            bh.consume(reader.length(reader.argc() - 1));
        }
    }
}
