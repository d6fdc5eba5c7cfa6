package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command that runs one service that knows about users ({@code tcpkit chat}, {@code tcpkit
 * command}) on its own sessions and rooms. Subclasses name the service and declare {@code --port}
 * with that service's default.
 */
abstract class SingleServiceCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Mixin
    EdgeOptions edge;

    @Mixin
    CommandOptions commandOptions;

    abstract int port();

    /** The service, or null after saying on stderr why its options are not valid. */
    abstract Service service(Sessions sessions, Authenticator authenticator, LocalHub hub);

    @Override
    public Integer call() throws InterruptedException {
        Authenticator authenticator = commandOptions.authenticator();
        if (authenticator == null) {
            return 1;
        }
        Service service = service(new Sessions(), authenticator, new LocalHub());
        if (service == null) {
            return 2; // its options were refused, with a line on stderr
        }
        return ServiceRunner.run(Map.of(service, port()), options, edge, System.out);
    }
}
