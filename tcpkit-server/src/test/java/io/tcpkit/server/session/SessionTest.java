package io.tcpkit.server.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fields a Session packs to stay small: the client library's two parts, and idle in whole seconds. */
class SessionTest {
    @Test
    void libraryNameAndVersionAreSetApartAndKeepEachOther() {
        Session s = TestSessions.of(1);
        assertThat(s.libName()).isEmpty();
        assertThat(s.libVersion()).isEmpty();
        s.library(null, "5.0.1");
        assertThat(s.libName()).isEmpty();
        assertThat(s.libVersion()).isEqualTo("5.0.1");
        s.library("redis-py", null);
        assertThat(s.libName()).isEqualTo("redis-py");
        assertThat(s.libVersion()).as("the version stays").isEqualTo("5.0.1");
        s.library(null, "5.1");
        assertThat(s.libName()).as("the name stays").isEqualTo("redis-py");
        assertThat(s.libVersion()).isEqualTo("5.1");
    }

    /** Whole seconds, rounded so that a client that just did something is never shown idle. */
    @Test
    void idleIsZeroRightAfterActivity() {
        Session s = TestSessions.of(1);
        assertThat(s.idle()).as("new").isEqualTo(Duration.ZERO);
        s.commandRun("ping");
        assertThat(s.idle()).as("after a command").isEqualTo(Duration.ZERO);
        s.active();
        assertThat(s.idle()).as("after a chat line").isEqualTo(Duration.ZERO);
    }
}
