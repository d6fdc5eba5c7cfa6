package io.tcpkit.server.cli;

import io.tcpkit.codec.RespReader;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.command.CommandMetrics;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options of the command protocol (and of login, which chat shares). */
final class CommandOptions {
    @Option(names = "--users", paramLabel = "FILE",
            description = "Users file (see 'tcpkit passwd'). Without one, everyone is the default user.")
    Path usersFile;

    @Option(names = "--max-request-bytes", converter = Bounded.AtLeastOne.class, defaultValue = "" + RespReader.DEFAULT_MAX_REQUEST_BYTES,
            description = "Largest command-protocol request, all arguments together (default: ${DEFAULT-VALUE}).")
    int maxRequestBytes;

    @Option(names = "--max-subscriptions", converter = Bounded.AtLeastOne.class,
            defaultValue = "" + CommandService.DEFAULT_MAX_SUBSCRIPTIONS,
            description = "Rooms and patterns one command-protocol connection may subscribe to (default: ${DEFAULT-VALUE}).")
    int maxSubscriptions;

    /** The users file's authenticator, or null after saying on stderr why the file cannot be used. */
    Authenticator authenticator() {
        try {
            return new Authenticator(usersFile == null ? Users.open() : Users.load(usersFile));
        } catch (IOException e) {
            System.err.println("tcpkit: " + e.getMessage());
            return null;
        }
    }

    CommandService commandService(Sessions sessions, Authenticator authenticator, Hub hub, CommandMetrics metrics) {
        return new CommandService(sessions, authenticator, hub, maxRequestBytes, metrics).maxSubscriptions(maxSubscriptions);
    }
}
