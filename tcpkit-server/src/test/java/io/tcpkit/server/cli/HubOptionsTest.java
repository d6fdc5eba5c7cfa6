package io.tcpkit.server.cli;

import org.junit.jupiter.api.Test;

import static io.tcpkit.server.cli.InProcess.hint;
import static io.tcpkit.server.cli.InProcess.tcpkit;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --hub}: only Redis URIs, refused like any bad value, and never a password shown. */
class HubOptionsTest {
    @Test
    void aHubThatIsNoRedisUriIsAUsageErrorWithoutItsPassword() {
        InProcess.Run run = tcpkit("serve", "--hub", "http://tcpkit:s3cret@127.0.0.1:6379");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tcpkit serve: Invalid value for option '--hub': "
                + "'http://tcpkit:(hidden)@127.0.0.1:6379' is not redis://[user:password@]host:port or rediss://...\n"
                + hint("tcpkit serve"));

        InProcess.Run chat = tcpkit("chat", "--hub", "127.0.0.1:6379");
        assertThat(chat.status()).isEqualTo(2);
        assertThat(chat.err()).startsWith("tcpkit chat: Invalid value for option '--hub': '127.0.0.1:6379' is not redis://");
        assertThat(tcpkit("command", "--hub", "localhost").status()).isEqualTo(2);
    }

    @Test
    void passwordsAreHidden() {
        assertThat(HubOptions.redacted("redis://tcpkit:s3cret@127.0.0.1:6379")).isEqualTo("redis://tcpkit:(hidden)@127.0.0.1:6379");
        assertThat(HubOptions.redacted("rediss://:s3cret@redis.internal")).isEqualTo("rediss://:(hidden)@redis.internal");
        assertThat(HubOptions.redacted("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    }
}
