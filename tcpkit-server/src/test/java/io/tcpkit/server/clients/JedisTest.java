package io.tcpkit.server.clients;

import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ClientKillParams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jedis (Maven, test scope) at its defaults (RESP2, no HELLO) against {@code tcpkit serve}. */
@Timeout(120)
class JedisTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Tcpkit.Serve serve;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        serve = Tcpkit.serve(dir);
    }

    @AfterAll
    static void stop() {
        serve.close();
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", serve.command());
    }

    @Test
    void pingEchoAndAPipelineOfAThousand() {
        try (Jedis j = jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.echo("hello")).isEqualTo("hello");
            Pipeline p = j.pipelined();
            List<Response<Object>> replies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                replies.add(p.sendCommand(Protocol.Command.ECHO, "m" + i)); // Pipeline has no echo()
            }
            p.sync();
            for (int i = 0; i < 1000; i++) {
                assertThat(new String((byte[]) replies.get(i).get(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("m" + i);
            }
        }
    }

    @Test
    void aPoolOf32Threads() throws Exception {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(ClientLibraries.POOL);
        try (JedisPool pool = new JedisPool(config, "127.0.0.1", serve.command())) {
            ClientLibraries.echoOnPooledConnections(pool::getResource, Jedis::echo);
            assertThat(pool.getCreatedCount()).isEqualTo(ClientLibraries.POOL);
        }
    }

    @Test
    void clientSetnameGetnameIdAndList() {
        try (Jedis j = jedis()) {
            assertThat(j.clientSetname("jedis-app")).isEqualTo("OK");
            assertThat(j.clientGetname()).isEqualTo("jedis-app");
            long id = j.clientId();
            assertThat(j.clientList().lines().filter(l -> l.startsWith("id=" + id + " ")))
                    .singleElement().asString().contains(" name=jedis-app ").contains(" resp=2 ");
            assertThat(j.clientInfo()).startsWith("id=" + id + " ");
        }
    }

    @Test
    void subscribePsubscribePublishAndPubsub() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                subscribed.countDown();
            }
        };
        try (Jedis sub = jedis(); Jedis j = jedis(); ExecutorService t = Executors.newSingleThreadExecutor()) {
            Future<?> loop = t.submit(() -> sub.subscribe(listener, "news"));
            Await.until("subscribed to news", WAIT, () -> subscribed.getCount() == 1);
            listener.psubscribe("n*");
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(j.publish("news", "hi")).isEqualTo(2);
            assertThat(List.of(got.poll(10, TimeUnit.SECONDS), got.poll(10, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("message news hi", "pmessage n* news hi");
            assertThat(j.pubsubNumSub("news")).isEqualTo(Map.of("news", 1L));
            assertThat(j.pubsubChannels()).contains("news");
            assertThat(j.pubsubNumPat()).isEqualTo(1);
            listener.unsubscribe();
            listener.punsubscribe();
            loop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPooledConnectionKilledIsReplacedByANewOne() {
        try (JedisPool pool = new JedisPool(new JedisPoolConfig(), "127.0.0.1", serve.command()); Jedis admin = jedis()) {
            long first;
            try (Jedis j = pool.getResource()) {
                first = j.clientId();
                assertThat(admin.clientKill(ClientKillParams.clientKillParams().id(Long.toString(first)))).isEqualTo(1);
                // Jedis does not retry: the command on the killed connection fails, and the pool drops it.
                assertThatThrownBy(j::ping).isInstanceOf(JedisConnectionException.class);
            }
            try (Jedis j = pool.getResource()) {
                assertThat(j.ping()).isEqualTo("PONG");
                assertThat(j.clientId()).isNotEqualTo(first);
            }
        }
    }

    @Test
    void theChatBridge() throws Exception {
        try (LineClient chat = LineClient.connect(serve.chat(), "erin"); Jedis sub = jedis(); Jedis j = jedis();
             ExecutorService t = Executors.newSingleThreadExecutor()) {
            chat.readLine();
            chat.sendLine("erin");
            assertThat(chat.readLine()).startsWith("* The room lobby contains");
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            CountDownLatch subscribed = new CountDownLatch(1);
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    got.add(message);
                }

                @Override
                public void onSubscribe(String channel, int count) {
                    subscribed.countDown();
                }
            };
            Future<?> loop = t.submit(() -> sub.subscribe(listener, "lobby"));
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            chat.sendLine("hello from chat");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("[erin] hello from chat");
            j.clientSetname("jedisapp");
            assertThat(j.publish("lobby", "hello from jedis")).isEqualTo(2);
            chat.expectLine("[jedisapp] hello from jedis");
            listener.unsubscribe();
            loop.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void logsInWithAUsersFileAndIsRefusedAWrongPassword(@TempDir Path dir) throws Exception {
        try (Tcpkit.Serve secured = Tcpkit.serve(dir, "--users",
                Services.usersFile(dir, ClientLibraries.USER + " " + ClientLibraries.PASSWORD).toString())) {
            HostAndPort at = new HostAndPort("127.0.0.1", secured.command());
            try (Jedis j = new Jedis(at, DefaultJedisClientConfig.builder().user(ClientLibraries.USER)
                    .password(ClientLibraries.PASSWORD).build())) {
                assertThat(j.ping()).isEqualTo("PONG");
                assertThat(j.aclWhoAmI()).isEqualTo(ClientLibraries.USER);
            }
            assertThatThrownBy(() -> new Jedis(at, DefaultJedisClientConfig.builder().user(ClientLibraries.USER)
                    .password("wrong").build()).ping()).isInstanceOf(JedisAccessControlException.class)
                    .hasMessageContaining("WRONGPASS");
        }
    }
}
