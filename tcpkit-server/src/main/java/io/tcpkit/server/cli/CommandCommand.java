package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tcpkit command}: the command protocol alone. */
@Command(name = "command", mixinStandardHelpOptions = true,
        description = "Run the command protocol (Redis protocol: redis-cli, redis-benchmark and client libraries work).")
final class CommandCommand extends SingleServiceCommand {
    @Option(names = {"-p", "--port"}, converter = Bounded.Port.class, defaultValue = "" + CommandService.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    int port() {
        return port;
    }

    @Override
    Service service(Sessions sessions, Authenticator authenticator, Monitoring monitoring) {
        return commandOptions.commandService(sessions, authenticator, monitoring.hubFor("command"),
                monitoring.commandMetrics());
    }
}
