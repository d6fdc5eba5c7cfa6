package io.tcpkit.server.cli;

import io.tcpkit.server.bench.BenchRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code tcpkit bench HOST:PORT}: a load generator for echo, line and Redis-protocol servers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test an echo, line or Redis-protocol server; every reply is checked byte for byte.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = "The server to load (loopback or your own hosts only).")
    String target;

    @Option(names = {"-c", "--connections"}, defaultValue = "50", description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-s", "--size"}, defaultValue = "64", description = "Message size in bytes for echo and line (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-d", "--in-flight"}, defaultValue = "1",
            description = "Requests outstanding per connection, closed loop (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
            description = "Load before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-m", "--mode"}, defaultValue = "echo",
            description = "echo (binary), line (text lines), ping (Redis PING), pubsub (Redis SUBSCRIBE/PUBLISH fan-out: "
                    + "--connections subscribers, --publishers), idle (hold connections, for memory) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--rate", defaultValue = "0",
            description = "Requests per second over all connections, open loop; 0 for closed loop (default).")
    double rate;

    @Option(names = "--tls", description = "Speak TLS.")
    boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", description = "With --tls: trust these CA certificates.")
    Path ca;

    @Option(names = "--insecure", description = "With --tls: accept any certificate.")
    boolean insecure;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server's process id (same machine): report its CPU per reply and its memory.")
    Long serverPid;

    @Option(names = "--source-addresses", defaultValue = "1",
            description = "Spread loopback clients over this many source addresses 127.0.1.x (many connections).")
    int sourceAddresses;

    @Option(names = "--publishers", defaultValue = "1",
            description = "With --mode pubsub: connections that PUBLISH, each in a closed loop (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--threads", defaultValue = "1",
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
            System.err.println("tcpkit bench: " + e.getMessage());
            return 2;
        }
        if (connections < 1 || inFlight < 1 || threads < 1 || rate < 0 || duration.isZero() || sourceAddresses < 1
                || sourceAddresses > 254) {
            System.err.println("tcpkit bench: --connections, --in-flight, --threads and --duration must be positive, "
                    + "--rate not negative, --source-addresses 1..254");
            return 2;
        }
        InputFiles.check("--ca", ca);
        boolean live = !json && System.console() != null;
        BenchRunner runner = new BenchRunner(new BenchRunner.Config(address, mode, connections, size, inFlight,
                duration, warmup, rate, tls, ca, insecure, serverPid, sourceAddresses, publishers, threads),
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
}
