package io.tcpkit.bench.jmh;

import io.tcpkit.server.hub.Glob;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Matching a channel name against a pattern subscription, as every PUBLISH does for every
 * pattern: the byte matcher (Glob) against the regular expressions it replaced (RegexGlob), on
 * the patterns people write. Each invocation matches {@link #PAIRS} pairs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GlobBenchmark {
    static final String[][] CASES = {
            {"news.*", "news.tech.today"},
            {"news.*", "sport.football"},
            {"*.tech.*", "news.tech.today"},
            {"user:[0-9]*:events", "user:12345:events"},
            {"__keyspace@0__:*", "__keyspace@0__:session:8f3a"},
            {"h?llo", "hello"},
            {"lobby", "lobby"},
            {"a*b*c*d", "aXXbYYcZZe"},
    };
    static final int PAIRS = 8; // CASES.length, as a constant for the annotations

    private Glob[] globs;
    private byte[][] names;
    private Pattern[] regexes;
    private String[] texts;

    @Setup(Level.Trial)
    public void setUp() {
        if (CASES.length != PAIRS) {
            throw new IllegalStateException("PAIRS must be CASES.length");
        }
        globs = new Glob[PAIRS];
        names = new byte[PAIRS][];
        regexes = new Pattern[PAIRS];
        texts = new String[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            globs[i] = Glob.of(CASES[i][0]);
            names[i] = CASES[i][1].getBytes(StandardCharsets.UTF_8);
            regexes[i] = RegexGlob.compile(CASES[i][0]);
            texts[i] = CASES[i][1];
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void glob(Blackhole bh) {
        for (int i = 0; i < PAIRS; i++) {
            bh.consume(globs[i].matches(names[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void regex(Blackhole bh) {
        for (int i = 0; i < PAIRS; i++) {
            bh.consume(regexes[i].matcher(texts[i]).matches());
        }
    }

    /** The shape that froze the old server, kept short enough that the regex finishes. */
    @State(Scope.Thread)
    public static class Hostile {
        final Glob glob = Glob.of("*a*a*a*a*a*a*a*b");
        final Pattern regex = RegexGlob.compile("*a*a*a*a*a*a*a*b");
        final String text = "a".repeat(24);
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public boolean hostileGlob(Hostile h) {
        return h.glob.matches(h.bytes);
    }

    @Benchmark
    public boolean hostileRegex(Hostile h) {
        return h.regex.matcher(h.text).matches();
    }
}
