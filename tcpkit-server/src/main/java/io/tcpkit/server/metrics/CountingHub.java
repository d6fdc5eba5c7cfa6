package io.tcpkit.server.metrics;

import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Presence;
import io.tcpkit.server.hub.Subscriber;

import java.util.List;

/**
 * A {@link Hub} that counts what one service publishes through it and how many receivers took
 * each message; everything else goes straight to the hub underneath, which the services share.
 */
final class CountingHub implements Hub {
    private final Hub hub;
    private final PubSubCounters.ForService counters;

    CountingHub(Hub hub, PubSubCounters.ForService counters) {
        this.hub = hub;
        this.counters = counters;
    }

    @Override
    public int publish(Message message, Subscriber except) {
        int receivers = hub.publish(message, except);
        counters.published().inc();
        if (receivers > 0) {
            counters.delivered().inc(receivers);
        }
        return receivers;
    }

    @Override
    public void subscribe(Channel room, Subscriber subscriber) {
        hub.subscribe(room, subscriber);
    }

    @Override
    public Channel shared(Channel room) {
        return hub.shared(room);
    }

    @Override
    public void unsubscribe(Channel room, Subscriber subscriber) {
        hub.unsubscribe(room, subscriber);
    }

    @Override
    public void psubscribe(Glob pattern, Subscriber subscriber) {
        hub.psubscribe(pattern, subscriber);
    }

    @Override
    public void punsubscribe(Glob pattern, Subscriber subscriber) {
        hub.punsubscribe(pattern, subscriber);
    }

    @Override
    public List<Channel> rooms(Glob pattern) {
        return hub.rooms(pattern);
    }

    @Override
    public int subscribers(Channel room) {
        return hub.subscribers(room);
    }

    @Override
    public int patterns() {
        return hub.patterns();
    }

    @Override
    public boolean claimName(String name, Subscriber holder) {
        return hub.claimName(name, holder);
    }

    @Override
    public void releaseName(String name, Subscriber holder) {
        hub.releaseName(name, holder);
    }

    @Override
    public Subscriber nameHolder(String name) {
        return hub.nameHolder(name);
    }

    @Override
    public Presence presence() {
        return hub.presence();
    }
}
