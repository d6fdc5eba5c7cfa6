package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.admin.Monitoring;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.session.Sessions;
import picocli.CommandLine.Mixin;

import java.util.Map;

/**
 * A command that runs services that know about users ({@code tcpkit serve}, {@code tcpkit chat},
 * {@code tcpkit command}), sharing one set of sessions, one users file and one hub. Subclasses say
 * which services run on which ports.
 */
abstract class ServicesCommand extends ServerCommand {
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
            return runner(admin).run(services(sessions, authenticator, monitoring),
                    monitoring, new Reloads(spec, authenticator, commandOptions.usersFile), System.out);
        } finally {
            HubOptions.close(hub);
        }
    }
}
