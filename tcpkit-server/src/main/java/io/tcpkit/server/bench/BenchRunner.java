package io.tcpkit.server.bench;

import io.tcpkit.server.HostPort;
import io.tcpkit.tls.TlsContexts;
import org.HdrHistogram.Histogram;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs one load test: opens the connections, warms up, measures for the duration, checks every
 * reply, and reads the server's CPU time and memory from /proc when given its pid. Plain-TCP
 * echo, line and ping load runs on {@code threads} {@link EventLoop}s (one by default, so that
 * the generator is one thread as redis-benchmark is); TLS, pub/sub and idle connections use
 * blocking sockets on virtual threads. Every loop is bounded by the duration; sockets time out
 * rather than hang.
 *
 * <p>Just over 300 lines: the closed-loop, open-loop and idle runs share the connecting and the
 * measuring windows here; pub/sub and the idle greetings live in {@link PubSubLoad} and
 * {@link IdleClients}.
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

    private static final int CONNECT_PARALLELISM = 64;
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);

    private final Config config;
    private final PrintStream progress;
    private final BenchStats stats = new BenchStats();

    public BenchRunner(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
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
        closeAll(sockets);
        return new BenchResult(target(), config.mode(), config.connections(), workload.requestBytes(),
                config.inFlight(), 0, config.rate(), window.seconds(), stats.replies(), stats.bytes(),
                stats.errors(), stats.firstError(), stats.total(), window.serverCpu(), window.serverRss(), null, null);
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
        List<Socket> subscribers = at == null ? connect(config.connections()) : connect(config.connections(), at);
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
        for (Socket s : publishers) {
            publisherThreads.add(Thread.ofVirtual().start(
                    () -> PubSubLoad.publisher(s, config.size(), expectedReply, stats, stop)));
        }
        Window window = measure(server, warmupEnd, stop);
        for (Thread t : publisherThreads) {
            t.join(SOCKET_TIMEOUT.toMillis());
        }
        closeAll(publishers);
        for (Thread t : subscriberThreads) {
            t.join(SOCKET_TIMEOUT.toMillis());
        }
        closeAll(subscribers);
        return new BenchResult(target(), "pubsub", config.connections(), config.size(), 1, config.publishers(), 0,
                window.seconds(), stats.replies(), stats.bytes(), stats.errors(), stats.firstError(),
                stats.total(), window.serverCpu(), window.serverRss(), null, null);
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
        Long before = server == null ? null : server.rssBytes();
        long start = System.nanoTime();
        stats.startMeasuring(); // every echo counts: there is no warm-up here
        List<Socket> sockets = connect();
        if (probe != null) {
            echoOnce(sockets, probe, 0, "before idling");
        } else if (!echo) {
            IdleClients.greet(config.mode(), sockets, stats);
        }
        sleepUntil(System.nanoTime() + config.duration().toNanos());
        Long after = server == null ? null : server.rssBytes();
        Long heapAfter = heapBefore == null ? null : server.liveHeapBytes();
        if (probe != null) {
            echoOnce(sockets, probe, 1, "after idling");
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
        closeAll(sockets);
        int n = Math.max(1, sockets.size());
        Long perConnection = before == null ? null : (after - before) / n;
        Long heapPerConnection = heapBefore == null ? null : (heapAfter - heapBefore) / n;
        return new BenchResult(target(), config.mode(), sockets.size(), config.size(), 0, 0, 0, (System.nanoTime() - start) / 1e9,
                stats.replies(), stats.bytes(), stats.errors(), stats.firstError(), new Histogram(3), null, after,
                perConnection, heapPerConnection);
    }

    /** One echo round trip on every connection, in turn, checked byte for byte. */
    private void echoOnce(List<Socket> sockets, Workload probe, long seq, String when) {
        byte[] request = new byte[probe.requestBytes()];
        byte[] reply = new byte[probe.replyBytes()];
        probe.request(request, 0, seq);
        for (Socket s : sockets) {
            try {
                long sent = System.nanoTime();
                s.getOutputStream().write(request);
                if (s.getInputStream().readNBytes(reply, 0, reply.length) != reply.length
                        || !probe.replyMatches(reply, 0, seq)) {
                    stats.error("a connection did not echo " + when);
                    continue;
                }
                stats.reply(System.nanoTime() - sent, reply.length);
            } catch (IOException e) {
                stats.error("a connection failed " + when + ": " + e.getMessage());
            }
        }
    }

    /** Opens every connection, a few dozen at a time; clients on loopback may be spread over 127.0.1.x. */
    private List<Socket> connect() throws IOException, InterruptedException {
        return connect(config.connections());
    }

    private List<Socket> connect(int count) throws IOException, InterruptedException {
        return connect(count, config.target());
    }

    private List<Socket> connect(int count, InetSocketAddress address) throws IOException, InterruptedException {
        SSLContext tls = config.tls() ? TlsContexts.clientContext(config.ca(), null, null, config.insecure()) : null;
        Semaphore parallel = new Semaphore(CONNECT_PARALLELISM);
        List<Future<Socket>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                parallel.acquire();
                futures.add(executor.submit(() -> {
                    try {
                        return open(index, tls, address);
                    } finally {
                        parallel.release();
                    }
                }));
            }
        }
        List<Socket> sockets = new ArrayList<>();
        IOException failure = null;
        for (Future<Socket> f : futures) {
            try {
                sockets.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        if (failure != null) {
            closeAll(sockets);
            throw new IOException("could not open " + count + " connections to " + target()
                    + ": " + failure.getMessage(), failure);
        }
        return sockets;
    }

    /**
     * One connection, connected blocking; plain ones are SocketChannels (seen through their
     * socket adaptor until an event loop takes them non-blocking), TLS ones SSLSockets over them.
     */
    private Socket open(int index, SSLContext tls, InetSocketAddress address) throws IOException {
        Socket socket = SocketChannel.open().socket();
        try {
            if (config.sourceAddresses() > 1 && address.getAddress().isLoopbackAddress()) {
                int n = index % config.sourceAddresses();
                socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + n)}), 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) SOCKET_TIMEOUT.toMillis());
            socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
            if (tls == null) {
                return socket;
            }
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    address.getHostString(), address.getPort(), true);
            ssl.startHandshake();
            return ssl;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
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

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing is all that is left to do.
            }
        }
    }
}
