package io.tcpkit.server.cli;

import io.tcpkit.server.admin.AdminServer;
import picocli.CommandLine.Option;

/** The admin HTTP listener: metrics, health, listings, the live page, profiling. */
final class AdminOptions {
    @Option(names = "--admin-port", defaultValue = "" + AdminServer.DEFAULT_PORT,
            description = "Port of the admin HTTP listener: /metrics, /readyz, /connz, the live page at / "
                    + "(default: ${DEFAULT-VALUE}; 0 turns it off).")
    int port;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1",
            description = "Address of the admin listener, apart from --host so metrics are never exposed by "
                    + "accident (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Token that admin actions (kill, /debug) must send as 'Authorization: Bearer TOKEN'; "
                    + "without one they are allowed from loopback only.")
    String token;

    boolean enabled() {
        return port != 0;
    }
}
