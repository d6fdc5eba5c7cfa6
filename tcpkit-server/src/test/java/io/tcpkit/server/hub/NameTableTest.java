package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** NameTable against a map keyed by {@link Names#key}: the same holders through growth, shrinking and releases mid-run. */
class NameTableTest {
    /** A new object each time (a lambda without captures would be one and the same). */
    private static Subscriber subscriber() {
        return new Subscriber() {
            @Override
            public boolean deliver(Message message, Glob pattern) {
                return true;
            }
        };
    }

    @Test
    void namesAreUniqueIgnoringAsciiCaseOnly() {
        NameTable table = new NameTable();
        Subscriber alice = subscriber();
        assertThat(table.claim("Alice", alice)).isTrue();
        assertThat(table.claim("aLICE", subscriber())).as("the same name in other capitals").isFalse();
        assertThat(table.holder("ALICE")).isSameAs(alice);
        assertThat(table.holder("alice")).isSameAs(alice);
        // Names.key folds A-Z only: the Kelvin sign (which equalsIgnoreCase takes for a 'k') is another name.
        Subscriber kai = subscriber();
        assertThat(table.claim("kai", kai)).isTrue();
        assertThat(table.holder("\u212Aai")).isNull();
        assertThat(table.holder("\u0130")).isNull(); // dotted capital I, which lower-cases to "i" and more
        assertThat(table.holder("alicf")).isNull();
        assertThat(table.holder("alic")).isNull();
    }

    @Test
    void onlyTheHolderReleasesItsName() {
        NameTable table = new NameTable();
        Subscriber alice = subscriber();
        table.claim("alice", alice);
        table.release("ALICE", subscriber());
        assertThat(table.holder("alice")).isSameAs(alice);
        table.release("ALICE", alice);
        assertThat(table.holder("alice")).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.claim("alice", subscriber())).isTrue();
    }

    @Test
    void findsWhatTheModelFindsThroughGrowthShrinkingAndReleases() {
        NameTable table = new NameTable();
        Map<String, Subscriber> model = new HashMap<>();
        List<String> held = new ArrayList<>();
        Random random = new Random(42);
        for (int step = 0; step < 40_000; step++) {
            // Mostly claims at first, then mostly releases: the table grows to thousands and shrinks again.
            boolean claim = held.isEmpty() || random.nextInt(100) < (step < 20_000 ? 60 : 35);
            if (claim) {
                String name = name(random);
                Subscriber s = subscriber();
                boolean free = !model.containsKey(Names.key(name));
                assertThat(table.claim(name, s)).as("claim %s", name).isEqualTo(free);
                if (free) {
                    model.put(Names.key(name), s);
                    held.add(name);
                }
            } else {
                String name = held.remove(random.nextInt(held.size()));
                // Released under another spelling of the same name, as a member's own name may be.
                table.release(random.nextBoolean() ? name.toUpperCase() : name, model.remove(Names.key(name)));
            }
            if (step % 997 == 0) {
                for (String name : held) {
                    assertThat(table.holder(name)).isSameAs(model.get(Names.key(name)));
                }
                assertThat(table.size()).isEqualTo(model.size());
            }
            String probe = name(random);
            assertThat(table.holder(probe)).as("holder of %s", probe).isSameAs(model.get(Names.key(probe)));
        }
    }

    private static String name(Random random) {
        String letters = "abcdeABCDE0123";
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            sb.append(letters.charAt(random.nextInt(letters.length())));
        }
        return sb.toString();
    }
}
