package io.tcpkit.server.hub;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process {@link Hub}: concurrent maps from room to subscribers and, as in Redis, from
 * pattern to subscribers, so that a publish matches each distinct pattern once. Thread-safe;
 * publishing takes no lock.
 *
 * <p>Each room's subscribers are an array replaced whole on every (un)subscribe, and a publish
 * delivers to the array it read when it began. So a publish reaches exactly those who were
 * subscribed when it started, however long it takes: someone who joins while a message is on its
 * way to the others (the publishing thread preempted half-way, say) never receives it, which
 * keeps cause before effect for people ("alice said it before you came in"). A weakly consistent
 * set would hand the late joiner some of those messages. Joining costs a copy of the room's
 * array, which is cheap next to a publish: rooms are joined once and spoken in many times.
 */
public final class LocalHub implements Hub {
    private static final Subscriber[] NONE = new Subscriber[0];

    private final ConcurrentHashMap<Channel, Subscriber[]> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Glob, Subscriber[]> patterns = new ConcurrentHashMap<>();
    private final NameTable names = new NameTable();
    /**
     * Each room's name as the first subscriber gave it, for those after to share (see
     * {@link #shared}). A race between the last leave and a join may leave a room without its
     * entry for a while: its next subscribers then keep their own copies, which is only memory.
     */
    private final ConcurrentHashMap<Channel, Channel> roomNames = new ConcurrentHashMap<>();

    @Override
    public void subscribe(Channel room, Subscriber subscriber) {
        add(rooms, room, subscriber);
        roomNames.putIfAbsent(room, room);
    }

    @Override
    public void unsubscribe(Channel room, Subscriber subscriber) {
        remove(rooms, room, subscriber);
        if (!rooms.containsKey(room)) {
            roomNames.remove(room);
        }
    }

    @Override
    public Channel shared(Channel room) {
        Channel mine = roomNames.get(room);
        return mine != null ? mine : room;
    }

    @Override
    public void psubscribe(Glob pattern, Subscriber subscriber) {
        add(patterns, pattern, subscriber);
    }

    @Override
    public void punsubscribe(Glob pattern, Subscriber subscriber) {
        remove(patterns, pattern, subscriber);
    }

    private static <K> void add(ConcurrentHashMap<K, Subscriber[]> map, K key, Subscriber subscriber) {
        map.compute(key, (k, old) -> {
            Subscriber[] current = old == null ? NONE : old;
            if (indexOf(current, subscriber) >= 0) {
                return current;
            }
            Subscriber[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = subscriber;
            return grown;
        });
    }

    private static <K> void remove(ConcurrentHashMap<K, Subscriber[]> map, K key, Subscriber subscriber) {
        map.computeIfPresent(key, (k, current) -> {
            int i = indexOf(current, subscriber);
            if (i < 0) {
                return current;
            }
            if (current.length == 1) {
                return null;
            }
            Subscriber[] shrunk = new Subscriber[current.length - 1];
            System.arraycopy(current, 0, shrunk, 0, i);
            System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
            return shrunk;
        });
    }

    private static int indexOf(Subscriber[] subscribers, Subscriber s) {
        for (int i = 0; i < subscribers.length; i++) {
            if (subscribers[i] == s) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int publish(Message message, Subscriber except) {
        int receivers = 0;
        Subscriber[] direct = rooms.get(message.room());
        if (direct != null) {
            for (Subscriber s : direct) {
                if (s != except && s.deliver(message, null)) {
                    receivers++;
                }
            }
        }
        if (patterns.isEmpty()) {
            return receivers;
        }
        byte[] room = message.room().bytes();
        for (var entry : patterns.entrySet()) {
            Glob pattern = entry.getKey();
            if (pattern.matches(room)) {
                for (Subscriber s : entry.getValue()) {
                    if (s != except && s.deliver(message, pattern)) {
                        receivers++;
                    }
                }
            }
        }
        return receivers;
    }

    @Override
    public List<Channel> rooms(Glob pattern) {
        List<Channel> names = new ArrayList<>();
        for (Channel room : rooms.keySet()) {
            if (pattern == null || pattern.matches(room.bytes())) {
                names.add(room);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public int subscribers(Channel room) {
        Subscriber[] subscribers = rooms.get(room);
        return subscribers == null ? 0 : subscribers.length;
    }

    @Override
    public int patterns() {
        return patterns.size();
    }

    @Override
    public boolean claimName(String name, Subscriber holder) {
        return names.claim(name, holder);
    }

    @Override
    public void releaseName(String name, Subscriber holder) {
        names.release(name, holder);
    }

    @Override
    public Subscriber nameHolder(String name) {
        return names.holder(name);
    }
}
