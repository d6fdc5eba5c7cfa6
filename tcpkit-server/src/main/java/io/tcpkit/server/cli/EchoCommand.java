package io.tcpkit.server.cli;

import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.echo.EchoService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code tcpkit echo}: the echo service alone. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Run the echo service: every byte sent comes back; half-close is honoured.")
final class EchoCommand extends ServerCommand {
    @Mixin
    AdminOptions admin;

    @Option(names = {"-p", "--port"}, converter = Bounded.Port.class, defaultValue = "" + EchoService.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        return runner(admin).run(Map.of(new EchoService(), port),
                new Monitoring(admin.enabled(), null, null), new Reloads(spec, null, null), System.out);
    }
}
