package io.tcpkit.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a TLS listener's certificate and key are, and how it treats clients.
 *
 * @param certificateChain PEM certificate chain, leaf first
 * @param privateKey       PEM PKCS#8 private key (RSA or EC)
 * @param clientCa         PEM CA certificates that sign client certificates, or null for none
 * @param clientAuth       whether client certificates are asked for (needs {@code clientCa})
 * @param handshakeTimeout time a client has to complete the handshake (default 10 s)
 */
public record TlsServerConfig(Path certificateChain, Path privateKey, Path clientCa, ClientAuth clientAuth,
                              Duration handshakeTimeout) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsServerConfig {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("client certificates need a client CA file");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
    }

    public static TlsServerConfig of(Path certificateChain, Path privateKey) {
        return new TlsServerConfig(certificateChain, privateKey, null, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT);
    }
}
