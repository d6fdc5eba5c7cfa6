package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Mixin
    CommandOptions commandOptions;

    abstract int port();

    abstract Service service(Sessions sessions, Authenticator authenticator, LocalHub hub);

    @Override
    public Integer call() throws InterruptedException {
        Authenticator authenticator = commandOptions.authenticator();
        if (authenticator == null) {
            return 1;
        }
        return ServiceRunner.run(Map.of(service(new Sessions(), authenticator, new LocalHub()), port()),
                options, edge, new Reloads(spec, authenticator, commandOptions.usersFile), System.out);
    }
}
