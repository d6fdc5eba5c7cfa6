package io.tcpkit.server.cli;

import io.tcpkit.server.Service;
import io.tcpkit.server.echo.EchoService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tcpkit serve}: every service on its default port. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run every service on its own port until SIGINT/SIGTERM, then drain and exit 0.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--echo-port", defaultValue = "" + EchoService.DEFAULT_PORT,
            description = "Port of the echo service (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int echoPort;

    @Override
    public Integer call() throws InterruptedException {
        Map<Service, Integer> ports = new LinkedHashMap<>();
        ports.put(new EchoService(), echoPort);
        return ServiceRunner.run(ports, options, System.out);
    }
}
