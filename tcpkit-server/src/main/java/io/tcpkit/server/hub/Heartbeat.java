package io.tcpkit.server.hub;

import io.lettuce.core.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.List;

/**
 * A {@link RedisHub}'s pulse, every {@link #PERIOD} on a thread of its own: (re)connects, refreshes
 * the instance's key, proves the round trip through the pub/sub channel (a ping sent to itself
 * must come back), republishes the instance's presence after an outage and reaps the instances
 * whose key expired. It alone decides whether the hub is up, and logs one line when Redis is lost
 * and one when it is back.
 */
final class Heartbeat implements AutoCloseable {
    /** How often an instance proves it is alive and reaps the instances that are not. */
    static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RedisHub.class);

    /** What the hub does at the heartbeat's request. */
    interface Hub {
        /** Redis is reachable again (or for the first time): put this instance's names there. */
        void republish();

        /** Instances died: these are their names' entries ("instance LF name LF room"). */
        void reaped(List<String> entries);
    }

    private final RedisLink link;
    private final String id;
    private final Hub hub;
    private final Thread thread;
    private final Object echoes = new Object();
    private long echoed;
    private long pinged;
    private volatile boolean up;
    private volatile String downReason = "connecting";
    private volatile boolean closed;
    private boolean everUp;
    /** Whether the "unreachable" line was written for a hub not yet connected (once only). */
    private boolean downLogged;

    Heartbeat(RedisLink link, String id, Hub hub) {
        this.link = link;
        this.id = id;
        this.hub = hub;
        this.thread = Thread.ofPlatform().daemon().name("tcpkit-hub-heartbeat").unstarted(this::run);
    }

    /** One beat now (so a hub that can connect at once is up when it starts), then one per period. */
    void start() {
        tick();
        thread.start();
    }

    boolean up() {
        return up;
    }

    String downReason() {
        return downReason;
    }

    /** A ping of ours came back through the channel. */
    void echoed(long ping) {
        synchronized (echoes) {
            echoed = Math.max(echoed, ping);
            echoes.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    private void tick() {
        try {
            link.connect();
            link.heartbeat();
            long ping;
            synchronized (echoes) {
                ping = ++pinged;
            }
            if (!link.publish(Relayed.ping(id, ping)) || !awaitEcho(ping)) {
                throw new RedisException("no answer through the pub/sub channel within " + RedisLink.TIMEOUT.toMillis() + " ms");
            }
            if (!up) {
                // Up first, so that names claimed from now on go to Redis themselves; then the
                // names held already (a name given back meanwhile is taken out again).
                up = true;
                hub.republish();
                if (everUp) {
                    LOG.info("hub: Redis at {} is reachable again: resubscribed, presence republished (instance {})",
                            link.where(), id);
                } else {
                    LOG.info("hub: connected to Redis at {} as instance {}", link.where(), id);
                }
                everUp = true;
            }
            hub.reaped(link.reap());
        } catch (RedisException | InterruptedException e) {
            if (closed) {
                return;
            }
            downReason = reason(e);
            boolean wasUp = up;
            up = false;
            if (wasUp || !everUp && !downLogged) {
                downLogged = true;
                LOG.warn("hub: Redis at {} is unreachable ({}): each instance serves its own members until it is back; "
                        + "messages to other instances are lost meanwhile", link.where(), downReason);
            }
        }
    }

    /**
     * Why Redis is unreachable, in a few words. A TLS failure is named with what the JDK says about
     * it (an untrusted CA, a name the certificate does not hold): Lettuce's own message only says it
     * could not connect.
     */
    static String reason(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                Throwable inner = t;
                while (inner.getCause() != null && inner.getCause() != inner) {
                    inner = inner.getCause();
                }
                return "TLS handshake failed: " + words(inner);
            }
        }
        return words(e);
    }

    private static String words(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private boolean awaitEcho(long ping) throws InterruptedException {
        long deadline = System.nanoTime() + RedisLink.TIMEOUT.toNanos();
        synchronized (echoes) {
            while (echoed < ping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                echoes.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        up = false;
        thread.interrupt();
        try {
            thread.join(RedisLink.TIMEOUT.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
