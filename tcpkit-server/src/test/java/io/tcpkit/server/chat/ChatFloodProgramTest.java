package io.tcpkit.server.chat;

import io.tcpkit.server.testing.Tcpkit;
import io.tcpkit.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One person sending 1,000-byte lines as fast as they can, against the real program: the flooder
 * is told and slowed down; a reader slower than the flood (here: one that reads nothing until
 * the flooder has been told) stays connected and gets every line that was relayed.
 */
@Timeout(120)
class ChatFloodProgramTest {
    private static final String LINE = "x".repeat(1000);

    private static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connecting, so the window stays small
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(15_000);
        return s;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        if (c < 0 && sb.isEmpty()) {
            return null;
        }
        return sb.toString();
    }

    private static void join(Socket s, String name) throws IOException {
        assertThat(line(s.getInputStream())).startsWith("Welcome");
        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(line(s.getInputStream())).startsWith("* The room lobby contains:");
    }

    @Test
    void aFlooderIsSlowedDownAndAReaderSlowerThanTheFloodStaysConnected() throws Exception {
        // Default options but a smaller outbound queue, so that on the old code the reader was
        // cut off after a few hundred kilobytes rather than megabytes.
        try (ChildProcess serve = Tcpkit.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0",
                "--max-outbound-bytes", "262144")) {
            int port = Tcpkit.awaitPort(serve, "chat");
            try (Socket reader = connect(port, 4096); Socket flooder = connect(port, 0)) {
                join(reader, "reader");
                join(flooder, "flooder");
                assertThat(line(reader.getInputStream())).isEqualTo("* flooder has entered the room");
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        OutputStream out = flooder.getOutputStream();
                        byte[] one = (LINE + "\n").getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < 6000; i++) {
                            out.write(one);
                        }
                    } catch (IOException e) {
                        // The test closed the socket while the server held the flooder back.
                    }
                });
                // The flooder is told, once, after its burst (20 lines at the default 5 a second).
                String notice = line(flooder.getInputStream());
                assertThat(notice).isEqualTo("* you are sending too fast (more than 5 lines or 8192 bytes a second):"
                        + " slowing you down");
                // Only now does the reader read: everything relayed so far, then its own /who answer.
                reader.getOutputStream().write("/who\n".getBytes(StandardCharsets.US_ASCII));
                int relayed = 0;
                String l;
                while ((l = line(reader.getInputStream())) != null && !l.startsWith("* in lobby: ")) {
                    assertThat(l).isEqualTo("[flooder] " + LINE);
                    relayed++;
                    assertThat(relayed).as("lines relayed at 5 a second after a burst of 20").isLessThan(200);
                }
                assertThat(l).as("the reader is still connected").isEqualTo("* in lobby: reader, flooder");
                assertThat(relayed).isGreaterThanOrEqualTo(20);
                flooder.close();
                writer.join();
            }
            assertThat(serve.stderr()).doesNotContain("slow consumer");
        }
    }

    @Test
    void theLimitsAreOptionsAndMustBePositive() throws Exception {
        try (ChildProcess serve = Tcpkit.start("serve", "--echo-port", "0", "--chat-port", "0", "--command-port", "0",
                "--chat-lines-per-second", "0")) {
            assertThat(serve.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(serve.stderr()).contains("Invalid value for option '--chat-lines-per-second'");
        }
        try (ChildProcess chat = Tcpkit.start("chat", "--port", "0", "--chat-lines-per-second", "1",
                "--chat-bytes-per-second", "100000", "--chat-burst-seconds", "1")) {
            int port = Tcpkit.awaitPort(chat, "chat");
            try (Socket s = connect(port, 0)) {
                join(s, "quick");
                s.getOutputStream().write("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(line(s.getInputStream())).as("one line a second, a burst of one: the second line is over")
                        .startsWith("* you are sending too fast (more than 1 lines or 100000 bytes a second)");
            }
        }
    }
}
