package io.tcpkit.server.clients;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * node-redis (npm package {@code redis}, pinned in src/test/clients/node/package-lock.json) at its
 * defaults, which since 6.0 speak RESP3, and in its RESP2 mode ({@code RESP: 2}), against
 * {@code tcpkit serve}: the checks of src/test/clients/node/client_check.mjs.
 */
@Timeout(300)
class NodeRedisTest {
    private static List<String> script() throws java.io.IOException {
        return List.of("node", ClientLibraries.nodeScript().toString());
    }

    @ParameterizedTest(name = "RESP {0}")
    @ValueSource(strings = {"default", "2"})
    void everyCheckPasses(String resp, @TempDir Path dir) throws Exception {
        String out = ClientLibraries.run(dir, false, script(), resp);
        List<String> expected = new ArrayList<>(List.of(resp.equals("2") ? "ping resp2" : "ping resp3"));
        expected.addAll(ClientLibraries.CHECKS);
        assertThat(ClientLibraries.passed(out)).isEqualTo(expected);
        assertThat(out).endsWith("done\n");
    }

    @ParameterizedTest(name = "RESP {0}")
    @ValueSource(strings = {"default", "2"})
    void logsInWithAUsersFileAndIsRefusedAWrongPassword(String resp, @TempDir Path dir) throws Exception {
        String out = ClientLibraries.run(dir, true, script(), resp);
        assertThat(ClientLibraries.passed(out)).containsExactly(resp.equals("2") ? "ping resp2" : "ping resp3",
                "auth users file");
        assertThat(out).endsWith("done\n");
    }
}
