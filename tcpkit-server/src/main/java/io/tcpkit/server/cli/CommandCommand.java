package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code tcpkit command}: the command protocol alone. */
@Command(name = "command", mixinStandardHelpOptions = true,
        description = "Run the command protocol (Redis protocol: redis-cli, redis-benchmark and client libraries work).")
final class CommandCommand extends ServicesCommand {
    @Option(names = {"-p", "--port"}, converter = Bounded.Port.class, defaultValue = "" + CommandService.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    Map<Service, Integer> services(Sessions sessions, Authenticator authenticator, Monitoring monitoring) {
        return Map.of(commandOptions.commandService(sessions, authenticator, monitoring.hubFor("command"),
                monitoring.commandMetrics()), port);
    }
}
