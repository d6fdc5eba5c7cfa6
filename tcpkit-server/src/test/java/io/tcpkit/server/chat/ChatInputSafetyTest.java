package io.tcpkit.server.chat;

import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.Await;
import io.tcpkit.testing.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.tcpkit.server.chat.ChatPeers.ILLEGAL_NAME;
import static io.tcpkit.server.chat.ChatPeers.assertNothingPending;
import static io.tcpkit.server.chat.ChatPeers.joinAll;
import static io.tcpkit.server.chat.ChatPeers.repeat;
import static org.assertj.core.api.Assertions.assertThat;

/** What one user types cannot hurt the others: over-long lines and terminal control characters. */
@Timeout(30)
class ChatInputSafetyTest {
    private static final int MAX_LINE = 100;
    private static final String TOO_LONG = "* line too long (over " + MAX_LINE + " bytes): dropped";
    private Services servers;
    private TcpServer chat;
    private LineClient alice;
    private LineClient bob;

    @BeforeEach
    void start() throws Exception {
        servers = new Services();
        chat = servers.startChat(Limits.DEFAULT.withMaxLineBytes(MAX_LINE));
        List<LineClient> room = joinAll(servers, "alice", "bob");
        alice = room.get(0);
        bob = room.get(1);
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void aLineOverTheMaximumGetsAnErrorIsNotRelayedAndTheConnectionStaysUp() throws Exception {
        alice.sendLine(repeat('x', MAX_LINE + 50));
        alice.expectLine(TOO_LONG);
        alice.sendLine("still here");
        bob.expectLine("[alice] still here"); // and not a piece of the long line before it
        assertNothingPending(bob, alice);
    }

    @Test
    void theMaximumItselfIsAllowedAndOneByteMoreIsNot() throws Exception {
        String exactly = repeat('m', MAX_LINE);
        alice.sendLine(exactly);
        bob.expectLine("[alice] " + exactly);
        alice.send(exactly + "\r\n"); // the CR is not counted
        bob.expectLine("[alice] " + exactly);
        alice.sendLine(exactly + "!");
        alice.expectLine(TOO_LONG);
        assertNothingPending(alice, bob);
        assertNothingPending(bob, alice);
    }

    @Test
    void aLongLineArrivingInPiecesIsDroppedWholeNotRelayedInPieces() throws Exception {
        long before = chat.stats().bytesIn();
        String piece = repeat('p', 70);
        int pieces = 5;
        for (int i = 0; i < pieces; i++) {
            alice.send(piece);
            long expected = before + (long) (i + 1) * piece.length();
            // The server has read this piece before the next one leaves.
            Await.until("piece " + i + " read", Duration.ofSeconds(10), () -> chat.stats().bytesIn() >= expected);
        }
        alice.send("tail\n");
        alice.expectLine(TOO_LONG);
        // A megabyte without a line feed, then one: still one error, still connected.
        alice.send(repeat('q', 1 << 20) + "\n");
        alice.expectLine(TOO_LONG);
        alice.sendLine("after the long ones");
        bob.expectLine("[alice] after the long ones");
        assertNothingPending(bob, alice);
    }

    @Test
    void anOverlongNameIsAnIllegalName() throws Exception {
        try (LineClient p = ChatPeers.connect(servers, "long")) {
            p.sendLine(repeat('n', MAX_LINE * 3));
            p.expectLine(ILLEGAL_NAME);
            p.expectEof();
        }
        assertNothingPending(alice, bob);
    }

    @Test
    void controlCharactersNeverReachAnotherUserRaw() throws Exception {
        String[][] cases = {
                {"clear\u001b[2Jscreen", "clear?[2Jscreen"},
                {"bell\u0007\u0007", "bell??"},
                {"over\rwrite", "over?write"},
                {"csi\u009b31mred", "csi?31mred"},
                {"osc\u001b]0;title\u0007", "osc?]0;title?"},
                {"del\u007fete", "del?ete"},
                {"nul\u0000byte", "nul?byte"},
                {"tab\there", "tab here"},
                {"bidi\u202egnp.exe", "bidi?gnp.exe"},
                {"caf\u00e9 \u263a fine", "caf\u00e9 \u263a fine"},
        };
        for (String[] c : cases) {
            alice.sendLine(c[0]);
            assertRelayedSafely(bob, "[alice] " + c[1]);
        }
        // A lone 0x9b byte (C1 CSI on an 8-bit terminal) is not UTF-8: it becomes U+FFFD.
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("raw".getBytes(StandardCharsets.US_ASCII));
        raw.write(0x9b);
        raw.writeBytes("31m\n".getBytes(StandardCharsets.US_ASCII));
        alice.sendBytes(raw.toByteArray());
        assertRelayedSafely(bob, "[alice] raw\ufffd31m");
        assertNothingPending(bob, alice);
    }

    @Test
    void controlCharactersAreReplacedInPrivateMessagesActionsAndCommandEchoes() throws Exception {
        alice.sendLine("/msg bob psst\u001b[2J\u0007");
        assertRelayedSafely(bob, "[alice -> you] psst?[2J?");
        assertRelayedSafely(alice, "[you -> bob] psst?[2J?");
        alice.sendLine("/me dances\u009b5m");
        assertRelayedSafely(bob, "* alice dances?5m");
        alice.sendLine("/x\u001b[2J");
        assertRelayedSafely(alice, "* unknown command /x?[2J: try /help");
        alice.sendLine("/msg zed\u0007 hi");
        assertRelayedSafely(alice, "* nobody called zed? is here");
    }

    /** Reads the next line and checks it, and that its bytes hold no C0, DEL or C1 control codes. */
    private static void assertRelayedSafely(LineClient to, String expected) throws Exception {
        String line = to.readLine();
        assertThat(line).isEqualTo(expected);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            assertThat(b < 0x20 || b == 0x7f).as("control byte %02x at %d in %s", b, i, line).isFalse();
            if (b == 0xc2 && i + 1 < bytes.length) {
                int next = bytes[i + 1] & 0xff;
                assertThat(next >= 0x80 && next <= 0x9f).as("C1 control at %d in %s", i, line).isFalse();
            }
        }
    }
}
