package io.tcpkit.bench.jmh;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Subscriber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The publish path without I/O: a program's PUBLISH made into a Message and handed by the hub to
 * the room's subscribers and to every pattern subscription that matches (subscribers here only
 * count what they get). One invocation is one PUBLISH.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishBenchmark {
    @Param({"1", "1000"})
    public int subscribers;

    private LocalHub hub;
    private byte[] payload;
    private byte[] room;
    private long delivered;

    @Setup(Level.Trial)
    public void setUp() {
        hub = new LocalHub();
        Subscriber counter = (m, p) -> {
            delivered++;
            return true;
        };
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = (m, p) -> {
                delivered++;
                return true;
            };
            hub.subscribe(Channel.of("news.tech"), s);
        }
        for (String pattern : new String[] {"sport.*", "weather.*", "news.*", "*.tech", "user:[0-9]*"}) {
            hub.psubscribe(Glob.of(pattern), counter);
        }
        payload = "a message of some sixty bytes, as chat lines and events are".getBytes(StandardCharsets.UTF_8);
        room = "news.tech".getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int publish() {
        Message m = Message.published(Channel.of(room), "client#17", payload);
        return hub.publish(m, null);
    }
}
