package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.hub.Hub;
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

    @Mixin
    AdminOptions admin;

    @Mixin
    HubOptions hubOptions;

    abstract int port();

    /** The service, on these sessions, through the hub as {@code monitoring} gives it to the service. */
    abstract Service service(Sessions sessions, Authenticator authenticator, Monitoring monitoring);

    @Override
    public Integer call() throws InterruptedException {
        Authenticator authenticator = commandOptions.authenticator();
        if (authenticator == null) {
            return 1;
        }
        Sessions sessions = new Sessions();
        Hub hub = hubOptions.open();
        try {
            Monitoring monitoring = new Monitoring(admin.enabled(), sessions, hub);
            return new ServiceRunner(options, edge, admin, spec).run(Map.of(service(sessions, authenticator, monitoring),
                    port()), monitoring, new Reloads(spec, authenticator, commandOptions.usersFile), System.out);
        } finally {
            HubOptions.close(hub);
        }
    }
}
