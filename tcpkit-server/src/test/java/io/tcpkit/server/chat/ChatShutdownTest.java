package io.tcpkit.server.chat;

import io.tcpkit.CloseReason;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.LineClient;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tcpkit.server.chat.ChatPeers.joinAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the chat server says goodbye to everyone who joined, then ends their connections, with
 * no news of others leaving after (or before) the goodbye.
 */
@Timeout(30)
class ChatShutdownTest {
    private static final String GOODBYE = "* the server is shutting down: bye";
    private final Services servers = new Services();

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void membersGetAGoodbyeLineBeforeEndOfStreamAndNobodyIsForced() throws Exception {
        TcpServer chat = servers.startChat(Limits.DEFAULT);
        List<LineClient> lobby = joinAll(servers, "alice", "bob", "dave");
        LineClient dave = lobby.get(2);
        dave.sendLine("/join dev");
        dave.expectLine("* The room dev contains: ");
        lobby.get(0).expectLine("* dave has left the room");
        lobby.get(1).expectLine("* dave has left the room");
        LineClient carol = ChatPeers.connect(servers, "carol"); // has not given a name

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> ends = lobby.stream().map(p -> pool.submit(() -> readToEndAndClose(p))).toList();
            Future<List<String>> carolsEnd = pool.submit(() -> readToEndAndClose(carol));
            Future<?> closing = pool.submit(chat::close);
            for (int i = 0; i < lobby.size(); i++) {
                // The goodbye and nothing else: nobody is told who leaves as the server empties.
                assertThat(ends.get(i).get()).as("%s before end of stream", lobby.get(i)).containsExactly(GOODBYE);
            }
            assertThat(carolsEnd.get()).as("no goodbye for someone who never joined").isEmpty();
            closing.get(20, TimeUnit.SECONDS);
        }
        assertThat(Net.closed(chat, CloseReason.SHUTDOWN)).isEqualTo(4);
        assertThat(Net.closed(chat, CloseReason.SHUTDOWN_FORCED)).isZero();
        assertThat(servers.sessions.size()).isZero();
        assertThat(servers.hub.rooms(null)).isEmpty();
    }

    /** Reads to the server's end of stream, then closes, as a client would: the server need not linger. */
    private static List<String> readToEndAndClose(LineClient p) throws Exception {
        List<String> lines = p.readLinesToEnd(10);
        p.close();
        return lines;
    }
}
