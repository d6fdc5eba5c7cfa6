package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One platform thread per listener with one Selector: where connections wait without a thread, and
 * the one deadline service of the listener.
 *
 * <ul>
 * <li><b>Waiting.</b> A quiet connection's thread hands it over ({@link #park}) and ends. When the
 *     client speaks, the reactor reads what came (non-blocking), and a new virtual thread takes the
 *     connection up with its request already in the buffer.</li>
 * <li><b>Output of waiting connections.</b> Messages sent to a connection without a thread are
 *     written here, with non-blocking writes ({@link #drainSoon}); what the socket does not take
 *     waits for it to be writable. Fan-out to idle subscribers costs no thread.</li>
 * <li><b>Deadlines.</b> Between selects it runs the listener's {@link Deadlines} service, which
 *     expires every deadline that has passed and wakes its waiter.</li>
 * <li><b>Drain.</b> When the server drains, every waiting connection gets a thread, which sees the
 *     drain's end of stream.</li>
 * </ul>
 *
 * <p>All selector work happens on this thread; others queue a request and wake it. A channel must
 * be non-blocking while registered and registered nowhere to be blocking again, so a connection's
 * key is cancelled and flushed (a {@code selectNow}) before its channel goes back to blocking mode
 * and its new thread starts.
 *
 * <p>A little over 300 lines: its four jobs share the one selector and the one thread, and each is
 * short; most of the length is the reasons for the order of each round.
 */
final class Reactor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Reactor.class.getName());
    /** The fewest drains a round takes before it looks at the selector again (see {@link #takeDrains}). */
    static final int MIN_DRAINS_PER_ROUND = 64;

    private final EngineServer server;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<ConnectionImpl> parks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ConnectionImpl> drains = new ConcurrentLinkedQueue<>();
    private final List<ConnectionImpl> toResume = new ArrayList<>();
    /**
     * Non-blocking writes gather queued messages here: one buffer for every connection of the
     * listener, outside the heap, so that the socket writes from it without the JDK's copy into
     * a temporary buffer of its own.
     */
    private final ByteBuffer gather = ByteBuffer.allocateDirect(Output.GATHER_BYTES);
    private final Deadlines deadlines;
    private volatile boolean wakeupPending;
    private volatile boolean stopped;

    Reactor(EngineServer server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.deadlines = new Deadlines(server);
        this.thread = Thread.ofPlatform().daemon()
                .name("tcpkit-reactor-" + server.service() + "-" + server.port()).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Ends the thread (after the last connection, or after a forced close) and closes the selector. */
    void stop() {
        stopped = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the reactor's selector: {0}", e);
        }
    }

    /** Takes over an IDLE connection from its thread, which ends right after. */
    void park(ConnectionImpl conn) {
        parks.add(conn);
        wakeup();
    }

    /** Writes what was queued for an IDLE connection. */
    void drainSoon(ConnectionImpl conn) {
        drains.add(conn);
        wakeup();
    }

    /** The server began to drain: every waiting connection gets a thread, which sees the drain. */
    void drainStarted() {
        wakeup();
    }

    private void wakeup() {
        if (!wakeupPending) {
            wakeupPending = true;
            selector.wakeup();
        }
    }

    Deadlines deadlines() {
        return deadlines;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                try {
                    long wait = deadlines.untilNextSweep(server.clock());
                    // A request for a wakeup made since the last round may have been used up by
                    // resumeAll's selectNow (which clears a pending wakeup): then look, don't wait,
                    // or the park or drain it asked for waits for the next sweep (up to 500 ms:
                    // echo with 1,000 connections fell to 3,500 replies/s, p99 500 ms).
                    if (wait > 0 && !wakeupPending && drains.isEmpty()) {
                        selector.select(this::ready, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    } else {
                        selector.selectNow(this::ready);
                    }
                    wakeupPending = false; // before the queues are looked at: a later request wakes us again
                    takeParks();
                    if (server.isDraining()) {
                        for (SelectionKey key : selector.keys()) {
                            resumeLater((ConnectionImpl) key.attachment());
                        }
                    }
                    deadlines.sweepIfDue(server.clock());
                    // Requests read in this round go to their threads before the round's writes:
                    // under a fan-out a round of drains is some 1,000 writes and tens of
                    // milliseconds, and a publisher read at its start waited all of it for its
                    // thread (one of the causes of the fan-out p99, bench/results/issue-13-fanout.md).
                    resumeAll();
                    takeDrains();
                } catch (VirtualMachineError e) {
                    throw e; // out of memory or stack: the process exits (ExitOnOutOfMemoryError)
                } catch (IOException | RuntimeException | Error e) {
                    // Even a broken invariant (AssertionError) or a class that failed to load:
                    // ending here would close every waiting connection and strand those to come.
                    LOG.log(Level.ERROR, server + ": reactor failed; carrying on", e);
                }
            }
        } finally {
            stopped = true;
            endLeftovers();
        }
    }

    /** A key turned ready: what came is read now, and the connection resumes with it. */
    private void ready(SelectionKey key) {
        ConnectionImpl conn = (ConnectionImpl) key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (key.isWritable()) {
            writeMore(conn, key);
        }
        if (key.isValid() && key.isReadable()) {
            try {
                if (conn.in().readNow() == 0) {
                    return; // nothing after all
                }
            } catch (IOException e) {
                // Reset, most likely: the new thread finds out and ends the connection.
            }
            resumeLater(conn);
        }
    }

    private void takeParks() {
        ConnectionImpl conn;
        while ((conn = parks.poll()) != null) {
            if (conn.state() != ConnectionState.IDLE) {
                continue; // closed meanwhile; whoever closed it ends it
            }
            if (server.isDraining()) {
                resumeLater(conn);
                continue;
            }
            try {
                conn.channel.configureBlocking(false);
                conn.key = conn.channel.register(selector, SelectionKey.OP_READ, conn);
                if (conn.out().queuedBytes() > 0) {
                    drains.add(conn); // sent to it while it was on its way here
                }
            } catch (IOException | RuntimeException e) {
                // Closed meanwhile, most likely: nobody else will end it.
                if (conn.transition(ConnectionState.IDLE, ConnectionState.CLOSING)) {
                    conn.recordReason(CloseReason.IO_ERROR);
                    Turns.endOnNewThread(conn);
                }
            }
        }
    }

    /**
     * Writes for the connections in the queue of drains, at most one round's worth: as many as
     * are registered here (each is queued once however much it is sent). Senders fill the queue
     * while it is worked through (on a shared core they run between the writes), and a loop that
     * took until it was empty did not come back to the selector for seconds under a sustained
     * fan-out: the publishers that had handed their connections to the reactor were not read
     * meanwhile, with their next request in the socket, while the few that kept their threads
     * published on alone (bench/run fanout-1000x100: 99 of 100 publishers unread for 2 s and
     * more, one drain loop of 7.7 s and 317,000 writes). What is left is taken next round, after
     * a look at the selector that does not wait.
     */
    private void takeDrains() {
        ConnectionImpl conn;
        int round = Math.max(MIN_DRAINS_PER_ROUND, selector.keys().size());
        while (round-- > 0 && (conn = drains.poll()) != null) {
            conn.out().takenByReactor(); // before it looks at the queue: a later send queues it again
            SelectionKey key = conn.key;
            try {
                if (conn.state() == ConnectionState.IDLE && key != null && key.isValid()
                        && (key.interestOps() & SelectionKey.OP_WRITE) == 0 && conn.out().tryAcquireForReactor()) {
                    writeMore(conn, key);
                }
            } catch (CancelledKeyException e) {
                // Closed meanwhile: whoever closed it ends it.
            }
            // Not waiting here any more: its own thread writes what is queued before it reads.
        }
    }

    /** Writes what the socket takes; keeps the drainer's flag and waits for OP_WRITE while it is full. */
    private void writeMore(ConnectionImpl conn, SelectionKey key) {
        Output out = conn.out();
        try {
            if (out.drainNow(gather)) {
                out.deadline().disarm();
                key.interestOps(SelectionKey.OP_READ);
                out.forgetEmptyQueue(); // idle again, and empty: what it was sent no longer costs it
                conn.releaseAccount();
                out.releaseFromReactor();
            } else if ((key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                out.keptByReactor();
                out.deadline().arm(server.clock(), server.limits().writeTimeout().toNanos(), CloseReason.WRITE_TIMEOUT);
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException | CancelledKeyException e) {
            conn.abort(CloseReason.IO_ERROR); // closed under us (killed, a slow consumer): gone anyway
        }
    }

    /** Takes an IDLE connection back from the selector, for a new thread to serve; once. */
    private void resumeLater(ConnectionImpl conn) {
        if (!conn.transition(ConnectionState.IDLE, ConnectionState.ACTIVE)) {
            return; // closed meanwhile, or already taken back
        }
        SelectionKey key = conn.key;
        if (key != null) {
            conn.key = null;
            key.cancel();
        }
        conn.out().holdForResume();
        toResume.add(conn);
    }

    /** Blocking mode again (after the cancelled keys are flushed), then a new thread for each. */
    private void resumeAll() throws IOException {
        if (toResume.isEmpty()) {
            return;
        }
        int before;
        do { // deregisters the cancelled keys; keys that turn ready meanwhile are taken too
            before = toResume.size();
            selector.selectNow(this::ready);
        } while (toResume.size() != before);
        long now = server.clock();
        for (ConnectionImpl conn : toResume) {
            conn.in().resumed(now);
            try {
                conn.channel.configureBlocking(true);
            } catch (IOException e) {
                // Closed meanwhile: the new thread finds out and ends the connection.
            }
            conn.out().releaseIfReactorHeld();
            Turns.resume(conn);
        }
        toResume.clear();
    }

    /**
     * After a forced close the reactor may stop with connections still waiting or queued: they
     * have no thread to end them, so they are ended here, as forced closes.
     */
    private void endLeftovers() {
        List<ConnectionImpl> left = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            left.add((ConnectionImpl) key.attachment());
        }
        ConnectionImpl conn;
        while ((conn = parks.poll()) != null) {
            left.add(conn);
        }
        drains.clear();
        for (ConnectionImpl c : toResume) { // taken back, but no thread was started for them
            if (c.state() == ConnectionState.ACTIVE && c.transition(ConnectionState.ACTIVE, ConnectionState.CLOSING)) {
                c.recordReason(CloseReason.SHUTDOWN_FORCED);
                c.closeChannel();
                Turns.endOnNewThread(c);
            }
        }
        toResume.clear();
        for (ConnectionImpl c : left) {
            if (c.transition(ConnectionState.IDLE, ConnectionState.CLOSING)) {
                c.recordReason(CloseReason.SHUTDOWN_FORCED);
                c.closeChannel();
                Turns.endOnNewThread(c);
            }
        }
    }
}
