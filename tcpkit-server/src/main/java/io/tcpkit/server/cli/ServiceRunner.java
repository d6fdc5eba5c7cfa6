package io.tcpkit.server.cli;

import io.tcpkit.TcpServer;
import io.tcpkit.server.HostPort;
import io.tcpkit.server.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs services on their listeners until SIGINT or SIGTERM, then drains them all in parallel and
 * returns 0. Prints one line per listener on stdout, saying how to connect.
 */
final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {
    }

    /** @param ports the port for each service, in the order to start them */
    static int run(Map<Service, Integer> ports, ServerOptions options, EdgeOptions edge, Reloads reloads,
                   PrintStream out) throws InterruptedException {
        edge.validate(ports.keySet().stream().map(Service::name).toList());
        List<TcpServer> servers = new ArrayList<>();
        ShutdownSignal signal = ShutdownSignal.install(reloads::hangUp);
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
                        .drainTimeout(options.drainTimeout)
                        .rejectionMessage(service::rejectionMessage);
                if (service.requestHandler() != null) {
                    builder.requestHandler(service.requestHandler());
                } else {
                    builder.handler(service.handler());
                }
                edge.apply(builder, service.name(), selfSigned);
                TcpServer server = builder.start();
                servers.add(server);
                reloads.add(server);
                service.started(server);
                String address = hostPort(server);
                String tls = server.tlsFingerprint().isPresent() ? " (TLS)" : "";
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
                return 1;
            }
        }
        reloads.start();
        signal.await();
        reloads.close();
        closeAll(servers);
        ports.keySet().forEach(Service::stopped);
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
