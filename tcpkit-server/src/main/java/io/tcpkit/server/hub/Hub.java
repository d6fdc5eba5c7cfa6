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
     * Lets the writers that a fan-out just started, and every connection waiting for its thread,
     * run before the publisher reads its next request. Publishing only queues, so without this a
     * few fast publishers can outrun delivery to a large room and fill every receiver's queue.
     * Call it after {@link #publish}, holding no lock.
     *
     * <p>A timed park of a nanosecond, not {@link Thread#yield}: a virtual thread that yields goes
     * to its carrier's own queue whenever that holds anything, which the carrier runs before it
     * looks at the shared queue, where the threads the reactor starts for connections that waited
     * without one are; publishers that kept their threads published on among themselves while
     * those waited, one publisher served three times as often as another and the p99 from publish
     * to delivery 1.6-2.5x Redis's (bench/ab, fanout-1000x100). A timed park comes back through
     * the scheduler's timer, into the shared queue, behind everyone already waiting there: the
     * same publishers were served within 1.02-1.3x of each other and the p99 came to 0.97-1.6x
     * Redis's (bench/results/issue-13-fanout.md).
     */
    static void yieldToReceivers(int receivers) {
        if (receivers > 0) {
            LockSupport.parkNanos(1);
        }
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
