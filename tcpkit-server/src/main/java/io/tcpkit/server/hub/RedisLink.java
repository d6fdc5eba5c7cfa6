package io.tcpkit.server.hub;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The two Redis connections of a {@link RedisHub} (Lettuce: one for commands and PUBLISH, one
 * subscribed to the hub's channel; both reconnect, and the second resubscribes, by themselves)
 * and the keys it keeps there. Presence is one hash, {@code tcpkit:names}: a chat name (as
 * {@link Names#key}) to "instance LF name LF room". Each instance refreshes
 * {@code tcpkit:alive:ID} (expiring after {@link #INSTANCE_TTL}) and is listed in
 * {@code tcpkit:instances}; the names of an instance whose key expired are reaped by one of the
 * others, atomically (a Lua script), so exactly one announces that its members left.
 */
final class RedisLink implements AutoCloseable {
    /** Each instance's key outlives its last heartbeat by this long (then its members are reaped). */
    static final Duration INSTANCE_TTL = Duration.ofSeconds(8);
    /** A command or connection attempt to Redis that takes longer fails (the hub is then unreachable). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** PUBLISHes that may wait for Redis at once; beyond it they are dropped (delivery is at most once). */
    static final int MAX_QUEUED_COMMANDS = 100_000;

    static final byte[] CHANNEL = ascii("tcpkit:hub");
    private static final byte[] NAMES = ascii("tcpkit:names");
    private static final byte[] INSTANCES = ascii("tcpkit:instances");
    private static final String ALIVE = "tcpkit:alive:";

    /** Removes a name if the given instance holds it. */
    private static final String RELEASE = """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if v and string.sub(v, 1, string.len(ARGV[2])) == ARGV[2] then
              return redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0""";
    /** Sets a name's entry if it is absent or the given instance's already. */
    private static final String CLAIM = """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if (not v) or string.sub(v, 1, string.len(ARGV[2])) == ARGV[2] then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
              return 1
            end
            return 0""";
    /** Forgets every instance whose heartbeat key expired; returns the entries of the names it held. */
    private static final String REAP = """
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if redis.call('EXISTS', ARGV[1] .. id) == 0 then
                redis.call('SREM', KEYS[1], id)
                local all = redis.call('HGETALL', KEYS[2])
                for i = 1, #all, 2 do
                  if string.sub(all[i + 1], 1, string.len(id) + 1) == id .. '\\n' then
                    redis.call('HDEL', KEYS[2], all[i])
                    table.insert(out, all[i + 1])
                  end
                end
              end
            end
            return out""";

    private final RedisURI uri;
    private final String id;
    private final byte[] idPrefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final Consumer<byte[]> received;
    private volatile StatefulRedisConnection<byte[], byte[]> commands;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> subscription;

    /** {@code tls}: what a rediss:// link trusts and shows (null: the JDK's trust store, no client certificate). */
    RedisLink(RedisURI uri, RedisTls tls, String id, Consumer<byte[]> received) {
        this.uri = uri;
        this.id = id;
        this.idPrefix = ascii(id + "\n");
        this.received = received;
        // Checked before any thread starts: bad files are refused at startup.
        SslOptions ssl = tls == null ? null : tls.sslOptions();
        uri.setTimeout(TIMEOUT);
        // Few threads: the links carry little next to the clients, and the machine's cores are the engine's.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
                .reconnectDelay(Delay.constant(Duration.ofMillis(500))).build();
        this.client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder();
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options
                .autoReconnect(true)
                // While Redis is away, commands fail at once instead of queueing: what is published
                // then is lost, not delivered late and out of place.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
    }

    /** Where Redis is, for log lines (no credentials). */
    String where() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    /** Opens the connections if they are not open yet (Lettuce keeps them open afterwards). */
    void connect() {
        if (commands == null) {
            commands = client.connect(ByteArrayCodec.INSTANCE);
        }
        if (subscription == null) {
            StatefulRedisPubSubConnection<byte[], byte[]> s = client.connectPubSub(ByteArrayCodec.INSTANCE);
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    received.accept(message);
                }
            });
            s.sync().subscribe(CHANNEL);
            subscription = s;
        }
    }

    /** PUBLISH without waiting; false if it could not even be queued (not connected). */
    boolean publish(byte[] frame) {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        if (c == null || !c.isOpen()) {
            return false;
        }
        c.async().publish(CHANNEL, frame); // a failure (Redis gone meanwhile) is a message lost
        return true;
    }

    /** Refreshes this instance's heartbeat key and its place in the list of instances. */
    void heartbeat() {
        RedisCommands<byte[], byte[]> r = sync();
        r.set(ascii(ALIVE + id), ascii("1"), SetArgs.Builder.px(INSTANCE_TTL.toMillis()));
        r.sadd(INSTANCES, ascii(id));
    }

    /** Takes a name for this instance; false if another instance holds it. */
    boolean claim(String key, String entry) {
        Long set = sync().eval(CLAIM, ScriptOutputType.INTEGER, new byte[][] {NAMES}, ascii(key), idPrefix, utf8(entry));
        return set != null && set == 1;
    }

    /** Gives a name back if this instance holds it; does not wait. */
    void release(String key) {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        if (c != null && c.isOpen()) {
            c.async().eval(RELEASE, ScriptOutputType.INTEGER, new byte[][] {NAMES}, ascii(key), idPrefix);
        }
    }

    /** Every name's entry ("instance LF name LF room"), by key. */
    Map<String, String> entries() {
        Map<String, String> out = new HashMap<>();
        sync().hgetall(NAMES).forEach((k, v) -> out.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    /** One name's entry, or null. */
    String entry(String key) {
        byte[] v = sync().hget(NAMES, ascii(key));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Reaps the instances whose heartbeat stopped; returns the entries of their names (for leave notices). */
    List<String> reap() {
        List<Object> out = sync().eval(REAP, ScriptOutputType.MULTI, new byte[][] {INSTANCES, NAMES}, ascii(ALIVE));
        List<String> entries = new ArrayList<>();
        for (Object o : out) {
            entries.add(new String((byte[]) o, StandardCharsets.UTF_8));
        }
        return entries;
    }

    private RedisCommands<byte[], byte[]> sync() {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        if (c == null) {
            throw new io.lettuce.core.RedisConnectionException("not connected");
        }
        return c.sync();
    }

    /** Leaves Redis as if this instance had never been there (its names, its heartbeat), then closes. */
    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        try {
            if (c != null && c.isOpen()) {
                RedisCommands<byte[], byte[]> r = c.sync();
                r.del(ascii(ALIVE + id));
                r.srem(INSTANCES, ascii(id));
                r.eval("""
                        local all = redis.call('HGETALL', KEYS[1])
                        for i = 1, #all, 2 do
                          if string.sub(all[i + 1], 1, string.len(ARGV[1])) == ARGV[1] then
                            redis.call('HDEL', KEYS[1], all[i])
                          end
                        end
                        return 0""", ScriptOutputType.INTEGER, new byte[][] {NAMES}, idPrefix);
            }
        } catch (io.lettuce.core.RedisException e) {
            // Redis is away: the others reap this instance's names when its heartbeat key expires.
        }
        client.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        resources.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
