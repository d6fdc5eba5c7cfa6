package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process hub: who receives a message, how receivers are counted, and who is left out. */
@Timeout(20)
class LocalHubTest {
    private final LocalHub hub = new LocalHub();

    /** Records "room:payload" (or "pattern|room:payload") and accepts, unless told to refuse. */
    static final class Recorder implements Subscriber {
        final ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
        volatile boolean accept = true;

        @Override
        public boolean deliver(Message message, Glob pattern) {
            got.add((pattern == null ? "" : pattern + "|") + message.room() + ":"
                    + new String(message.payload(), StandardCharsets.UTF_8));
            return accept;
        }

        List<String> got() {
            return List.copyOf(got);
        }
    }

    /** The hub's rooms matching a pattern, as text. */
    private List<String> rooms(Glob pattern) {
        return hub.rooms(pattern).stream().map(Channel::text).toList();
    }

    private static Message msg(String room, String text) {
        return Message.published(Channel.of(room), "test", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publishDeliversToEverySubscriberOfTheRoomAndCountsThem() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Recorder other = new Recorder();
        hub.subscribe(Channel.of("lobby"), a);
        hub.subscribe(Channel.of("lobby"), b);
        hub.subscribe(Channel.of("dev"), other);
        assertThat(hub.publish(msg("lobby", "hi"), null)).isEqualTo(2);
        assertThat(a.got()).containsExactly("lobby:hi");
        assertThat(b.got()).containsExactly("lobby:hi");
        assertThat(other.got()).isEmpty();
        assertThat(hub.publish(msg("empty", "x"), null)).isZero();
    }

    @Test
    void subscribingTwiceIsOneSubscription() {
        Recorder a = new Recorder();
        hub.subscribe(Channel.of("lobby"), a);
        hub.subscribe(Channel.of("lobby"), a);
        assertThat(hub.subscribers(Channel.of("lobby"))).isEqualTo(1);
        assertThat(hub.publish(msg("lobby", "once"), null)).isEqualTo(1);
        assertThat(a.got()).containsExactly("lobby:once");
    }

    @Test
    void theExceptedSubscriberIsLeftOutOfDirectAndPatternDelivery() {
        Recorder sender = new Recorder();
        Recorder listener = new Recorder();
        hub.subscribe(Channel.of("lobby"), sender);
        hub.psubscribe(Glob.of("lob*"), sender);
        hub.subscribe(Channel.of("lobby"), listener);
        assertThat(hub.publish(msg("lobby", "mine"), sender)).isEqualTo(1);
        assertThat(sender.got()).isEmpty();
        assertThat(listener.got()).containsExactly("lobby:mine");
    }

    @Test
    void unsubscribeStopsDeliveryAndAnEmptyRoomDisappears() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        hub.subscribe(Channel.of("lobby"), a);
        hub.subscribe(Channel.of("lobby"), b);
        hub.unsubscribe(Channel.of("lobby"), a);
        assertThat(hub.subscribers(Channel.of("lobby"))).isEqualTo(1);
        assertThat(hub.publish(msg("lobby", "x"), null)).isEqualTo(1);
        assertThat(a.got()).isEmpty();
        hub.unsubscribe(Channel.of("lobby"), b);
        hub.unsubscribe(Channel.of("lobby"), b); // again: nothing happens
        hub.unsubscribe(Channel.of("never"), a);
        assertThat(hub.subscribers(Channel.of("lobby"))).isZero();
        assertThat(rooms(null)).isEmpty();
    }

    @Test
    void patternSubscribersReceiveMatchingRoomsWithThePattern() {
        Recorder p = new Recorder();
        Recorder direct = new Recorder();
        hub.psubscribe(Glob.of("news.*"), p);
        hub.subscribe(Channel.of("news.tech"), direct);
        assertThat(hub.patterns()).isEqualTo(1);
        assertThat(hub.publish(msg("news.tech", "chips"), null)).isEqualTo(2);
        assertThat(hub.publish(msg("sports", "goal"), null)).isZero();
        assertThat(p.got()).containsExactly("news.*|news.tech:chips");
        assertThat(direct.got()).containsExactly("news.tech:chips");
        // A pattern subscription does not make a room: PUBSUB CHANNELS lists direct ones only.
        assertThat(rooms(null)).containsExactly("news.tech");
    }

    @Test
    void aSubscriberOfARoomAndAMatchingPatternGetsBothAndCountsTwice() {
        Recorder r = new Recorder();
        hub.subscribe(Channel.of("news.art"), r);
        hub.psubscribe(Glob.of("news.*"), r);
        hub.psubscribe(Glob.of("*"), r);
        assertThat(hub.publish(msg("news.art", "x"), null)).isEqualTo(3);
        assertThat(r.got()).containsExactly("news.art:x", "news.*|news.art:x", "*|news.art:x");
    }

    @Test
    void punsubscribeRemovesOnlyThatSubscribersPattern() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        hub.psubscribe(Glob.of("n*"), a);
        hub.psubscribe(Glob.of("x*"), a);
        hub.psubscribe(Glob.of("m*"), b);
        assertThat(hub.patterns()).isEqualTo(3);
        hub.punsubscribe(Glob.of("n*"), b); // not b's
        assertThat(hub.patterns()).isEqualTo(3);
        hub.punsubscribe(Glob.of("n*"), a);
        assertThat(hub.patterns()).isEqualTo(2);
        assertThat(hub.publish(msg("news", "x"), null)).isZero();
        assertThat(hub.publish(msg("xray", "y"), null)).isEqualTo(1);
        assertThat(a.got()).containsExactly("x*|xray:y");
    }

    @Test
    void aSubscriberThatRefusesIsNotCountedButOthersStillReceive() {
        Recorder slow = new Recorder();
        Recorder fine = new Recorder();
        slow.accept = false;
        hub.subscribe(Channel.of("lobby"), slow);
        hub.subscribe(Channel.of("lobby"), fine);
        hub.psubscribe(Glob.of("lob*"), slow);
        assertThat(hub.publish(msg("lobby", "x"), null)).isEqualTo(1);
        assertThat(fine.got()).containsExactly("lobby:x");
    }

    @Test
    void roomsAreListedSortedAndFilteredByGlob() {
        Recorder r = new Recorder();
        for (String room : List.of("zeta", "alpha", "news.tech", "news.art", "dev")) {
            hub.subscribe(Channel.of(room), r);
        }
        assertThat(rooms(null)).containsExactly("alpha", "dev", "news.art", "news.tech", "zeta");
        assertThat(rooms(Glob.of("news.*"))).containsExactly("news.art", "news.tech");
        assertThat(rooms(Glob.of("?e*"))).containsExactly("dev", "news.art", "news.tech", "zeta");
        assertThat(rooms(Glob.of("nothing"))).isEmpty();
    }

    @Test
    void concurrentSubscribersAndPublishersNeitherLoseNorInventSubscriptions() throws Exception {
        int threads = 8;
        int rounds = 2000;
        Recorder stayer = new Recorder();
        hub.subscribe(Channel.of("busy"), stayer);
        AtomicInteger published = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                boolean publisher = t % 2 == 0;
                tasks.add(pool.submit(() -> {
                    go.await();
                    Recorder mine = new Recorder();
                    for (int i = 0; i < rounds; i++) {
                        if (publisher) {
                            assertThat(hub.publish(msg("busy", "m"), null)).isGreaterThanOrEqualTo(1);
                            published.incrementAndGet();
                        } else {
                            hub.subscribe(Channel.of("busy"), mine);
                            hub.psubscribe(Glob.of("bu*"), mine);
                            hub.unsubscribe(Channel.of("busy"), mine);
                            hub.punsubscribe(Glob.of("bu*"), mine);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : tasks) {
                f.get();
            }
        }
        assertThat(hub.subscribers(Channel.of("busy"))).isEqualTo(1);
        assertThat(hub.patterns()).isZero();
        assertThat(stayer.got).hasSize(published.get());
        hub.unsubscribe(Channel.of("busy"), stayer);
        assertThat(rooms(null)).isEmpty();
    }

    /**
     * A publish reaches exactly those subscribed when it began: who joins while it is still on its
     * way to the others (here the first receiver holds the publishing thread, as a preempted
     * carrier would) never gets it, so nobody hears what was said before they came in.
     */
    @Test
    void aPublishUnderWayDoesNotReachThoseWhoJoinMeanwhile() throws Exception {
        CountDownLatch inDelivery = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger deliveries = new AtomicInteger();
        // Whichever early subscriber the publish reaches first holds it there.
        Subscriber early = (message, pattern) -> {
            if (deliveries.getAndIncrement() == 0) {
                inDelivery.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        };
        Channel room = Channel.of("lobby");
        int earlyOnes = 256;
        List<Subscriber> earlySubscribers = new ArrayList<>();
        for (int i = 0; i < earlyOnes; i++) {
            Subscriber s = (message, pattern) -> early.deliver(message, pattern);
            earlySubscribers.add(s);
            hub.subscribe(room, s);
        }
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<Integer> publish = pool.submit(() -> hub.publish(msg("lobby", "before"), null));
            inDelivery.await();
            List<Recorder> late = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Recorder r = new Recorder();
                hub.subscribe(room, r);
                late.add(r);
            }
            release.countDown();
            assertThat(publish.get()).isEqualTo(earlyOnes);
            hub.publish(msg("lobby", "after"), null);
            for (Recorder r : late) {
                assertThat(r.got()).containsExactly("lobby:after");
            }
        }
    }
}
