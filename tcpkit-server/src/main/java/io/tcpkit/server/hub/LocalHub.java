package io.tcpkit.server.hub;


import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process {@link Hub}: concurrent maps from room to subscribers and, as in Redis, from
 * pattern to subscribers, so that a publish matches each distinct pattern once. Thread-safe;
 * publishing takes no lock.
 */
public final class LocalHub implements Hub {
    private final ConcurrentHashMap<Channel, Set<Subscriber>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Glob, Set<Subscriber>> patterns = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Subscriber> names = new ConcurrentHashMap<>();

    @Override
    public void subscribe(Channel room, Subscriber subscriber) {
        add(rooms, room, subscriber);
    }

    @Override
    public void unsubscribe(Channel room, Subscriber subscriber) {
        remove(rooms, room, subscriber);
    }

    @Override
    public void psubscribe(Glob pattern, Subscriber subscriber) {
        add(patterns, pattern, subscriber);
    }

    @Override
    public void punsubscribe(Glob pattern, Subscriber subscriber) {
        remove(patterns, pattern, subscriber);
    }

    private static <K> void add(ConcurrentHashMap<K, Set<Subscriber>> map, K key, Subscriber subscriber) {
        map.compute(key, (k, set) -> {
            Set<Subscriber> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(subscriber);
            return s;
        });
    }

    private static <K> void remove(ConcurrentHashMap<K, Set<Subscriber>> map, K key, Subscriber subscriber) {
        map.computeIfPresent(key, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public int publish(Message message, Subscriber except) {
        int receivers = 0;
        Set<Subscriber> direct = rooms.get(message.room());
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
        Set<Subscriber> set = rooms.get(room);
        return set == null ? 0 : set.size();
    }

    @Override
    public int patterns() {
        return patterns.size();
    }

    @Override
    public boolean claimName(String name, Subscriber holder) {
        return names.putIfAbsent(Names.key(name), holder) == null;
    }

    @Override
    public void releaseName(String name, Subscriber holder) {
        names.remove(Names.key(name), holder);
    }

    @Override
    public Subscriber nameHolder(String name) {
        return names.get(Names.key(name));
    }
}
