package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The glob matcher against Redis's own, through the protocol: the same random channels and
 * patterns (bytes from an alphabet rich in '*', '?', '[', ']', '^', '-', '\', NUL and high bytes)
 * sent to a real redis-server and to tcpkit, and the answers compared: which channels PUBSUB
 * CHANNELS lists for each pattern, how many receivers each PUBLISH reaches, and which pmessages a
 * pattern subscriber gets. Seeded; {@code -Dtcpkit.fuzz.seed=N} replays a run and
 * {@code -Dtcpkit.fuzz.scale=N} runs N times as many cases (see the README's Testing section).
 */
@Timeout(600)
class GlobDifferentialTest {
    /** Bytes patterns and names are drawn from: glob syntax, NUL, high bytes, CR/LF, a UTF-8 letter. */
    private static final byte[] ALPHABET = {'a', 'b', 'c', '*', '?', '[', ']', '^', '-', '\\', 0, (byte) 0xfe,
            (byte) 0xff, (byte) 0x80, '\r', '\n', ' ', 'z', (byte) 0xc3, (byte) 0xa9};

    private static long seed() {
        return Long.getLong("tcpkit.fuzz.seed", 11);
    }

    private static int scale() {
        return Integer.getInteger("tcpkit.fuzz.scale", 1);
    }

    static String random(Random random, int maxLength, boolean glob) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            // Names mostly plain letters so that patterns have something to match; globs anything.
            byte b = glob || random.nextInt(3) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)]
                    : ALPHABET[random.nextInt(3)];
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    @Test
    void pubsubChannelsListsWhatRedisLists() throws Exception {
        Random random = new Random(seed());
        try (RedisServer redis = RedisServer.start(); Services tcpkit = Services.withCommand()) {
            for (int round = 0; round < 4 * scale(); round++) {
                List<String> channels = new ArrayList<>();
                channels.add("");
                for (int i = 0; i < 150; i++) {
                    channels.add(random(random, 8, false));
                }
                List<String> subscribe = new ArrayList<>(List.of("SUBSCRIBE"));
                subscribe.addAll(channels);
                try (RespClient redisSub = RespClient.connect(redis.port()); RespClient tcpkitSub = tcpkit.commandClient();
                     RespClient redisAsk = RespClient.connect(redis.port()); RespClient tcpkitAsk = tcpkit.commandClient()) {
                    assertThat(subscribed(tcpkitSub, subscribe)).isEqualTo(subscribed(redisSub, subscribe));
                    for (int i = 0; i < 150; i++) {
                        String pattern = random(random, 10, true);
                        List<String> want = sorted(redisAsk.command("PUBSUB", "CHANNELS", pattern).value());
                        List<String> got = sorted(tcpkitAsk.command("PUBSUB", "CHANNELS", pattern).value());
                        assertThat(got).as("PUBSUB CHANNELS %s (seed %s, round %s)", show(pattern), seed(), round)
                                .isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void publishReachesThePatternSubscribersRedisReaches() throws Exception {
        Random random = new Random(seed() + 1);
        try (RedisServer redis = RedisServer.start(); Services tcpkit = Services.withCommand()) {
            for (int round = 0; round < 4 * scale(); round++) {
                List<String> psubscribe = new ArrayList<>(List.of("PSUBSCRIBE"));
                for (int i = 0; i < 25; i++) {
                    psubscribe.add(random(random, 6, true));
                }
                List<String> channels = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    channels.add(random(random, 8, false));
                }
                try (RespClient redisSub = RespClient.connect(redis.port()); RespClient tcpkitSub = tcpkit.commandClient();
                     RespClient redisPub = RespClient.connect(redis.port()); RespClient tcpkitPub = tcpkit.commandClient()) {
                    assertThat(subscribed(tcpkitSub, psubscribe)).isEqualTo(subscribed(redisSub, psubscribe));
                    long delivered = 0;
                    for (String channel : channels) {
                        Object want = redisPub.command("PUBLISH", channel, "m").value();
                        Object got = tcpkitPub.command("PUBLISH", channel, "m").value();
                        assertThat(got).as("PUBLISH %s to %s (seed %s)", show(channel),
                                show(String.join(" ", psubscribe)), seed()).isEqualTo(want);
                        delivered += (Long) want;
                    }
                    assertThat(sorted(pmessages(tcpkitSub, delivered))).isEqualTo(sorted(pmessages(redisSub, delivered)));
                }
            }
        }
    }

    /** Sends a (P)SUBSCRIBE and returns its confirmations, decoded. */
    private static List<Object> subscribed(RespClient peer, List<String> command) throws Exception {
        peer.command(command.toArray(String[]::new));
        List<Object> replies = new ArrayList<>();
        for (int i = 1; i < command.size(); i++) {
            replies.add(peer.value());
        }
        return replies;
    }

    /** "pattern|channel" of the next {@code n} pmessages. */
    private static List<String> pmessages(RespClient peer, long n) throws Exception {
        List<String> got = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            List<?> m = (List<?>) peer.value();
            assertThat(m.get(0)).isEqualTo("pmessage");
            got.add(m.get(1) + "|" + m.get(2));
        }
        return got;
    }

    static String show(String latin1) {
        return io.tcpkit.LogText.of(latin1(latin1));
    }

    @SuppressWarnings("unchecked")
    private static List<String> sorted(Object reply) {
        List<String> list = new ArrayList<>((List<String>) reply);
        list.sort(null);
        return list;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
