package io.tcpkit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBudgetTest {
    private final List<String> evicted = new ArrayList<>();

    private MemoryBudget.Account open(MemoryBudget budget, String address, String name) throws Exception {
        return budget.open(InetAddress.getByName(address), (held, why) -> evicted.add(name + " " + held + ": " + why));
    }

    @Test
    void atTheLimitTheBiggestHoldersGoFirstUntilUseIsBackUnderTheLowWater() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1000, 100);
        MemoryBudget.Account small = open(budget, "127.0.0.1", "small");
        MemoryBudget.Account big = open(budget, "127.0.0.2", "big");
        MemoryBudget.Account bigger = open(budget, "127.0.0.3", "bigger");
        assertThat(small.charge(100)).isTrue();
        assertThat(big.charge(300)).isTrue();
        assertThat(bigger.charge(500)).isTrue();
        assertThat(budget.used()).isEqualTo(900);
        // 1,050: over; evicting "bigger" (650) brings it to 400, under 900 (90%)
        assertThat(bigger.charge(150)).as("the one that charged was the biggest: evicted, refused").isFalse();
        assertThat(evicted).containsExactly("bigger 650: client memory budget of 1000 bytes reached (1050 in use)");
        assertThat(budget.used()).isEqualTo(400);
        assertThat(budget.evictions()).isEqualTo(1);
        assertThat(budget.evictedBytes()).isEqualTo(650);
        assertThat(bigger.charge(10)).as("an evicted account takes nothing more").isFalse();
        assertThat(bigger.charge(-10)).as("giving back is always fine (and ignored)").isTrue();
        assertThat(budget.used()).isEqualTo(400);
        MemoryBudget.Account huge = open(budget, "127.0.0.4", "huge");
        assertThat(huge.charge(550)).isTrue();
        assertThat(small.charge(100)).as("the next one over evicts the biggest, not the one that asked").isTrue();
        assertThat(evicted).last().isEqualTo("huge 550: client memory budget of 1000 bytes reached (1050 in use)");
        assertThat(budget.used()).isEqualTo(500);
    }

    @Test
    void oneAddressMayHoldOnlyItsShareAndItsOwnBiggestHolderPays() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1000, 25); // 250 per address
        MemoryBudget.Account other = open(budget, "127.0.0.9", "other");
        MemoryBudget.Account a1 = open(budget, "127.0.0.1", "a1");
        MemoryBudget.Account a2 = open(budget, "127.0.0.1", "a2");
        assertThat(other.charge(240)).as("another address, within its share").isTrue();
        assertThat(a1.charge(200)).isTrue();
        assertThat(a2.charge(100)).as("300 from one address: its biggest holder goes, not the other address's").isTrue();
        assertThat(evicted).containsExactly("a1 200: its address's share of the client memory budget, 250 bytes, reached");
        assertThat(budget.used()).isEqualTo(340);
        assertThat(other.held()).isEqualTo(240);
    }

    @Test
    void closingReturnsEverythingOnce() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1000);
        MemoryBudget.Account a = open(budget, "127.0.0.1", "a");
        a.charge(123);
        a.close();
        a.close();
        assertThat(budget.used()).isZero();
        assertThat(a.charge(1)).isFalse();
        assertThat(budget.used()).isZero();
        assertThat(evicted).isEmpty();
    }

    @Test
    void aSmallAccountMayBeGivenBackAndIsThenNoLongerAHolder() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1000, 100);
        MemoryBudget.Account a = open(budget, "127.0.0.1", "a");
        MemoryBudget.Account b = open(budget, "127.0.0.1", "b");
        assertThat(a.charge(300)).isTrue();
        assertThat(a.closeIfAtMost(299)).as("it holds 300").isEqualTo(-1);
        assertThat(a.charge(-100)).isTrue();
        assertThat(a.closeIfAtMost(200)).as("what it held, given back to the budget").isEqualTo(200);
        assertThat(budget.used()).isZero();
        assertThat(a.closeIfAtMost(1000)).as("once").isEqualTo(-1);
        assertThat(a.charge(10)).as("a charge after it was given back is refused: the caller opens another").isFalse();
        assertThat(b.charge(950)).isTrue();
        assertThat(b.charge(100)).as("over the limit: the only holder left goes").isFalse();
        assertThat(evicted).containsExactly("b 1050: client memory budget of 1000 bytes reached (1050 in use)");
        assertThat(budget.used()).isZero();
        b.close();
        a.close();
        assertThat(budget.used()).isZero();
    }

    /**
     * On G1 an array of more than half a region, header included, is humongous and takes whole
     * regions: with 1 MiB regions a 1 MiB buffer takes two (BoundedMemoryProgramTest checks the
     * program charges that on a real 96 MiB G1 heap).
     */
    @Test
    void aBufferIsChargedAtWhatTheHeapGivesIt() {
        long mib = 1 << 20;
        assertThat(MemoryBudget.heapBytes(524_272, mib)).as("header and all, exactly half a region: not humongous").isEqualTo(524_272);
        assertThat(MemoryBudget.heapBytes(524_273, mib)).as("a byte more: a whole region").isEqualTo(mib);
        assertThat(MemoryBudget.heapBytes(mib - 16, mib)).as("one region, filled").isEqualTo(mib);
        assertThat(MemoryBudget.heapBytes(mib, mib)).as("a 1 MiB buffer: two regions").isEqualTo(2 * mib);
        assertThat(MemoryBudget.heapBytes(5 * mib, 4 * mib)).isEqualTo(8 * mib);
        assertThat(MemoryBudget.heapBytes(mib, 4 * mib)).as("under half of a 4 MiB region").isEqualTo(mib);
        assertThat(MemoryBudget.heapBytes(mib, 0)).as("not G1: its length").isEqualTo(mib);
        assertThat(MemoryBudget.heapBytes(0, mib)).isZero();
        assertThat(MemoryBudget.of(1000).heapBytes(4096)).as("a small array, whatever the collector").isEqualTo(4096);
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> MemoryBudget.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryBudget.of(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryBudget.of(10).withUnchargedBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MemoryBudget.of(10).unchargedBytes()).isEqualTo(MemoryBudget.DEFAULT_UNCHARGED_BYTES);
        assertThat(MemoryBudget.of(1000, 30).withUnchargedBytes(0).addressLimit()).isEqualTo(300);
        assertThatThrownBy(() -> MemoryBudget.ofHeapPercent(101)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MemoryBudget.ofHeapPercent(50).limit()).isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 50);
    }
}
