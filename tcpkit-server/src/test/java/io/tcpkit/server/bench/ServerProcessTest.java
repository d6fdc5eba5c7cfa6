package io.tcpkit.server.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The live heap from a JDK 25 class histogram: its total less G1's filler arrays, which are no one's objects. */
class ServerProcessTest {
    @Test
    void liveBytesLeaveOutTheCollectorsFillers() {
        List<String> histogram = List.of(
                "12345:",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:          2485        2130056  [Ljdk.internal.vm.FillerElement; (java.base@25.0.3)",
                "   2:          2000         224000  sun.nio.ch.SocketChannelImpl (java.base@25.0.3)",
                "Total        157878        9480760");
        assertThat(ServerProcess.liveBytes(histogram)).isEqualTo(9480760L - 2130056L);
        assertThat(ServerProcess.liveBytes(List.of("no histogram"))).isNull();
    }
}
