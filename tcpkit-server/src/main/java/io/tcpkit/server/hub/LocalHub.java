package io.tcpkit.server.hub;


import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The in-process {@link Hub}: a concurrent map from room to subscribers, and a list of pattern
 * subscriptions checked on each publish. Thread-safe; publishing takes no lock.
 */
public final class LocalHub implements Hub {
    private record PatternSubscription(String pattern, Pattern regex, Subscriber subscriber) {
    }

    private final ConcurrentHashMap<String, Set<Subscriber>> rooms = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<PatternSubscription> patterns = new CopyOnWriteArrayList<>();

    @Override
    public void subscribe(String room, Subscriber subscriber) {
        rooms.compute(room, (r, set) -> {
            Set<Subscriber> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(subscriber);
            return s;
        });
    }

    @Override
    public void unsubscribe(String room, Subscriber subscriber) {
        rooms.computeIfPresent(room, (r, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void psubscribe(String pattern, Subscriber subscriber) {
        patterns.add(new PatternSubscription(pattern, Glob.compile(pattern), subscriber));
    }

    @Override
    public void punsubscribe(String pattern, Subscriber subscriber) {
        patterns.removeIf(p -> p.subscriber() == subscriber && p.pattern().equals(pattern));
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
        for (PatternSubscription p : patterns) {
            if (p.subscriber() != except && p.regex().matcher(message.room()).matches()
                    && p.subscriber().deliver(message, p.pattern())) {
                receivers++;
            }
        }
        return receivers;
    }

    @Override
    public List<String> rooms(String pattern) {
        Pattern glob = pattern == null ? null : Glob.compile(pattern);
        List<String> names = new ArrayList<>();
        for (String room : rooms.keySet()) {
            if (glob == null || glob.matcher(room).matches()) {
                names.add(room);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public int subscribers(String room) {
        Set<Subscriber> set = rooms.get(room);
        return set == null ? 0 : set.size();
    }

    @Override
    public int patterns() {
        return patterns.size();
    }
}
