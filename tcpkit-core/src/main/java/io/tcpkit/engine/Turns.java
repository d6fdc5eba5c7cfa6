package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionState;
import io.tcpkit.ConnectionTimeoutException;
import io.tcpkit.RequestHandler;
import io.tcpkit.codec.FrameTooLongException;
import io.tcpkit.codec.ReadBuffer;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * What a connection's virtual thread does: the prelude and the opening (on a new connection's
 * first thread), then turns of its handler while requests come, and then either the end of the
 * connection or, when it has gone quiet, the hand-over to the {@link Reactor}, after which the
 * thread ends and a new one takes the connection up when the client speaks again.
 *
 * <p>Between turns a busy connection ({@link Input#BUSY_AFTER} waits for a request in a row were
 * shorter than the {@linkplain io.tcpkit.TcpServer.Builder#quietAfter quiet time}, and not two in
 * a row longer since) keeps its thread, blocked in an untimed read: the fast path. Any other waits
 * without a thread: a client that connects, makes a few quick requests and goes quiet (a pooled
 * connection after its handshake, a subscriber, a chat member who has just joined) holds no
 * thread. The price of untimed reads: a busy connection that falls silent keeps its thread until
 * its next request or its idle timeout, since nothing can end a blocked read without destroying
 * the socket, and a timed read costs the JDK a timer and a poller registration on every request
 * (it doubled the CPU per echo here). While threads the reactor or the acceptor started have not
 * yet run, a busy connection lets them go first before it reads ({@link Starts#giveWay}). Every
 * way out of here goes through {@link ConnectionImpl#close} and {@link ConnectionImpl#end}, unless
 * the connection was handed over.
 */
final class Turns implements Runnable {
    private static final System.Logger LOG = System.getLogger(Turns.class.getName());

    private final ConnectionImpl conn;
    /** Whether this thread carries on a connection that waited without a thread (no opening then). */
    private final boolean resumed;

    private Turns(ConnectionImpl conn, boolean resumed) {
        this.conn = conn;
        this.resumed = resumed;
    }

    /** Starts the first thread of a new connection. False if no thread could be started (the connection has ended). */
    static boolean start(ConnectionImpl conn) {
        return startThread(conn, new Turns(conn, false));
    }

    /** Starts a new thread for a connection the reactor hands back (state ACTIVE already). */
    static boolean resume(ConnectionImpl conn) {
        return startThread(conn, new Turns(conn, true));
    }

    /** Ends a connection that was closed while it had no thread, on a new one (handlers may not run on the reactor). */
    static void endOnNewThread(ConnectionImpl conn) {
        try {
            Thread.ofVirtual().name(conn + " end").start(conn::end);
        } catch (RuntimeException | OutOfMemoryError e) {
            conn.end(); // no thread to be had: end it here rather than leak its permits
        }
    }

    private static boolean startThread(ConnectionImpl conn, Turns turns) {
        Thread thread = Thread.ofVirtual().name(conn.toString()).unstarted(turns);
        conn.owner(thread);
        Starts.starting();
        boolean started = false;
        try {
            thread.start();
            started = true;
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.ERROR, conn.server + ": cannot start a connection thread", e);
            conn.owner(null);
            conn.recordReason(CloseReason.SERVER_CLOSED);
            conn.end();
            return false;
        } finally {
            if (!started) {
                Starts.running(); // whatever start threw: a start counted and never run holds up every busy read
            }
        }
    }

    @Override
    public void run() {
        Starts.running();
        boolean handedOver = false;
        try {
            if (!resumed) {
                if (!Prelude.run(conn)) {
                    return;
                }
                conn.open();
            }
            if (conn.server.spec().blocking() != null) {
                conn.server.spec().blocking().handle(conn); // one turn, the whole conversation
            } else {
                handedOver = serve(conn.handler());
            }
            if (!handedOver) {
                conn.close(conn.in().sawPeerEof() ? CloseReason.PEER_CLOSED
                        : conn.in().sawDrainEof() || conn.server.isDraining() ? CloseReason.SHUTDOWN
                        : CloseReason.SERVER_CLOSED);
            }
        } catch (ConnectionTimeoutException e) {
            conn.close(e.reason());
        } catch (FrameTooLongException e) {
            conn.close(CloseReason.FRAME_TOO_LONG);
        } catch (IOException e) {
            conn.close(CloseReason.IO_ERROR);
            LOG.log(Level.DEBUG, () -> conn + ": " + e);
        } catch (InterruptedException e) {
            conn.close(conn.server.isDraining() ? CloseReason.SHUTDOWN_FORCED : CloseReason.SERVER_CLOSED);
            LOG.log(Level.DEBUG, () -> conn + ": handler interrupted");
        } catch (RuntimeException e) {
            conn.close(CloseReason.HANDLER_ERROR);
            LOG.log(Level.WARNING, conn + ": handler failed", e);
        } finally {
            if (!handedOver) {
                conn.end();
            }
        }
    }

    /**
     * Serves turns while requests come; true when the connection went quiet and was handed to the
     * reactor (this thread then ends without touching it), false when the handler ended it.
     */
    private boolean serve(RequestHandler handler) throws IOException, InterruptedException {
        Input input = conn.in();
        ReadBuffer in = input.buffer();
        while (true) {
            if (in.readable() == 0 && !in.isEof()) {
                conn.out().flushBeforeRead();
                Pressure.await();
                if (!input.busy() && park(handler)) {
                    return true;
                }
                Starts.giveWay(); // the fast path, behind threads that wait to start, if any
                in.fill(); // the fast path: an untimed read on this thread
            }
            long consumed = input.consumed();
            if (!handler.serve(conn)) {
                return false;
            }
            Pressure.await(); // after each request: a publisher is held to its receivers' pace
            if (in.readable() > 0 && input.consumed() == consumed) {
                // It took nothing of what is buffered: it needs more of a frame. Read it here,
                // under the frame's read timeout, rather than call it again at once; at end of
                // stream, once it has seen the end and still takes nothing, the frame never comes.
                if (in.isEof()) {
                    return false;
                }
                in.fill();
            }
        }
    }

    /**
     * Hands the connection to the reactor if it may wait without a thread; true if it now does.
     * While another thread is writing what others sent it (a chat member in a room where people
     * keep joining), the output cannot change hands: follow that writing (each flush waits for
     * what was queued so far) until the writer lets go, unless the client speaks meanwhile, which
     * this thread then reads. It never falls back to a read without end: that kept the members
     * of a busy room on their threads for good (2 to 4 KiB each instead of about 1.2).
     */
    private boolean park(RequestHandler handler) throws IOException {
        Input input = conn.in();
        Output output = conn.out();
        if (!mayWaitWithoutThread()) {
            return false;
        }
        handler.idle(conn);
        while (!output.holdForParking()) {
            if (!mayWaitWithoutThread() || input.available() != 0) {
                return false; // it spoke (or is closing): read it on this thread
            }
            output.flush();
            Thread.yield(); // the writer may be letting go just now, with nothing left to write
        }
        if (!mayWaitWithoutThread()) {
            output.parked(); // lets go of the flag it just took
            return false;
        }
        // The output's drainer flag is held until the connection is IDLE: no writer thread can
        // start meanwhile, and once it is IDLE, what is sent to it goes to the reactor, which
        // makes the socket non-blocking. Memory goes first: once IDLE, others may end it.
        input.release();
        output.releaseMemory();
        conn.releaseAccount();
        input.startedWaiting(conn.server.clock());
        conn.owner(null);
        if (!conn.transition(ConnectionState.ACTIVE, ConnectionState.IDLE)) {
            conn.owner(Thread.currentThread());
            output.parked();
            return false;
        }
        output.parked();
        conn.server.reactor().park(conn);
        return true;
    }

    /** Nothing buffered, no end of stream, no TLS, and the server is not draining. */
    private boolean mayWaitWithoutThread() {
        return conn.in().canWaitWithoutThread() && !conn.server.isDraining();
    }
}
