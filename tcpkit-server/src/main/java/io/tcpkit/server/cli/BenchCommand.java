package io.tcpkit.server.cli;

import io.tcpkit.server.bench.BenchRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code tcpkit bench HOST:PORT}: a load generator for echo, line and Redis-protocol servers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test an echo, line or Redis-protocol server; every reply is checked byte for byte.")
final class BenchCommand implements Callable<Integer> {
    static final List<String> MODES = List.of("echo", "line", "ping", "pubsub", "idle", "idle-command",
            "idle-subscriber", "idle-chat");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "HOST:PORT", description = "The server to load (loopback or your own hosts only).")
    String target;

    @Option(names = {"-c", "--connections"}, defaultValue = "50", converter = Bounded.AtLeastOne.class,
            description = "Connections; with --mode pubsub, subscribers (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-s", "--size"}, defaultValue = "64", converter = Bounded.NotNegative.class,
            description = "Message size in bytes for echo, line and pubsub (default: ${DEFAULT-VALUE}).")
    int size;

    // Not -d: redis-benchmark's -d is the data size and wrk's the duration; -P is redis-benchmark's pipeline.
    @Option(names = {"-P", "--in-flight"}, defaultValue = "1", converter = Bounded.AtLeastOne.class,
            description = "Requests outstanding per connection, closed loop (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--duration", defaultValue = "10s", converter = Bounded.PositiveDuration.class,
            description = "Measured time, e.g. 30s or 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "-d", hidden = true, paramLabel = "?", description = "Ambiguous, so refused with what to use instead.")
    void ambiguousD(String value) {
        throw new ParameterException(spec.commandLine(), "-d is ambiguous: use --duration " + value
                + " for the measured time, or --in-flight (-P) for requests outstanding per connection");
    }

    @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
            description = "Load before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-m", "--mode"}, defaultValue = "echo", converter = ModeConverter.class,
            description = "echo (binary), line (text lines), ping (Redis PING), pubsub (Redis SUBSCRIBE/PUBLISH fan-out: "
                    + "--connections subscribers of one channel, --publishers), idle (hold connections, for memory; echo "
                    + "once before and after), idle-command (a PING first), idle-subscriber (SUBSCRIBE first), idle-chat "
                    + "(join the chat's lobby first) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--rate", defaultValue = "0", converter = Bounded.NotNegativeRate.class,
            description = "Requests per second over all connections, open loop; 0 for closed loop (default).")
    double rate;

    @Option(names = "--tls", description = "Speak TLS.")
    boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", description = "With --tls: trust these CA certificates.")
    Path ca;

    @Option(names = "--insecure", description = "With --tls: accept any certificate.")
    boolean insecure;

    @Option(names = "--server-pid", paramLabel = "PID|auto",
            description = "The server's process on this machine, or auto for the one listening on HOST:PORT: "
                    + "report its CPU per reply and its memory.")
    String serverPid;

    @Option(names = "--source-addresses", defaultValue = "1", converter = Bounded.AtLeastOne.class,
            description = "Spread loopback clients over this many source addresses 127.0.1.x, up to 254 (many connections).")
    int sourceAddresses;

    @Option(names = "--publishers", defaultValue = "1", converter = Bounded.AtLeastOne.class,
            description = "With --mode pubsub: connections that PUBLISH to the channel, each with one message in flight "
                    + "(default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--subscribers-at", paramLabel = "HOST:PORT",
            description = "With --mode pubsub: connect the subscribers here (another instance sharing the hub), "
                    + "the publishers to HOST:PORT; PUBLISH's reply is then not checked.")
    String subscribersAt;

    @Option(names = "--threads", defaultValue = "1", converter = Bounded.AtLeastOne.class,
            description = "Event-loop threads that share the connections of plain-TCP echo, line and ping load "
                    + "(default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress address;
        try {
            address = ConnectCommand.parse(target);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (sourceAddresses > 254) {
            throw new UsageException("--source-addresses: at most 254 (127.0.1.1 to 127.0.1.254), not " + sourceAddresses);
        }
        InputFiles.check("--ca", ca);
        Long pid;
        try {
            pid = serverPid(address);
        } catch (IOException e) {
            System.err.println("tcpkit bench: --server-pid auto: " + e.getMessage());
            return 1;
        }
        boolean live = !json && System.console() != null;
        BenchRunner runner = new BenchRunner(new BenchRunner.Config(address, mode, connections, size, inFlight,
                duration, warmup, rate, tls, ca, insecure, pid, sourceAddresses, publishers, threads,
                subscribersAt == null ? null : ConnectCommand.parse(subscribersAt)),
                live ? System.err : null);
        try {
            String result = runner.run(json);
            System.out.println(result.strip());
            return result.contains(json ? "\"errors\":0," : "errors      0") ? 0 : 1;
        } catch (IOException e) {
            System.err.println("tcpkit bench: " + ConnectCommand.handshakeFailure(e, ca));
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("tcpkit bench: " + e.getMessage());
            return 1;
        }
    }

    private Long serverPid(InetSocketAddress address) throws IOException {
        if (serverPid == null) {
            return null;
        }
        if (serverPid.equals("auto")) {
            OptionalLong pid = BenchRunner.pidListeningOn(address);
            if (pid.isEmpty()) {
                throw new IOException("no process of yours on this machine listens on " + target);
            }
            return pid.getAsLong();
        }
        try {
            return Long.parseLong(serverPid);
        } catch (NumberFormatException e) {
            throw new UsageException("--server-pid: a process id or auto, not '" + serverPid + "'");
        }
    }

    /** The mode, checked here so that the error lists every mode. */
    static final class ModeConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!MODES.contains(value)) {
                throw new TypeConversionException("'" + value + "' is not one of " + String.join(", ", MODES));
            }
            return value;
        }
    }
}
