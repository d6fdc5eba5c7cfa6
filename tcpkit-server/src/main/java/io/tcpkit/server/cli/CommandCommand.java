package io.tcpkit.server.cli;

import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tcpkit command}: the command protocol alone. */
@Command(name = "command", mixinStandardHelpOptions = true,
        description = "Run the command protocol (Redis protocol: redis-cli, redis-benchmark and client libraries work).")
final class CommandCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Mixin
    EdgeOptions edge;

    @Mixin
    CommandOptions commandOptions;

    @Option(names = {"-p", "--port"}, defaultValue = "" + CommandService.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        Authenticator authenticator = commandOptions.authenticator();
        if (authenticator == null) {
            return 1;
        }
        return ServiceRunner.run(Map.of(commandOptions.commandService(new Sessions(), authenticator, new LocalHub()), port),
                options, edge, System.out);
    }
}
