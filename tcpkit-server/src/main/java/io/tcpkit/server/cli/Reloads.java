package io.tcpkit.server.cli;

import io.tcpkit.TcpServer;
import io.tcpkit.server.auth.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a running server reloads on SIGHUP, in this order: its options (from the config file; the
 * log level applies, see {@link ConfigReload}), the users file, and the TLS certificates; then one
 * log line says what was reloaded. The users file is also reloaded when it changes.
 */
final class Reloads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reloads.class);

    private final ConfigReload config;
    private final UsersReload users;
    private final List<TcpServer> servers = new CopyOnWriteArrayList<>();

    /** @param usersFile the users file behind {@code authenticator}, or null for none */
    Reloads(CommandSpec command, Authenticator authenticator, Path usersFile) {
        this.config = new ConfigReload(command);
        this.users = usersFile == null ? null : new UsersReload(authenticator, usersFile);
    }

    /** A listener whose TLS certificate (if any) SIGHUP reloads. */
    void add(TcpServer server) {
        servers.add(server);
    }

    /** Starts watching the users file. */
    void start() {
        if (users != null) {
            users.watch();
        }
    }

    /** SIGHUP: reloads everything, then says what in one line. */
    void hangUp() {
        List<String> what = new ArrayList<>();
        try {
            String options = config.reload();
            if (options != null) {
                what.add(options);
            }
            if (users != null) {
                what.add(users.reload());
            }
            List<String> tls = new ArrayList<>();
            for (TcpServer server : servers) {
                if (server.tlsFingerprint().isPresent()) {
                    tls.add(server.service() + (server.reloadTls() ? "" : " (failed, the previous one stays)"));
                }
            }
            if (!tls.isEmpty()) {
                what.add("TLS certificate of " + String.join(", ", tls));
            }
        } catch (RuntimeException e) {
            LOG.error("SIGHUP: reload failed", e);
        }
        LOG.info("SIGHUP received: reloaded {}", what.isEmpty()
                ? "nothing (no config file, users file or TLS certificate)" : String.join("; ", what));
    }

    @Override
    public void close() {
        if (users != null) {
            users.close();
        }
    }
}
