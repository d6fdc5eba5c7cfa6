package io.tcpkit.engine;

import io.tcpkit.CloseReason;
import io.tcpkit.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When no writer thread can be started for a message sent from another thread (as when memory
 * runs out), the connection is closed and its queue dropped, and the sender returns. It used to
 * let go of the drainer's flag first, which found the message still queued and tried to start
 * another writer, and so on, down the sender's stack, until StackOverflowError.
 */
@Timeout(60)
class WriterStartFailureTest {
    @RegisterExtension
    final EngineFixture fixture = new EngineFixture();
    private final ThreadFactory realWriters = Drainer.writerThreads;

    @AfterEach
    void restoreWriters() {
        Drainer.writerThreads = realWriters;
    }

    @Test
    void aWriterThatCannotStartEndsTheConnectionAndDropsItsQueue() throws Exception {
        EngineServer engine = fixture.startBusy("nostart"); // a send needs a writer thread
        try (Socket client = Net.connect(engine.port())) {
            ConnectionImpl conn = fixture.busyConnection(client);
            AtomicInteger starts = new AtomicInteger();
            Drainer.writerThreads = r -> {
                starts.incrementAndGet();
                throw new RejectedExecutionException("no threads here");
            };
            conn.out().send("hello\n".getBytes()); // threw StackOverflowError before the fix

            assertThat(starts).as("writer starts tried").hasValue(1);
            assertThat(conn.out().queuedBytes()).as("queued after the failed start").isZero();
            assertThat(conn.closeReason()).isEqualTo(CloseReason.IO_ERROR);
        }
    }
}
