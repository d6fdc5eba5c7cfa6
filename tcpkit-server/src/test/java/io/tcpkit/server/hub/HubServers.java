package io.tcpkit.server.hub;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.chat.ChatLimits;
import io.tcpkit.server.chat.ChatService;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.session.Sessions;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The chat and command services in this process on loopback, sharing one {@link LocalHub} and one
 * set of sessions, as {@code tcpkit serve} runs them. Closing it closes both listeners and every
 * {@link Peer} opened through it.
 */
public final class HubServers implements AutoCloseable {
    public final Sessions sessions = new Sessions();
    public final LocalHub hub = new LocalHub();
    public final Authenticator authenticator;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private TcpServer chat;
    private TcpServer command;

    public HubServers() {
        this(Users.open());
    }

    public HubServers(Users users) {
        this.authenticator = new Authenticator(users);
    }

    /** Starts the chat service with these limits. */
    public TcpServer startChat(Limits limits) throws IOException {
        return startChat(limits, ChatLimits.DEFAULT);
    }

    /** Starts the chat service with these limits and these limits on what one person may say. */
    public TcpServer startChat(Limits limits, ChatLimits chatLimits) throws IOException {
        ChatService service = new ChatService(sessions, authenticator, hub, chatLimits);
        chat = TcpServer.builder().port(0).service("chat").handler(service.handler()).limits(limits).start();
        track(chat);
        service.started(chat);
        return chat;
    }

    /** Starts the command service with these limits. */
    public TcpServer startCommand(Limits limits) throws IOException {
        CommandService service = new CommandService(sessions, authenticator, hub, RespReader.DEFAULT_MAX_REQUEST_BYTES);
        command = TcpServer.builder().port(0).service("command").handler(service.handler()).limits(limits)
                .rejectionMessage(service::rejectionMessage).start();
        track(command);
        service.started(command);
        return command;
    }

    public TcpServer chat() {
        return chat;
    }

    public TcpServer command() {
        return command;
    }

    /** A client of the chat service, closed with the fixture. */
    public Peer chatPeer(String label) throws IOException {
        return track(Peer.connect(chat.port(), label));
    }

    /** A client of the command service, closed with the fixture. */
    public Peer commandPeer(String label) throws IOException {
        return track(Peer.connect(command.port(), label));
    }

    public <T extends AutoCloseable> T track(T closeable) {
        synchronized (toClose) {
            toClose.add(closeable);
        }
        return closeable;
    }

    /** Closes of one reason on a listener so far. */
    public static long closed(TcpServer server, CloseReason reason) {
        return server.stats().closed().getOrDefault(reason, 0L);
    }

    /** Polls a condition until it holds, or fails after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Shuts the listeners down gracefully while every peer reads what it is still owed up to the
     * server's end of stream, then closes it: each handler says goodbye to a peer that is still
     * there, and no socket closes with unread data.
     */
    @Override
    public void close() {
        List<AutoCloseable> all;
        synchronized (toClose) {
            all = new ArrayList<>(toClose);
        }
        List<Thread> closers = new ArrayList<>();
        for (AutoCloseable c : all) {
            if (c instanceof TcpServer s) {
                closers.add(Thread.ofPlatform().name("close " + s).start(s::close));
            }
        }
        for (AutoCloseable c : all) {
            if (c instanceof Peer p) {
                p.awaitClosedByServer();
                p.close();
            }
        }
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
