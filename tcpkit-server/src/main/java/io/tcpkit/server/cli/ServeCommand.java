package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.chat.ChatService;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.echo.EchoService;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tcpkit serve}: every service on its default port, sharing sessions, users and rooms. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run every service on its own port until SIGINT/SIGTERM, then drain and exit 0.")
final class ServeCommand extends ServicesCommand {
    @Mixin
    ChatOptions chatOptions;

    @Option(names = "--echo-port", converter = Bounded.Port.class, defaultValue = "" + EchoService.DEFAULT_PORT,
            description = "Port of the echo service (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int echoPort;

    @Option(names = "--chat-port", converter = Bounded.Port.class, defaultValue = "" + ChatService.DEFAULT_PORT,
            description = "Port of the chat (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int chatPort;

    @Option(names = "--command-port", converter = Bounded.Port.class, defaultValue = "" + CommandService.DEFAULT_PORT,
            description = "Port of the command protocol (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int commandPort;

    @Override
    Map<Service, Integer> services(Sessions sessions, Authenticator authenticator, Monitoring monitoring) {
        ChatService chat = new ChatService(sessions, authenticator, monitoring.hubFor("chat"), chatOptions.limits());
        monitoring.chatRooms(chat::roomSizes);
        Map<Service, Integer> ports = new LinkedHashMap<>();
        ports.put(new EchoService(), echoPort);
        ports.put(chat, chatPort);
        CommandService command = commandOptions.commandService(sessions, authenticator,
                monitoring.hubFor("command"), monitoring.commandMetrics());
        command.listeners(monitoring::listeners);
        ports.put(command, commandPort);
        return ports;
    }
}
