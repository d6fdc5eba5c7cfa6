package io.tcpkit.server.hub;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.tcpkit.server.ReadinessCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Hub} shared by several tcpkit instances through Redis pub/sub. Each instance delivers
 * to its own subscribers itself, through the in-process {@link LocalHub} (so a publish reaches
 * exactly those subscribed when it began, and nobody waits for Redis), and PUBLISHes every message
 * once on one Redis channel with its own instance id; every other instance delivers what it
 * receives there to its own subscribers, and ignores what it sent itself. So each subscriber gets
 * a message once, in each publisher's order (one connection to Redis, one channel), and patterns
 * match on every instance, which all receive every message.
 *
 * <p>{@link #publish} counts the receivers on this instance only, as PUBLISH on a Redis Cluster
 * counts those of the node it was sent to: counting the others would mean waiting for every
 * instance to answer, for each message.
 *
 * <p>Delivery to other instances is at most once: while Redis is unreachable, or when it drops a
 * subscriber that reads too slowly, messages are lost, never repeated. Meanwhile each instance
 * serves its own members, is not ready ({@link ReadinessCheck}), and says so in one log line, and
 * another when Redis is back; then it republishes its presence. A {@link Heartbeat} every
 * second proves the round trip (a ping through the channel back to itself) and keeps
 * the instance's key alive; see {@link RedisLink} for what lives in Redis. (A little over 300
 * lines: the whole Hub interface, delegated, and the presence reads; the pulse and the Redis keys
 * are in their own classes.)
 */
public final class RedisHub implements Hub, Presence, ReadinessCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisHub.class);
    /** A name held on another instance, for {@link #nameHolder}: it receives nothing here. */
    private static final Subscriber ELSEWHERE = (message, pattern) -> false;

    private final LocalHub local = new LocalHub();
    private final String id;
    private final RedisLink link;
    /** The names held on this instance, by key, and the room each holder is in. */
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Subscriber, String> keyOf = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Subscriber, Channel> roomOf = new ConcurrentHashMap<>();
    private final Heartbeat heartbeat;

    private record Held(String name, Subscriber holder) {
    }

    private RedisHub(RedisURI uri, RedisTls tls) {
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.id = HexFormat.of().formatHex(random);
        this.link = new RedisLink(uri, tls, id, this::received);
        this.heartbeat = new Heartbeat(link, id, new Heartbeat.Hub() {
            @Override
            public void republish() {
                RedisHub.this.republish();
            }

            @Override
            public void reaped(List<String> entries) {
                RedisHub.this.reaped(entries);
            }
        });
    }

    /**
     * Starts a hub on the Redis at {@code uri} ({@code redis://[user:password@]host:port} or
     * {@code rediss://}). It tries to connect at once, and keeps trying: until it is through, it
     * serves this instance only and is not ready. {@code tls} says what a {@code rediss://} hub
     * trusts (null: the JDK's trust store).
     *
     * @throws IllegalArgumentException if a file of {@code tls} is no PEM certificate or key
     */
    public static RedisHub start(String uri, RedisTls tls) {
        RedisHub hub = new RedisHub(RedisURI.create(uri), tls);
        hub.heartbeat.start();
        return hub;
    }

    /** This instance's id, as it is carried by each message it sends. */
    public String instance() {
        return id;
    }

    // ---- delivery ----

    @Override
    public int publish(Message message, Subscriber except) {
        int receivers = local.publish(message, except);
        if (heartbeat.up()) {
            link.publish(Relayed.message(id, message));
        }
        return receivers;
    }

    @Override
    public void publishElsewhere(Message message) {
        if (heartbeat.up()) {
            link.publish(Relayed.message(id, message));
        }
    }

    /** From the Redis channel, on Lettuce's thread (one per connection: in order). */
    private void received(byte[] frame) {
        Relayed r = Relayed.parse(frame);
        if (r == null) {
            LOG.debug("hub: dropped a frame that is not one of ours ({} bytes)", frame.length);
            return;
        }
        if (!r.origin().equals(id)) {
            if (r.kind() == Relayed.MESSAGE) {
                local.publish(r.message(), null);
            }
        } else if (r.kind() == Relayed.PING) {
            heartbeat.echoed(r.ping());
        }
    }

    @Override
    public Channel shared(Channel room) {
        return local.shared(room);
    }

    @Override
    public void subscribe(Channel room, Subscriber subscriber) {
        local.subscribe(room, subscriber);
        String key = keyOf.get(subscriber);
        if (key != null) {
            roomOf.put(subscriber, room);
            entryChanged(key);
        }
    }

    @Override
    public void unsubscribe(Channel room, Subscriber subscriber) {
        local.unsubscribe(room, subscriber);
        String key = keyOf.get(subscriber);
        if (key != null && roomOf.remove(subscriber, room)) {
            entryChanged(key);
        }
    }

    @Override
    public void psubscribe(Glob pattern, Subscriber subscriber) {
        local.psubscribe(pattern, subscriber);
    }

    @Override
    public void punsubscribe(Glob pattern, Subscriber subscriber) {
        local.punsubscribe(pattern, subscriber);
    }

    /** This instance's rooms (PUBSUB, like Redis Cluster's before sharded pub/sub, answers per node). */
    @Override
    public List<Channel> rooms(Glob pattern) {
        return local.rooms(pattern);
    }

    @Override
    public int subscribers(Channel room) {
        return local.subscribers(room);
    }

    @Override
    public int patterns() {
        return local.patterns();
    }

    // ---- names and presence ----

    @Override
    public boolean claimName(String name, Subscriber holder) {
        if (!local.claimName(name, holder)) {
            return false;
        }
        String key = Names.key(name);
        held.put(key, new Held(name, holder));
        keyOf.put(holder, key);
        if (heartbeat.up()) {
            try {
                if (!link.claim(key, entry(name, holder))) {
                    forget(key, holder);
                    local.releaseName(name, holder);
                    return false;
                }
            } catch (RedisException e) {
                // Redis went away meanwhile: the name is this instance's until it is back (then republished).
            }
        }
        return true;
    }

    @Override
    public void releaseName(String name, Subscriber holder) {
        String key = Names.key(name);
        if (local.nameHolder(name) != holder) {
            return;
        }
        local.releaseName(name, holder);
        forget(key, holder);
        link.release(key);
    }

    private void forget(String key, Subscriber holder) {
        held.remove(key);
        if (keyOf.remove(holder, key)) {
            roomOf.remove(holder);
        }
    }

    @Override
    public Subscriber nameHolder(String name) {
        Subscriber here = local.nameHolder(name);
        if (here != null || !heartbeat.up()) {
            return here;
        }
        try {
            String entry = link.entry(Names.key(name));
            return entry == null || entry.startsWith(id + "\n") ? null : ELSEWHERE;
        } catch (RedisException e) {
            return null;
        }
    }

    @Override
    public Presence presence() {
        return this;
    }

    @Override
    public List<String> names(Channel room) {
        if (!heartbeat.up()) {
            return null;
        }
        try {
            List<String> names = new ArrayList<>();
            for (String entry : link.entries().values()) {
                String[] parts = entry.split("\n", 3);
                if (parts.length == 3 && parts[2].equals(room.text())) {
                    names.add(parts[1]);
                }
            }
            names.sort(String.CASE_INSENSITIVE_ORDER);
            return names;
        } catch (RedisException e) {
            return null;
        }
    }

    @Override
    public Map<String, Integer> roomSizes() {
        if (!heartbeat.up()) {
            return null;
        }
        try {
            Map<String, Integer> sizes = new TreeMap<>();
            for (String entry : link.entries().values()) {
                String[] parts = entry.split("\n", 3);
                if (parts.length == 3 && !parts[2].isEmpty()) {
                    sizes.merge(parts[2], 1, Integer::sum);
                }
            }
            return sizes;
        } catch (RedisException e) {
            return null;
        }
    }

    private String entry(String name, Subscriber holder) {
        Channel room = roomOf.get(holder);
        return id + "\n" + name + "\n" + (room == null ? "" : room.text());
    }

    /**
     * Puts a name holder's new room in Redis before returning: the join notice that follows goes
     * out after it, so whoever hears it and asks {@code /who} finds the newcomer there.
     */
    private void entryChanged(String key) {
        Held h = held.get(key);
        if (h != null && heartbeat.up()) {
            try {
                link.claim(key, entry(h.name(), h.holder()));
            } catch (RedisException e) {
                // Redis went away: the entry is republished when it is back.
            }
        }
    }

    // ---- the heartbeat ----

    @Override
    public String name() {
        return "hub";
    }

    @Override
    public String notReadyReason() {
        return heartbeat.up() ? null : "redis unreachable (" + heartbeat.downReason() + ")";
    }

    /** Leave notices for the members of instances that died. */
    private void reaped(List<String> entries) {
        for (String entry : entries) {
            String[] parts = entry.split("\n", 3);
            if (parts.length == 3 && !parts[2].isEmpty()) {
                publish(Message.notice(Channel.of(parts[2]), parts[1] + " has left the room"), null);
            }
        }
    }

    /** After an outage (or at first), every name held here goes (back) into Redis. */
    private void republish() {
        held.forEach((key, h) -> {
            if (!link.claim(key, entry(h.name(), h.holder()))) {
                LOG.warn("hub: the name {} is held here and on another instance too (taken there during the outage)",
                        h.name());
            } else if (held.get(key) != h) {
                link.release(key); // given back while it was being put there
            }
        });
    }

    @Override
    public void close() {
        heartbeat.close();
        link.close();
    }
}
