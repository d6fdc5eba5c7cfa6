package io.tcpkit.server.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher counts what it delivered since it last gave way, and takes its turn through the
 * scheduler's shared queue (a timed park) once that reaches {@link Hub#DELIVERIES_PER_TURN}; a
 * publish that reached nobody changes nothing.
 */
class YieldToReceiversTest {
    @Test
    void countsDeliveriesUntilATurnIsDue() {
        assertThat(Hub.yieldToReceivers(0, 0)).isZero();
        assertThat(Hub.yieldToReceivers(17, 0)).isEqualTo(17);
        assertThat(Hub.yieldToReceivers(0, 1000)).isEqualTo(1000);
        assertThat(Hub.yieldToReceivers(3000, 1000)).isEqualTo(4000);
        assertThat(Hub.yieldToReceivers(4000, Hub.DELIVERIES_PER_TURN - 4000)).as("a turn taken").isZero();
        assertThat(Hub.yieldToReceivers(0, 100_000)).as("one large room: a turn after every publish").isZero();
    }
}
