package io.tcpkit.server.command;

import io.tcpkit.testing.RespClient;
import io.tcpkit.server.testing.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request may have any number of arguments within --max-request-bytes, as in Redis: SUBSCRIBE
 * to 100,000 rooms works, and its 100,000 confirmations reach the client without it being taken
 * for a slow consumer.
 */
@Timeout(120)
class ManyChannelsTest {
    private static final int ROOMS = 100_000;

    private static String room(int i) {
        return String.format("%4s", Integer.toString(i, 36)).replace(' ', '_');
    }

    private static String confirm(String kind, String room, int count) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + room.length() + "\r\n" + room + "\r\n:" + count + "\r\n";
    }

    private static byte[] request(String command, int rooms) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + (rooms + 1) + "\r\n$" + command.length() + "\r\n" + command + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < rooms; i++) {
            String r = room(i);
            out.writeBytes(("$" + r.length() + "\r\n" + r + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Test
    void subscribeToAHundredThousandRoomsAndLeaveThemAll() throws Exception {
        byte[] subscribe = request("SUBSCRIBE", ROOMS);
        assertThat(subscribe.length).as("within the default --max-request-bytes").isLessThan(1024 * 1024);
        try (Services server = Services.withCommand(); RespClient sub = server.commandClient(); RespClient pub = server.commandClient()) {
            sub.sendBytes(subscribe);
            StringBuilder confirmations = new StringBuilder();
            for (int i = 0; i < ROOMS; i++) {
                confirmations.append(confirm("subscribe", room(i), i + 1));
            }
            assertThat(latin1(sub.readExactly(confirmations.length()))).isEqualTo(confirmations.toString());
            assertThat(pub.call("PUBLISH", room(ROOMS - 1), "last")).isEqualTo(":1\r\n");
            assertThat(sub.value()).isEqualTo(List.of("message", room(ROOMS - 1), "last"));
            sub.command("UNSUBSCRIBE");
            StringBuilder left = new StringBuilder();
            for (int i = 0; i < ROOMS; i++) {
                left.append(confirm("unsubscribe", room(i), ROOMS - 1 - i));
            }
            assertThat(latin1(sub.readExactly(left.length()))).isEqualTo(left.toString());
            assertThat(sub.call("PING")).as("out of subscribed mode").isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void theRequestSizeStillBoundsMemory() throws IOException {
        try (Services server = Services.withCommand(); RespClient peer = server.commandClient()) {
            peer.sendBytes(request("SUBSCRIBE", 150_000)); // 1.35 MB
            assertThat(peer.readToEnd()).isEqualTo("-ERR Protocol error: request larger than 1048576 bytes\r\n");
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
