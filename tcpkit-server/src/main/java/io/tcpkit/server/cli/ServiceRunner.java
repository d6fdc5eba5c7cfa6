package io.tcpkit.server.cli;

import io.tcpkit.TcpServer;
import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.HostPort;
import io.tcpkit.server.Service;
import io.tcpkit.server.admin.AdminServer;
import io.tcpkit.server.admin.Monitoring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs services on their listeners until SIGINT or SIGTERM, then drains them all in parallel and
 * returns 0. Starts the admin listener first (so {@code /readyz} can say "starting"), prints one
 * line per listener on stdout saying how to connect, and logs one startup line with the version,
 * the Java runtime, the listeners and the options in force.
 */
final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    private final ServerOptions options;
    private final EdgeOptions edge;
    private final AdminOptions admin;
    private final CommandSpec spec;

    ServiceRunner(ServerOptions options, EdgeOptions edge, AdminOptions admin, CommandSpec spec) {
        this.options = options;
        this.edge = edge;
        this.admin = admin;
        this.spec = spec;
    }

    /** @param ports the port for each service, in the order to start them */
    int run(Map<Service, Integer> ports, Monitoring monitoring, Reloads reloads, PrintStream out)
            throws InterruptedException {
        edge.validate(ports.keySet().stream().map(Service::name).toList());
        List<TcpServer> servers = new ArrayList<>();
        ShutdownSignal signal = ShutdownSignal.install(reloads::hangUp);
        AdminServer adminServer = null;
        if (admin.enabled()) {
            try {
                adminServer = AdminServer.start(admin.host, admin.port, admin.token, monitoring);
            } catch (IOException | RuntimeException e) {
                System.err.println("tcpkit: admin: cannot listen on " + admin.host + ":" + admin.port + ": " + e.getMessage());
                return 1;
            }
            String address = HostPort.format(adminServer.address());
            out.printf("%-8s listening on %s  (open http://%s/ in a browser; metrics at /metrics)%n", "admin", address,
                    address);
        }
        monitoring.memoryBudget(options.budget());
        List<String> listeners = new ArrayList<>();
        Path selfSigned = null;
        for (Map.Entry<Service, Integer> entry : ports.entrySet()) {
            Service service = entry.getKey();
            try {
                if (edge.tlsSelfSigned && selfSigned == null) {
                    selfSigned = SelfSigned.create();
                }
                TcpServer.Builder builder = TcpServer.builder()
                        .host(options.host)
                        .port(entry.getValue())
                        .service(service.name())
                        .limits(options.limits())
                        .memoryBudget(options.budget())
                        .drainTimeout(options.drainTimeout)
                        .rejectionMessage(service::rejectionMessage)
                        .observer(monitoring.observer(service.name()));
                service.handle(builder);
                edge.apply(builder, service.name(), selfSigned);
                TcpServer server = builder.start();
                servers.add(server);
                monitoring.listening(server);
                reloads.add(server);
                service.started(server);
                String address = hostPort(server);
                String tls = server.tlsFingerprint().isPresent() ? " (TLS)" : "";
                listeners.add(service.name() + " on " + address + tls);
                String connect = server.tlsFingerprint().isPresent()
                        ? "tcpkit connect --tls" + (edge.tlsSelfSigned ? " --insecure " : " ") + address
                        : "tcpkit connect " + address;
                out.printf("%-8s listening on %s%s  (try: %s)%n", service.name(), address, tls, connect);
                server.tlsFingerprint().ifPresent(f -> out.println("         TLS certificate SHA-256 " + f));
                out.flush();
            } catch (IOException | RuntimeException e) {
                System.err.println("tcpkit: " + service.name() + ": "
                        + (e instanceof IOException io ? InputFiles.describe(io) : e.getMessage()));
                closeAll(servers);
                if (adminServer != null) {
                    adminServer.close();
                }
                return 1;
            }
        }
        if (adminServer != null) {
            listeners.add("admin on http://" + HostPort.format(adminServer.address()) + "/");
        }
        Map<String, String> inForce = OptionsInForce.of(spec);
        monitoring.serving(inForce);
        LOG.info("tcpkit {} on Java {} (pid {}) serving {}; options: {}", BuildInfo.version(), Runtime.version(),
                ProcessHandle.current().pid(), String.join(", ", listeners), OptionsInForce.line(inForce));
        reloads.start();
        signal.await();
        monitoring.draining();
        reloads.close();
        closeAll(servers);
        ports.keySet().forEach(Service::stopped);
        if (adminServer != null) {
            adminServer.close();
        }
        LOG.info("stopped");
        return 0;
    }

    private static void closeAll(List<TcpServer> servers) throws InterruptedException {
        List<Thread> closers = new ArrayList<>();
        for (TcpServer server : servers) {
            closers.add(Thread.ofPlatform().name("tcpkit-close-" + server.service()).start(server::close));
        }
        for (Thread closer : closers) {
            closer.join();
        }
    }

    static String hostPort(TcpServer server) {
        return HostPort.format(server.localAddress());
    }
}
