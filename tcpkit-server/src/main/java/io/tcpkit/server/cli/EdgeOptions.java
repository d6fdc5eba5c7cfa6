package io.tcpkit.server.cli;

import io.tcpkit.AccessRules;
import io.tcpkit.Cidr;
import io.tcpkit.TcpServer;
import io.tcpkit.proxy.ProxyProtocol;
import io.tcpkit.proxy.ProxyProtocolConfig;
import io.tcpkit.tls.ClientAuth;
import io.tcpkit.tls.TlsServerConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What faces the network: TLS, the PROXY protocol, access lists and connection-rate limits. */
final class EdgeOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "TLS certificate chain (PEM, leaf first).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "TLS private key (PEM, PKCS#8, RSA or EC).")
    Path tlsKey;

    @Option(names = "--tls-self-signed",
            description = "Serve TLS with a throw-away self-signed certificate (development); prints its fingerprint.")
    boolean tlsSelfSigned;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Ask clients for certificates signed by these CAs (PEM); the subject's CN is the identity.")
    Path tlsClientCa;

    @Option(names = "--tls-client-auth", paramLabel = "MODE", defaultValue = "required",
            description = "With --tls-client-ca: required (default) or optional.")
    ClientAuth tlsClientAuth;

    @Option(names = "--tls-handshake-timeout", defaultValue = "10s", converter = Bounded.PositiveDuration.class,
            description = "Time a client has to complete the TLS handshake (default: ${DEFAULT-VALUE}).")
    Duration tlsHandshakeTimeout;

    @Option(names = "--tls-services", paramLabel = "NAMES", split = ",",
            description = "With serve: which services use TLS (default: all of them).")
    Set<String> tlsServices;

    @Option(names = "--proxy-protocol",
            description = "Require a PROXY protocol header (v1 or v2) on every connection, from a trusted proxy.")
    boolean proxyProtocol;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR,...", defaultValue = "127.0.0.0/8,::1",
            description = "Where PROXY headers are accepted from (default: ${DEFAULT-VALUE}).")
    String trustedProxies;

    @Option(names = "--allow", paramLabel = "CIDR,...", description = "Serve only clients from these addresses.")
    String allow;

    @Option(names = "--deny", paramLabel = "CIDR,...", description = "Refuse clients from these addresses.")
    String deny;

    @Option(names = "--max-connect-rate", converter = Bounded.NotNegativeRate.class, paramLabel = "N", defaultValue = "0",
            description = "New connections per second allowed from one address (token bucket); 0 for no limit (default).")
    double maxConnectRate;

    @Option(names = "--connect-burst", converter = Bounded.NotNegative.class, paramLabel = "N", defaultValue = "0",
            description = "With --max-connect-rate: the burst allowed (default: 2 x the rate, at least 1).")
    int connectBurst;

    /** Applies these options to a listener of {@code service}. */
    void apply(TcpServer.Builder builder, String service, Path selfSignedDir) throws IOException {
        builder.access(new AccessRules(allow == null ? List.of() : Cidr.parseList(allow),
                deny == null ? List.of() : Cidr.parseList(deny), maxConnectRate,
                maxConnectRate == 0 ? 0 : connectBurst > 0 ? connectBurst : (int) Math.max(1, Math.ceil(2 * maxConnectRate))));
        if (proxyProtocol) {
            builder.proxyProtocol(new ProxyProtocolConfig(Cidr.parseList(trustedProxies), ProxyProtocol.DEFAULT_TIMEOUT));
        }
        TlsServerConfig tls = tls(service, selfSignedDir);
        if (tls != null) {
            builder.tls(tls);
        }
    }

    boolean tlsEnabled() {
        return tlsCert != null || tlsSelfSigned;
    }

    private TlsServerConfig tls(String service, Path selfSignedDir) {
        if (!tlsEnabled() || (tlsServices != null && !tlsServices.contains(service))) {
            return null;
        }
        Path cert = tlsSelfSigned ? selfSignedDir.resolve("cert.pem") : tlsCert;
        Path key = tlsSelfSigned ? selfSignedDir.resolve("key.pem") : tlsKey;
        ClientAuth auth = tlsClientCa == null ? ClientAuth.NONE : tlsClientAuth;
        return new TlsServerConfig(cert, key, tlsClientCa, auth, tlsHandshakeTimeout);
    }

    /** Checks what picocli cannot: combinations, and service names against {@code services}, the command's. */
    void validate(List<String> services) {
        if (tlsCert != null && tlsKey == null || tlsCert == null && tlsKey != null) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        if (tlsSelfSigned && tlsCert != null) {
            throw new UsageException("--tls-self-signed and --tls-cert exclude each other");
        }
        if (tlsClientCa != null && !tlsEnabled()) {
            throw new UsageException("--tls-client-ca needs --tls-cert/--tls-key or --tls-self-signed");
        }
        if (tlsClientAuth == ClientAuth.NONE) {
            throw new UsageException("--tls-client-auth is required or optional");
        }
        if (tlsServices != null) {
            validateTlsServices(services);
        }
        InputFiles.check("--tls-cert", tlsCert);
        InputFiles.check("--tls-key", tlsKey);
        InputFiles.check("--tls-client-ca", tlsClientCa);
        cidrs("--allow", allow);
        cidrs("--deny", deny);
        cidrs("--trusted-proxies", trustedProxies);
    }

    /** A typo in a name would silently serve that service as plain text: every name must be one here. */
    private void validateTlsServices(List<String> services) {
        if (!tlsEnabled()) {
            throw new UsageException("--tls-services needs --tls-cert/--tls-key or --tls-self-signed");
        }
        List<String> unknown = tlsServices.stream().filter(s -> !services.contains(s)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new UsageException("--tls-services: no service named " + unknown.stream()
                    .map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + " here (services: "
                    + String.join(", ", services) + ")");
        }
    }

    private static void cidrs(String option, String value) {
        try {
            if (value != null) {
                Cidr.parseList(value);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
