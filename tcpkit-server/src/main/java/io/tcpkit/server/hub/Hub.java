package io.tcpkit.server.hub;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Rooms and who listens to them: the one place chat and pub/sub meet. Narrow on purpose, so that
 * an implementation over an existing distributed engine (Redis pub/sub) can replace the
 * in-process {@link LocalHub} when one machine is not enough. Delivery never blocks the
 * publisher: each subscriber queues what it receives.
 */
public interface Hub {

    void subscribe(Channel room, Subscriber subscriber);

    void unsubscribe(Channel room, Subscriber subscriber);

    /** Subscribes to every room matching a Redis glob pattern ({@code news.*}). */
    void psubscribe(Glob pattern, Subscriber subscriber);

    void punsubscribe(Glob pattern, Subscriber subscriber);

    /**
     * Delivers a message to every subscriber of its room and of matching patterns, except
     * {@code except} (a person's own line is not sent back to them; null for none).
     *
     * @return the number of subscribers that accepted it
     */
    int publish(Message message, Subscriber except);

    /**
     * Deliveries after which a publisher takes its turn behind every connection that waits for a
     * thread (see {@link #yieldToReceivers}): about four publishes to a room of a thousand. A
     * turn costs some 30 us of the server's CPU (the scheduler's timer thread and a context
     * switch), 3% of what 4,096 deliveries take; one after every publish cost a room of ten 8-33%
     * more CPU per delivery and a room of a thousand 10%.
     */
    int DELIVERIES_PER_TURN = 4096;

    /**
     * Lets the writers that a fan-out just started, and every connection waiting for its thread,
     * run before the publisher reads its next request. Publishing only queues, so without this a
     * few fast publishers can outrun delivery to a large room and fill every receiver's queue.
     * Call it after {@link #publish}, holding no lock, with what the connection delivered since
     * its last turn (0 at first); returns the new count, for the next call.
     *
     * <p>A {@link Thread#yield} after each publish, and once {@link #DELIVERIES_PER_TURN} are
     * delivered a timed park of a nanosecond instead. A virtual thread that yields goes to its
     * carrier's own queue whenever that holds anything, and the carrier runs that queue before
     * it looks at the shared one, where the threads the reactor starts for connections that
     * waited without one are: publishers that kept their threads published on among themselves
     * while those waited, one publisher served up to three times as often as another, and the p99
     * from publish to delivery was 1.7-2.5x Redis's (bench/ab, fanout-1000x100). A timed park
     * comes back through the scheduler's timer into the shared queue, behind everyone already
     * waiting there (bench/results/issue-13-fanout.md has the figures).
     */
    static int yieldToReceivers(int delivered, int receivers) {
        if (receivers <= 0) {
            return delivered;
        }
        int total = delivered + receivers;
        if (total >= DELIVERIES_PER_TURN) {
            LockSupport.parkNanos(1);
            return 0;
        }
        Thread.yield();
        return total;
    }

    /** Rooms with at least one direct subscriber, matching a glob (null for all), in byte order. */
    List<Channel> rooms(Glob pattern);

    /**
     * The hub's own instance of a room's name while the room has subscribers, else {@code room}
     * itself: a subscriber keeps that one rather than a copy of its own (some 50 bytes for each
     * of a room's idle subscribers).
     */
    default Channel shared(Channel room) {
        return room;
    }

    /** Direct subscribers of a room. */
    int subscribers(Channel room);

    /** Distinct patterns subscribed to, as PUBSUB NUMPAT counts them in Redis 7. */
    int patterns();

    /**
     * Takes a name for a person in the rooms, unique ignoring ASCII case ({@link Names#key});
     * false if someone holds it already. What programs that publish may be called depends on it.
     */
    boolean claimName(String name, Subscriber holder);

    /** Gives a name back (only if {@code holder} holds it). */
    void releaseName(String name, Subscriber holder);

    /** Who holds a name (ignoring ASCII case), or null. */
    Subscriber nameHolder(String name);

    /** Presence across instances, or null when this hub knows only this process (the chat counts its own). */
    default Presence presence() {
        return null;
    }
}
