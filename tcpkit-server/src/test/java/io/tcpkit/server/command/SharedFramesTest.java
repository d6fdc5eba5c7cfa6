package io.tcpkit.server.command;

import io.tcpkit.Connection;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Channel;
import io.tcpkit.server.hub.Glob;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.session.Sessions;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.tcpkit.testing.RespClient.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out encodes a message once per kind of frame: one {@code message} frame per protocol
 * (RESP2 array, RESP3 push) shared by every direct subscriber, and one {@code pmessage} frame per
 * pattern and protocol shared by that pattern's subscribers, so a 1 MB publish to a thousand
 * RESP3 pattern subscribers holds 1 MB of frames, not 1 GB.
 */
@Timeout(60)
class SharedFramesTest {
    private static final String PAYLOAD = "hello";

    private static String message(char header) {
        return header + "3\r\n" + bulk("message") + bulk("news") + bulk(PAYLOAD);
    }

    private static String pmessage(char header, String pattern) {
        return header + "4\r\n" + bulk("pmessage") + bulk(pattern) + bulk("news") + bulk(PAYLOAD);
    }

    /** A connection that keeps what it is sent, for the real PubSubClient over the real hub. */
    private static Connection recording(long id, List<byte[]> sent) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "id" -> id;
                    case "send" -> sent.add((byte[]) args[0]);
                    case "accountMemory" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * 100 subscribers of a room and of two patterns matching it, half in RESP3 and half in RESP2:
     * each gets the right bytes, and all of one protocol get the very same array for each frame.
     */
    @Test
    void everySubscriberOfAProtocolGetsTheSameArrayPerMessageAndPattern() {
        LocalHub hub = new LocalHub();
        Sessions sessions = new Sessions();
        List<List<byte[]>> received = new ArrayList<>();
        List<Boolean> resp3 = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            List<byte[]> sent = new CopyOnWriteArrayList<>();
            Connection conn = recording(i, sent);
            PubSubClient client = new PubSubClient(conn, sessions.open(conn, User.DEFAULT), hub);
            if (i % 2 == 0) {
                client.protocol(3);
            }
            assertThat(client.subscribe(Channel.of("news"))).isTrue();
            assertThat(client.psubscribe(Glob.of("n*"))).isTrue();
            assertThat(client.psubscribe(Glob.of("*s"))).isTrue();
            received.add(sent);
            resp3.add(i % 2 == 0);
        }
        assertThat(hub.publish(Message.published(Channel.of("news"), "p", PAYLOAD.getBytes(StandardCharsets.US_ASCII)), null))
                .isEqualTo(300);

        // One array per kind of frame, whoever received it.
        Map<String, Set<byte[]>> arrays = new java.util.HashMap<>();
        for (int i = 0; i < received.size(); i++) {
            char header = resp3.get(i) ? '>' : '*';
            List<byte[]> frames = received.get(i);
            assertThat(frames).hasSize(3);
            assertThat(text(frames.get(0))).as("the direct subscription's frame first").isEqualTo(message(header));
            assertThat(List.of(text(frames.get(1)), text(frames.get(2))))
                    .containsExactlyInAnyOrder(pmessage(header, "n*"), pmessage(header, "*s"));
            for (byte[] f : frames) {
                arrays.computeIfAbsent(text(f), k -> java.util.Collections.newSetFromMap(new IdentityHashMap<>())).add(f);
            }
        }
        assertThat(arrays.keySet()).containsExactlyInAnyOrder(message('*'), message('>'), pmessage('*', "n*"),
                pmessage('>', "n*"), pmessage('*', "*s"), pmessage('>', "*s"));
        arrays.forEach((frame, instances) -> assertThat(instances).as("arrays holding %s", frame).hasSize(1));
    }

    /** The same over real sockets: 40 RESP3 and 10 RESP2 pattern subscribers read exact bytes. */
    @Test
    void manyResp3PatternSubscribersReadTheRightPushFrame() throws Exception {
        try (Services server = Services.withCommand()) {
            List<RespClient> resp3 = new ArrayList<>();
            List<RespClient> resp2 = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                RespClient c = server.commandClient("sub" + i);
                if (i < 40) {
                    assertThat(c.call("HELLO", "3")).startsWith("%7\r\n");
                    assertThat(c.call("PSUBSCRIBE", "n*")).isEqualTo(">3\r\n" + bulk("psubscribe") + bulk("n*") + ":1\r\n");
                    resp3.add(c);
                } else {
                    assertThat(c.call("PSUBSCRIBE", "n*")).isEqualTo("*3\r\n" + bulk("psubscribe") + bulk("n*") + ":1\r\n");
                    resp2.add(c);
                }
            }
            RespClient pub = server.commandClient("pub");
            assertThat(pub.call("PUBLISH", "news", PAYLOAD)).isEqualTo(":50\r\n");
            for (RespClient c : resp3) {
                c.expectBytes(pmessage('>', "n*"));
            }
            for (RespClient c : resp2) {
                c.expectBytes(pmessage('*', "n*"));
            }
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
