package io.tcpkit.server.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** SessionTable against a HashMap: the same sessions found by id through growth, shrinking and removals mid-run. */
class SessionTableTest {
    @Test
    void findsWhatTheModelFindsThroughGrowthShrinkingAndRemovals() {
        SessionTable table = new SessionTable();
        Map<Long, Session> model = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        Random random = new Random(42);
        long next = 1;
        for (int step = 0; step < 40_000; step++) {
            // Mostly opens at first, then mostly closes: the table grows to thousands and shrinks again.
            boolean open = ids.isEmpty() || random.nextInt(100) < (step < 20_000 ? 60 : 35);
            if (open) {
                Session s = TestSessions.of(next);
                table.put(s);
                model.put(next, s);
                ids.add(next);
                next += 1 + random.nextInt(3); // runs of ids with gaps, as several services share the counter
            } else {
                long id = ids.remove(random.nextInt(ids.size()));
                assertThat(table.remove(model.remove(id))).isTrue();
                assertThat(table.get(id)).isNull();
            }
            if (step % 997 == 0) {
                assertThat(table.size()).isEqualTo(model.size());
                for (Map.Entry<Long, Session> e : model.entrySet()) {
                    if (table.get(e.getKey()) != e.getValue()) {
                        fail("session " + e.getKey() + " not found at step " + step);
                    }
                }
                assertThat(table.all()).containsExactlyInAnyOrderElementsOf(model.values());
            }
        }
    }

    @Test
    void removesOnlyThatVerySession() {
        SessionTable table = new SessionTable();
        Session a = TestSessions.of(7);
        table.put(a);
        assertThat(table.remove(TestSessions.of(7))).as("another session with the same id").isFalse();
        assertThat(table.remove(a)).isTrue();
        assertThat(table.remove(a)).isFalse();
        assertThat(table.size()).isZero();
    }
}
