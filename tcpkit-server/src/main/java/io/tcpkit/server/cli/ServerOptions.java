package io.tcpkit.server.cli;

import io.tcpkit.Limits;
import io.tcpkit.MemoryBudget;
import io.tcpkit.TcpServer;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Options shared by every command that runs listeners: where to bind, and the limits. */
final class ServerOptions {
    @Option(names = "--host", defaultValue = TcpServer.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: for all).")
    String host;

    @Option(names = "--max-connections", converter = Bounded.AtLeastOne.class, defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS,
            description = "Connections open at once per listener (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", converter = Bounded.AtLeastOne.class, defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description = "Connections open at once from one client address (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--idle-timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "Close a connection with no input for this long; 0 for never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--read-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time a started line or frame may take to complete; 0 for no limit (default: ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Option(names = "--write-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Close a connection whose peer has not read our output for this long (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(names = "--max-line-bytes", converter = Bounded.AtLeastOne.class, defaultValue = "" + Limits.DEFAULT_MAX_LINE_BYTES,
            description = "Longest line accepted (default: ${DEFAULT-VALUE}).")
    int maxLineBytes;

    @Option(names = "--max-outbound-bytes", converter = Bounded.AtLeastOne.class, defaultValue = "" + Limits.DEFAULT_MAX_OUTBOUND_BYTES,
            description = "Bytes of chat or pub/sub messages that may wait for one slow reader before it is "
                    + "disconnected as a slow consumer (default: ${DEFAULT-VALUE}).")
    int maxOutboundBytes;

    @Option(names = "--max-client-memory", paramLabel = "BYTES|PERCENT", converter = ClientMemory.class,
            defaultValue = ClientMemory.DEFAULT,
            description = "What the server may hold for all its clients together (partial requests, replies and messages "
                    + "waiting, subscriptions): bytes (k, m, g suffixes) or a percentage of the max heap. At the limit "
                    + "the biggest holders are evicted; one address may hold " + MemoryBudget.DEFAULT_ADDRESS_SHARE_PERCENT
                    + "%% of it (default: ${DEFAULT-VALUE} of the heap).")
    ClientMemory maxClientMemory;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "On shutdown, time given to open connections to finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    private MemoryBudget budget;

    /** The one budget every listener of this run shares. */
    MemoryBudget budget() {
        if (budget == null) {
            budget = MemoryBudget.of(maxClientMemory.bytes());
        }
        return budget;
    }

    Limits limits() {
        return Limits.DEFAULT
                .withMaxConnections(maxConnections)
                .withMaxConnectionsPerAddress(maxConnectionsPerAddress)
                .withIdleTimeout(idleTimeout)
                .withReadTimeout(readTimeout)
                .withWriteTimeout(writeTimeout)
                .withMaxLineBytes(maxLineBytes)
                .withMaxOutboundBytes(maxOutboundBytes);
    }
}
