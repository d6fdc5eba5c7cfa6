package io.tcpkit.server.bench;

import io.tcpkit.server.HostPort;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs one load test: opens the connections, warms up, measures for the duration, checks every
 * reply, and reads the server's CPU time and memory from /proc when given its pid. Plain-TCP
 * echo, line and ping load runs on {@code threads} {@link EventLoop}s (one by default, so that
 * the generator is one thread as redis-benchmark is); TLS, pub/sub and idle connections use
 * blocking sockets on virtual threads. Every loop is bounded by the duration; sockets time out
 * rather than hang.
 *
 * <p>The closed-loop, open-loop, pub/sub and idle runs share the measuring windows here; the
 * connecting is {@link Connector}'s, pub/sub's clients live in {@link PubSubLoad} and the idle
 * greetings and probes in {@link IdleClients}. Just over 300 lines for that reason: the windows
 * (warm-up, measure, the server's /proc readings around them) are one sequence, the same for
 * every workload, and a class per workload would repeat it.
 */
public final class BenchRunner {
    /**
     * How it should run. {@code rate} 0 means closed loop; {@code sourceAddresses} spreads loopback
     * clients; {@code threads} event loops share the plain-TCP connections.
     */
    public record Config(InetSocketAddress target, String mode, int connections, int size, int inFlight,
                         Duration duration, Duration warmup, double rate, boolean tls, Path ca, boolean insecure,
                         Long serverPid, int sourceAddresses, int publishers, int threads,
                         InetSocketAddress subscribersAt) {
        /** Subscribers and publishers on the one target. */
        public Config(InetSocketAddress target, String mode, int connections, int size, int inFlight,
                      Duration duration, Duration warmup, double rate, boolean tls, Path ca, boolean insecure,
                      Long serverPid, int sourceAddresses, int publishers, int threads) {
            this(target, mode, connections, size, inFlight, duration, warmup, rate, tls, ca, insecure, serverPid,
                    sourceAddresses, publishers, threads, null);
        }
    }

    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);

    private final Config config;
    private final PrintStream progress;
    private final BenchStats stats = new BenchStats();
    private final Connector connector;

    public BenchRunner(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
        this.connector = new Connector(config, SOCKET_TIMEOUT);
    }

    /**
     * The id of the process on this machine that listens on {@code target}, for
     * {@code --server-pid auto}: unlike a process name, it tells two servers apart.
     */
    public static java.util.OptionalLong pidListeningOn(InetSocketAddress target) throws IOException {
        return ServerProcess.listeningOn(target);
    }

    public String run(boolean json) throws IOException, InterruptedException {
        BenchResult result = result();
        return json ? result.json() : result.text();
    }

    /** Runs the test and returns its figures. */
    BenchResult result() throws IOException, InterruptedException {
        return switch (config.mode()) {
            case "idle", "idle-command", "idle-subscriber", "idle-chat" -> idle();
            case "pubsub" -> pubsub();
            default -> load();
        };
    }

    private BenchResult load() throws IOException, InterruptedException {
        Workload workload = Workload.of(config.mode(), config.size());
        ServerProcess server = config.serverPid() == null ? null : new ServerProcess(config.serverPid());
        List<Socket> sockets = connect();
        long warmupEnd = System.nanoTime() + config.warmup().toNanos();
        long stop = warmupEnd + config.duration().toNanos();
        List<Thread> threads = config.tls() ? startBlocking(sockets, workload, stop)
                : startEventLoops(sockets, workload, stop);
        Window window = measure(server, warmupEnd, stop);
        for (Thread t : threads) {
            // The loops give up SOCKET_TIMEOUT after the stop time, which is now.
            t.join(SOCKET_TIMEOUT.toMillis() + 1000);
        }
        Connector.closeAll(sockets);
        return new BenchResult(target(), config.mode(), config.connections(), workload.requestBytes(),
                config.inFlight(), 0, config.rate(), window.seconds(), stats.replies(), stats.bytes(),
                stats.errors(), stats.firstError(), stats.total(), window.serverCpu(), window.serverRss(), null, null, new long[0]);
    }

    /**
     * Plain TCP: the connections, non-blocking, dealt round-robin to {@code threads} event loops,
     * each on its own platform thread.
     */
    private List<Thread> startEventLoops(List<Socket> sockets, Workload workload, long stop) throws IOException {
        int loops = Math.min(Math.max(1, config.threads()), sockets.size());
        List<List<LoadChannel>> groups = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            groups.add(new ArrayList<>());
        }
        double perConnection = config.rate() / sockets.size();
        for (int i = 0; i < sockets.size(); i++) {
            SocketChannel channel = sockets.get(i).getChannel();
            channel.configureBlocking(false);
            groups.get(i % loops).add(config.rate() > 0
                    ? new OpenLoopChannel(channel, workload, stats, perConnection)
                    : new ClosedLoopChannel(channel, workload, stats, config.inFlight(), stop));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            EventLoop loop = new EventLoop(groups.get(i), stats, stop, SOCKET_TIMEOUT);
            threads.add(Thread.ofPlatform().name("tcpkit-bench-" + i).daemon(true).start(loop));
        }
        return threads;
    }

    /** TLS: blocking SSLSockets, a virtual thread for each (two for each in open loop). */
    private List<Thread> startBlocking(List<Socket> sockets, Workload workload, long stop) {
        List<Thread> threads = new ArrayList<>();
        double perConnection = config.rate() / sockets.size();
        for (Socket s : sockets) {
            if (config.rate() > 0) {
                OpenLoop loop = new OpenLoop(s, workload, stats, perConnection, stop);
                threads.add(Thread.ofVirtual().start(loop::write));
                threads.add(Thread.ofVirtual().start(loop::read));
            } else {
                threads.add(Thread.ofVirtual().start(new ClosedLoop(s, workload, config.inFlight(), stats, stop)));
            }
        }
        return threads;
    }

    /** {@code connections} subscribers of one room, {@code publishers} publishing to it. */
    private BenchResult pubsub() throws IOException, InterruptedException {
        ServerProcess server = config.serverPid() == null ? null : new ServerProcess(config.serverPid());
        // With subscribersAt (another instance sharing the hub), every message crosses from one
        // instance to the other: the fan-out through Redis. PUBLISH then counts the publisher's
        // instance's receivers only, so its reply is not checked against the subscribers.
        InetSocketAddress at = config.subscribersAt();
        List<Socket> subscribers = at == null ? connect(config.connections()) : connector.connect(config.connections(), at);
        List<Socket> publishers = connect(config.publishers());
        int expectedReply = at == null ? config.connections() : -1;
        PubSubLoad.subscribeAll(subscribers);
        long warmupEnd = System.nanoTime() + config.warmup().toNanos();
        long stop = warmupEnd + config.duration().toNanos();
        List<Thread> subscriberThreads = new ArrayList<>();
        List<Thread> publisherThreads = new ArrayList<>();
        if (SubscriberLoop.supports(subscribers)) {
            subscriberThreads.add(Thread.ofPlatform().name("subscribers").start(
                    new SubscriberLoop(subscribers, config.size(), stats, stop + 1_000_000_000L)));
        } else {
            for (Socket s : subscribers) {
                s.setSoTimeout(2000);
                subscriberThreads.add(Thread.ofVirtual().start(
                        () -> PubSubLoad.subscriber(s, config.size(), stats, stop + 1_000_000_000L)));
            }
        }
        stats.publishers(publishers.size());
        for (int i = 0; i < publishers.size(); i++) {
            Socket s = publishers.get(i);
            int index = i;
            publisherThreads.add(Thread.ofVirtual().start(
                    () -> PubSubLoad.publisher(s, index, config.size(), expectedReply, stats, stop)));
        }
        Window window = measure(server, warmupEnd, stop);
        for (Thread t : publisherThreads) {
            t.join(SOCKET_TIMEOUT.toMillis());
        }
        Connector.closeAll(publishers);
        for (Thread t : subscriberThreads) {
            t.join(SOCKET_TIMEOUT.toMillis());
        }
        Connector.closeAll(subscribers);
        return new BenchResult(target(), "pubsub", config.connections(), config.size(), 1, config.publishers(), 0,
                window.seconds(), stats.replies(), stats.bytes(), stats.errors(), stats.firstError(),
                stats.total(), window.serverCpu(), window.serverRss(), null, null, stats.publishedSorted());
    }

    /**
     * Holds the connections idle and measures the server's memory per connection: resident (RSS)
     * and, for a JVM, live heap after a full GC. With {@code --size} above 0 every connection first
     * echoes one message, so it is idle after use rather than never used, and echoes another after
     * the idle time, to show that it still works.
     */
    private BenchResult idle() throws IOException, InterruptedException {
        ServerProcess server = config.serverPid() == null ? null : new ServerProcess(config.serverPid());
        boolean echo = config.mode().equals("idle");
        Workload probe = echo && config.size() > 0 ? Workload.of("echo", config.size()) : null;
        Long heapBefore = server == null ? null : server.liveHeapBytes();
        if (heapBefore != null) {
            // One client through the same steps first, so that what a server sets up once (its
            // classes' static state, a room's first structures, its first buffers) is not counted
            // per connection.
            List<Socket> one = connect(1);
            try {
                IdleClients.prepare(config.mode(), probe, one, stats);
            } finally {
                Connector.closeAll(one);
            }
            heapBefore = server.liveHeapBytes();
        }
        Long before = server == null ? null : server.rssBytes();
        long start = System.nanoTime();
        stats.startMeasuring(); // every echo counts: there is no warm-up here
        List<Socket> sockets = connect();
        IdleClients.prepare(config.mode(), probe, sockets, stats);
        sleepUntil(System.nanoTime() + config.duration().toNanos());
        Long after = server == null ? null : server.rssBytes();
        Long heapAfter = heapBefore == null ? null : server.liveHeapBytes();
        if (probe != null) {
            IdleClients.echoOnce(sockets, probe, 1, "after idling", stats);
        } else if (!echo) {
            IdleClients.check(config.mode(), sockets, stats);
        } else {
            for (Socket s : sockets) {
                if (s.isClosed()) {
                    stats.error("a connection closed while idle");
                }
            }
        }
        stats.stopMeasuring();
        Connector.closeAll(sockets);
        int n = Math.max(1, sockets.size());
        Long perConnection = before == null ? null : (after - before) / n;
        Long heapPerConnection = heapBefore == null ? null : (heapAfter - heapBefore) / n;
        return new BenchResult(target(), config.mode(), sockets.size(), config.size(), 0, 0, 0, (System.nanoTime() - start) / 1e9,
                stats.replies(), stats.bytes(), stats.errors(), stats.firstError(), new Histogram(3), null, after,
                perConnection, heapPerConnection, new long[0]);
    }

    /** Opens every connection of the run to its target. */
    private List<Socket> connect() throws IOException, InterruptedException {
        return connect(config.connections());
    }

    private List<Socket> connect(int count) throws IOException, InterruptedException {
        return connector.connect(count, config.target());
    }

    /** The measured part of a run: its length, and the server's CPU time in it and memory at its end. */
    private record Window(double seconds, Double serverCpu, Long serverRss) {
    }

    /** Waits out the warm-up, then measures until {@code stop}, showing progress. */
    private Window measure(ServerProcess server, long warmupEnd, long stop) throws IOException, InterruptedException {
        sleepUntil(warmupEnd);
        stats.interval();
        stats.startMeasuring();
        Double cpu0 = server == null ? null : server.cpuSeconds();
        long start = System.nanoTime();
        showProgress(start, stop);
        stats.stopMeasuring();
        long end = System.nanoTime();
        Window window = new Window((end - start) / 1e9, server == null ? null : server.cpuSeconds() - cpu0,
                server == null ? null : server.rssBytes());
        if (progress != null) {
            progress.print("\r\033[K");
            progress.flush();
        }
        return window;
    }

    private void showProgress(long start, long stop) throws InterruptedException {
        long lastReplies = 0;
        long lastNanos = start;
        while (true) {
            long now = System.nanoTime();
            if (now - stop >= 0) {
                return;
            }
            sleepUntil(Math.min(stop, now + TimeUnit.SECONDS.toNanos(1)));
            if (progress != null) {
                long replies = stats.replies();
                long t = System.nanoTime();
                Histogram h = stats.interval();
                progress.printf(Locale.ROOT, "\r\033[K%5.1fs  %,12.0f replies/s  p99 %.3f ms  errors %d",
                        (t - start) / 1e9, (replies - lastReplies) / ((t - lastNanos) / 1e9),
                        h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1e6, stats.errors());
                progress.flush();
                lastReplies = replies;
                lastNanos = t;
            }
        }
    }

    private String target() {
        return HostPort.format(config.target());
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
