package io.tcpkit.server.hub;

import io.lettuce.core.SslOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * What a {@code rediss://} hub trusts and, for mutual TLS, shows: {@code ca}, a PEM bundle of the
 * CAs that may sign the Redis server's certificate (null: the JDK's trust store), and
 * {@code cert}/{@code key}, a client certificate chain and its unencrypted PKCS#8 key (both null:
 * none). Lettuce does the TLS; the server's certificate is always checked against the host name
 * or address in the URI (Lettuce's {@code verifyPeer} FULL, its default).
 */
public record RedisTls(Path ca, Path cert, Path key) {
    /** Longest a TLS handshake with Redis may take (as a connection attempt: then the hub is unreachable). */
    static final Duration HANDSHAKE_TIMEOUT = RedisLink.TIMEOUT;

    public RedisTls {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    /** A file of a {@link RedisTls} that cannot be used, and why. */
    public static final class Unusable extends IllegalArgumentException {
        private final boolean ca;

        Unusable(boolean ca, String message, Throwable cause) {
            super(message, cause);
            this.ca = ca;
        }

        /** Whether it is the CA bundle (else the client certificate or its key). */
        public boolean ca() {
            return ca;
        }
    }

    /**
     * Lettuce's options for these files, checked now (the CAs, then the client certificate and
     * key): a file that is no PEM certificate or key is refused at startup rather than at each
     * connection attempt. (A key that is not the certificate's shows at the handshake: Redis refuses it.)
     *
     * @throws Unusable naming what is wrong
     */
    SslOptions sslOptions() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider().handshakeTimeout(HANDSHAKE_TIMEOUT);
        if (ca != null) {
            b.trustManager(ca.toFile());
            check(b.build(), true);
        }
        if (cert != null) {
            b.keyManager(cert.toFile(), key.toFile(), null);
        }
        SslOptions options = b.build();
        check(options, false);
        return options;
    }

    private static void check(SslOptions options, boolean ca) {
        try {
            options.createSslContextBuilder().build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new Unusable(ca, message(e), e);
        }
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
