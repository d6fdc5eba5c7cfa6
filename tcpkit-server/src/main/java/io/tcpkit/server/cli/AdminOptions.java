package io.tcpkit.server.cli;

import io.tcpkit.server.admin.AdminServer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The admin HTTP listener: metrics, health, listings, the live page, profiling. */
final class AdminOptions {
    @Option(names = "--admin-port", converter = Port.class, defaultValue = "" + AdminServer.DEFAULT_PORT,
            description = "Port of the admin HTTP listener: /metrics, /readyz, /connz, the live page at / "
                    + "(default: ${DEFAULT-VALUE}; 0 turns it off).")
    int port;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1",
            description = "Address of the admin listener, apart from --host so metrics are never exposed by "
                    + "accident (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--admin-token", paramLabel = "TOKEN", converter = Token.class,
            description = "Token that admin actions (kill, /debug) must send as 'Authorization: Bearer TOKEN'; "
                    + "without one they are allowed from loopback only.")
    String token;

    boolean enabled() {
        return port != 0;
    }

    /** The admin port: 0 turns the listener off here, where for the services it picks a free port. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = Bounded.integer(value);
            if (n < 0 || n > 65535) {
                throw new TypeConversionException("a port is 1 to 65535, or 0 to turn the admin listener off, not " + n);
            }
            return n;
        }
    }

    /** An empty token (easily written as 'admin-token =' in a config file) would let anyone act who sends 'Bearer '. */
    static final class Token implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("must not be empty (leave the option out for loopback-only actions)");
            }
            return value;
        }
    }
}
