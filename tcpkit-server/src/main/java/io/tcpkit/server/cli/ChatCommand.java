package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.chat.ChatService;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code tcpkit chat}: the chat alone. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Run the chat: rooms for people on telnet, nc or 'tcpkit connect'.")
final class ChatCommand extends ServicesCommand {
    @Option(names = {"-p", "--port"}, converter = Bounded.Port.class, defaultValue = "" + ChatService.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Mixin
    ChatOptions chatOptions;

    @Override
    Map<Service, Integer> services(Sessions sessions, Authenticator authenticator, Monitoring monitoring) {
        ChatService chat = new ChatService(sessions, authenticator, monitoring.hubFor("chat"), chatOptions.limits());
        monitoring.chatRooms(chat::roomSizes);
        return Map.of(chat, port);
    }
}
