package io.tcpkit.server.hub;

import io.lettuce.core.SslOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * What a {@code rediss://} hub trusts and, for mutual TLS, shows: {@code ca}, a PEM bundle of the
 * CAs that may sign the Redis server's certificate (null: the JDK's trust store), and
 * {@code cert}/{@code key}, a client certificate chain and its unencrypted PKCS#8 key (both null:
 * none). Lettuce does the TLS; the server's certificate is always checked against the host name
 * or address in the URI (Lettuce's {@code verifyPeer} FULL, its default).
 */
public record RedisTls(Path ca, Path cert, Path key) {
    /** Longest a TLS handshake with Redis may take (as a connection attempt: then the hub is unreachable). */
    static final java.time.Duration HANDSHAKE_TIMEOUT = RedisLink.TIMEOUT;

    public RedisTls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    /**
     * Lettuce's options for these files, checked now: a file that is no PEM certificate or key is
     * refused at startup rather than at each connection attempt.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    SslOptions sslOptions() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider().handshakeTimeout(HANDSHAKE_TIMEOUT);
        if (ca != null) {
            b.trustManager(ca.toFile());
        }
        if (cert != null) {
            b.keyManager(cert.toFile(), key.toFile(), null);
        }
        SslOptions options = b.build();
        try {
            options.createSslContextBuilder().build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(message(e), e);
        }
        return options;
    }

    /** The innermost cause's words (Netty wraps what the JDK says). */
    private static String message(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
