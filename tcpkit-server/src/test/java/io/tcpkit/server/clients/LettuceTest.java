package io.tcpkit.server.clients;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.support.ConnectionPoolSupport;
import io.tcpkit.server.testing.Services;
import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.LineClient;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Lettuce (Maven, test scope) at its defaults against {@code tcpkit serve}: it sends HELLO 3 and,
 * since tcpkit answers it, speaks RESP3 (pub/sub messages arrive as push frames).
 */
@Timeout(120)
class LettuceTest {
    private static Tcpkit.Serve serve;
    private static RedisClient client;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        serve = Tcpkit.serve(dir);
        client = RedisClient.create(RedisURI.create("127.0.0.1", serve.command()));
    }

    @AfterAll
    static void stop() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        serve.close();
    }

    @Test
    void speaksResp3AndAnswersPingEchoAndAPipelineOfAThousand() {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> sync = c.sync();
            assertThat(sync.clientInfo()).contains(" resp=3 ");
            assertThat(sync.ping()).isEqualTo("PONG");
            assertThat(sync.echo("hello")).isEqualTo("hello");
            RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            List<RedisFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                replies.add(async.echo("m" + i));
            }
            c.flushCommands();
            assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(30), replies.toArray(RedisFuture[]::new))).isTrue();
            c.setAutoFlushCommands(true);
            for (int i = 0; i < 1000; i++) {
                assertThat(replies.get(i).toCompletableFuture().join()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void aPoolOf32Threads() throws Exception {
        GenericObjectPoolConfig<StatefulRedisConnection<String, String>> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(ClientLibraries.POOL);
        try (GenericObjectPool<StatefulRedisConnection<String, String>> pool =
                     ConnectionPoolSupport.createGenericObjectPool(client::connect, config)) {
            ClientLibraries.echoOnPooledConnections(pool::borrowObject, (c, message) -> c.sync().echo(message));
            assertThat(pool.getCreatedCount()).isEqualTo(ClientLibraries.POOL);
        }
    }

    @Test
    void clientSetnameGetnameIdAndList() {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> sync = c.sync();
            assertThat(sync.clientSetname("lettuce-app")).isEqualTo("OK");
            assertThat(sync.clientGetname()).isEqualTo("lettuce-app");
            long id = sync.clientId();
            assertThat(sync.clientList().lines().filter(l -> l.startsWith("id=" + id + " ")))
                    .singleElement().asString().contains(" name=lettuce-app ").contains(" resp=3 ");
        }
    }

    @Test
    void subscribePsubscribePublishAndPubsubWhileStillRunningCommands() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             StatefulRedisConnection<String, String> c = client.connect()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add("message " + channel + " " + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add("pmessage " + pattern + " " + channel + " " + message);
                }
            });
            sub.sync().subscribe("news");
            sub.sync().psubscribe("n*");
            // RESP3: a subscribed connection runs any command.
            assertThat(sub.sync().echo("still here")).isEqualTo("still here");
            assertThat(c.sync().publish("news", "hi")).isEqualTo(2);
            assertThat(List.of(got.poll(10, TimeUnit.SECONDS), got.poll(10, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("message news hi", "pmessage n* news hi");
            assertThat(c.sync().pubsubNumsub("news")).isEqualTo(Map.of("news", 1L));
            assertThat(c.sync().pubsubChannels()).contains("news");
            assertThat(c.sync().pubsubNumpat()).isEqualTo(1);
        }
    }

    @Test
    void reconnectsByItselfAfterClientKill() {
        try (StatefulRedisConnection<String, String> victim = client.connect();
             StatefulRedisConnection<String, String> admin = client.connect()) {
            long first = victim.sync().clientId();
            assertThat(admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(first))).isEqualTo(1);
            // Lettuce's default: reconnect, and run the command once connected again.
            assertThat(victim.sync().ping()).isEqualTo("PONG");
            assertThat(victim.sync().clientId()).isNotEqualTo(first);
        }
    }

    @Test
    void theChatBridge() throws Exception {
        try (LineClient chat = LineClient.connect(serve.chat(), "frank");
             StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             StatefulRedisConnection<String, String> c = client.connect()) {
            chat.readLine();
            chat.sendLine("frank");
            assertThat(chat.readLine()).startsWith("* The room lobby contains");
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(message);
                }
            });
            sub.sync().subscribe("lobby");
            chat.sendLine("hello from chat");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("[frank] hello from chat");
            c.sync().clientSetname("lettuceapp");
            assertThat(c.sync().publish("lobby", "hello from lettuce")).isEqualTo(2);
            chat.expectLine("[lettuceapp] hello from lettuce");
        }
    }

    @Test
    void logsInWithAUsersFileAndIsRefusedAWrongPassword(@TempDir Path dir) throws Exception {
        try (Tcpkit.Serve secured = Tcpkit.serve(dir, "--users",
                Services.usersFile(dir, ClientLibraries.USER + " " + ClientLibraries.PASSWORD).toString())) {
            RedisClient right = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(secured.command())
                    .withAuthentication(ClientLibraries.USER, ClientLibraries.PASSWORD).build());
            RedisClient wrong = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(secured.command())
                    .withAuthentication(ClientLibraries.USER, "wrong").build());
            try (StatefulRedisConnection<String, String> c = right.connect()) {
                assertThat(c.sync().ping()).isEqualTo("PONG");
                assertThat(c.sync().aclWhoami()).isEqualTo(ClientLibraries.USER);
                assertThat(c.sync().clientInfo()).contains(" resp=3 ");
            }
            assertThatThrownBy(wrong::connect).isInstanceOf(RedisConnectionException.class)
                    .hasStackTraceContaining("WRONGPASS");
        }
    }
}
