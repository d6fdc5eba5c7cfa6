package io.tcpkit.server.chat;

import io.tcpkit.server.testing.Services;
import io.tcpkit.testing.LineClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Chat conversations for tests: joining people one by one and proving that nothing else arrived. */
final class ChatPeers {
    static final String PROMPT = "Welcome to tcpkit chat! What shall I call you?";
    static final String ILLEGAL_NAME = "* illegal name: use 1 to 32 letters and digits";
    static final String LOBBY_PRESENCE = "* The room lobby contains: ";
    /**
     * Flood control out of the way, for tests that flood on purpose to test something else (a
     * burst during leaves, a slow consumer); ChatFloodProgramTest tests the limits themselves.
     */
    static final ChatLimits NO_FLOOD_CONTROL = new ChatLimits(1_000_000, 1_000_000_000, 1);
    private static final AtomicInteger MARKERS = new AtomicInteger();

    private ChatPeers() {
    }

    /** Connects and reads the prompt. */
    static LineClient connect(Services servers, String label) throws IOException {
        LineClient p = servers.chatClient(label);
        p.expectLine(PROMPT);
        return p;
    }

    /**
     * Connects, gives the name, checks the presence line lists exactly {@code alreadyThere} (in
     * the order they joined), and has each of them read the join notice.
     */
    static LineClient join(Services servers, String name, List<LineClient> alreadyThere) throws IOException {
        return join(servers.track(LineClient.connect(servers.chat().port(), name)), alreadyThere);
    }

    /** As {@link #join(Services, String, List)}, for a peer connected already; its label is its name. */
    static LineClient join(LineClient p, List<LineClient> alreadyThere) throws IOException {
        String name = p.label();
        p.expectLine(PROMPT);
        p.sendLine(name);
        p.expectLine(LOBBY_PRESENCE + String.join(", ", alreadyThere.stream().map(LineClient::label).toList()));
        for (LineClient other : alreadyThere) {
            other.expectLine("* " + name + " has entered the room");
        }
        return p;
    }

    /** Joins everyone in turn to the lobby, which must be empty first. */
    static List<LineClient> joinAll(Services servers, String... names) throws IOException {
        List<LineClient> joined = new ArrayList<>();
        for (String name : names) {
            joined.add(join(servers, name, List.copyOf(joined)));
        }
        return joined;
    }

    /**
     * {@code mover} says /join {@code room} (a new room for it, named in lower case): it is told
     * who is there ({@code there}, in the order they came), each of them reads that it entered,
     * and each of {@code leftBehind} that it left.
     */
    static void move(LineClient mover, String room, List<LineClient> leftBehind, List<LineClient> there)
            throws IOException {
        mover.sendLine("/join " + room);
        mover.expectLine("* The room " + room + " contains: "
                + String.join(", ", there.stream().map(LineClient::label).toList()));
        for (LineClient other : there) {
            other.expectLine("* " + mover.label() + " has entered the room");
        }
        for (LineClient other : leftBehind) {
            other.expectLine("* " + mover.label() + " has left the room");
        }
    }

    /**
     * Proves that nothing is pending for {@code listeners}: {@code speaker} (joined, in the same
     * room) says a fresh marker, and it must be the very next line each listener reads. Anything
     * sent to them earlier would arrive before it.
     */
    static void assertNothingPending(LineClient speaker, LineClient... listeners) throws IOException {
        String marker = "marker-" + MARKERS.incrementAndGet();
        speaker.sendLine(marker);
        for (LineClient l : listeners) {
            l.expectLine("[" + speaker.label() + "] " + marker);
        }
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }
}
