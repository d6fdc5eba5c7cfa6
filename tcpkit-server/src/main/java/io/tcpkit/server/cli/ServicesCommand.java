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
 * A command that runs services that know about users ({@code tcpkit serve}, {@code tcpkit chat},
 * {@code tcpkit command}), sharing one set of sessions, one users file and one hub. Subclasses say
 * which services run on which ports.
 */
abstract class ServicesCommand implements Callable<Integer> {
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

    /**
     * The services and their ports, in the order they start, on these sessions, through the hub
     * as {@code monitoring} gives it to each service.
     */
    abstract Map<Service, Integer> services(Sessions sessions, Authenticator authenticator, Monitoring monitoring);

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
            return new ServiceRunner(options, edge, admin, spec).run(services(sessions, authenticator, monitoring),
                    monitoring, new Reloads(spec, authenticator, commandOptions.usersFile), System.out);
        } finally {
            HubOptions.close(hub);
        }
    }
}
