package io.tcpkit.server.command;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** SmallSet against a LinkedHashSet: one element alone, an array, a hash set past SMALL, and back. */
class SmallSetTest {
    @Test
    void behavesAsALinkedHashSetThroughEveryShape() {
        Random random = new Random(7);
        SmallSet<String> set = new SmallSet<>();
        LinkedHashSet<String> model = new LinkedHashSet<>();
        for (int step = 0; step < 20_000; step++) {
            String e = "r" + random.nextInt(step % 2000 < 1000 ? 4 : 12); // small sets, then past SMALL
            if (random.nextBoolean()) {
                assertThat(set.add(e)).isEqualTo(model.add(e));
            } else {
                assertThat(set.remove(e)).isEqualTo(model.remove(e));
            }
            assertThat(set.size()).isEqualTo(model.size());
            assertThat(set.contains(e)).isEqualTo(model.contains(e));
            List<String> elements = new ArrayList<>();
            set.forEach(elements::add);
            assertThat(elements).containsExactlyElementsOf(model);
        }
        set.clear();
        assertThat(set.size()).isZero();
        assertThat(set.iterator().hasNext()).isFalse();
    }
}
