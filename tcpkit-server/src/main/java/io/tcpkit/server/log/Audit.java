package io.tcpkit.server.log;

import io.tcpkit.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;

/**
 * Audit lines, at info on the logger {@code tcpkit.audit} (so they can be routed or kept on their
 * own): logins that succeed or fail, CLIENT KILL, and what is done through the admin listener.
 * Whatever a client chose (user names, chat names) is escaped here.
 */
public final class Audit {
    /** The logger audit lines go to. */
    public static final String LOGGER = "tcpkit.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Audit() {
    }

    /**
     * A login with a password or a certificate ({@code how}: "password", "certificate"). It runs on
     * the connection's thread, whose name (conn-17 127.0.0.1:50312) each line carries.
     */
    public static void login(String user, InetAddress from, String how, boolean ok) {
        LOG.info("login {}: user '{}' from {} by {}", ok ? "succeeded" : "failed", LogText.of(user),
                from == null ? "?" : from.getHostAddress(), how);
    }

    /** CLIENT KILL: who asked (their connection and user) and which connections were closed. */
    public static void clientKill(long byConnection, String byUser, String from, Object victims) {
        LOG.info("CLIENT KILL by conn-{} user '{}' from {}: closed {}", byConnection, LogText.of(byUser), from,
                victims);
    }

    /** Something done through the admin listener ("kill conn-17 (chat alice)", "thread dump"). */
    public static void admin(String action, String from) {
        LOG.info("admin {} from {}", action, from);
    }

    /** An admin action refused, and why. */
    public static void adminRefused(String action, String from, String why) {
        LOG.info("admin {} from {} refused: {}", action, from, why);
    }
}
