package io.tcpkit.server.clients;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * redis-py (the Python client, pinned in src/test/clients/python/requirements.txt) at its default
 * settings, which since 8.0 speak RESP3 (HELLO 3), against {@code tcpkit serve}: the checks of
 * src/test/clients/python/client_check.py.
 */
@Timeout(300)
class RedisPyTest {
    private static List<String> script() {
        return List.of(ClientLibraries.python().toString(),
                ClientLibraries.SCRIPTS.resolve("python/client_check.py").toString());
    }

    @Test
    void everyCheckPassesAtTheDefaultsInResp3(@TempDir Path dir) throws Exception {
        String out = ClientLibraries.run(dir, false, script());
        List<String> expected = new ArrayList<>(List.of("ping resp3"));
        expected.addAll(ClientLibraries.CHECKS);
        assertThat(ClientLibraries.passed(out)).isEqualTo(expected);
        assertThat(out).endsWith("done\n");
    }

    @Test
    void logsInWithAUsersFileAndIsRefusedAWrongPassword(@TempDir Path dir) throws Exception {
        String out = ClientLibraries.run(dir, true, script());
        assertThat(ClientLibraries.passed(out)).containsExactly("auth users file");
        assertThat(out).endsWith("done\n");
    }
}
