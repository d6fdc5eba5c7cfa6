package io.tcpkit.server.cli;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.hub.RedisHub;
import io.tcpkit.server.hub.RedisTls;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where the rooms live: in this process (the default) or in Redis, shared with other instances. */
final class HubOptions {
    static final String HUB = "--hub";
    private static final Pattern PASSWORD = Pattern.compile("(?<=://)([^:@/]*):[^@/]*@");

    @Option(names = HUB, paramLabel = "URI", converter = RedisUri.class,
            description = "Share rooms, pub/sub and chat presence with other tcpkit instances through Redis: "
                    + "redis://[user:password@]host:port or rediss://... for TLS (default: this process only).")
    String hub;

    @Option(names = "--hub-ca", paramLabel = "FILE",
            description = "With a rediss:// hub: the CAs (PEM) that may sign the Redis server's certificate "
                    + "(default: the JDK's trust store). Its name or address in the URI is checked too.")
    Path hubCa;

    @Option(names = "--hub-cert", paramLabel = "FILE",
            description = "With a rediss:// hub: a client certificate chain (PEM) for Redis servers that ask for one.")
    Path hubCert;

    @Option(names = "--hub-key", paramLabel = "FILE", description = "The private key of --hub-cert (PEM, PKCS#8, unencrypted).")
    Path hubKey;

    /** The hub to serve with; the caller closes it (if it is AutoCloseable) after the services stopped. */
    Hub open() {
        if (hub == null) {
            if (hubCa != null || hubCert != null || hubKey != null) {
                throw new UsageException("--hub-ca, --hub-cert and --hub-key need --hub rediss://...");
            }
            return new LocalHub();
        }
        RedisTls tls = tls();
        try {
            return RedisHub.start(hub, tls);
        } catch (RedisTls.Unusable e) {
            throw new UsageException(e.ca() ? "--hub-ca " + hubCa + ": " + e.getMessage()
                    : "--hub-cert " + hubCert + " / --hub-key " + hubKey + ": " + e.getMessage());
        }
    }

    /** What a rediss:// hub trusts and shows; null for the defaults. */
    private RedisTls tls() {
        if (hubCa == null && hubCert == null && hubKey == null) {
            return null;
        }
        if (!hub.toLowerCase(Locale.ROOT).startsWith("rediss://")) {
            throw new UsageException("--hub-ca, --hub-cert and --hub-key are for TLS: a rediss:// hub, not "
                    + redacted(hub));
        }
        if ((hubCert == null) != (hubKey == null)) {
            throw new UsageException("--hub-cert and --hub-key go together");
        }
        InputFiles.check("--hub-ca", hubCa);
        InputFiles.check("--hub-cert", hubCert);
        InputFiles.check("--hub-key", hubKey);
        return new RedisTls(hubCa, hubCert, hubKey);
    }

    static void close(Hub hub) {
        if (hub instanceof RedisHub redis) {
            redis.close();
        }
    }

    /** The URI with its password hidden, for the startup line and /varz. */
    static String redacted(String uri) {
        return PASSWORD.matcher(uri).replaceFirst("$1:(hidden)@");
    }

    /** A Redis URI that Lettuce reads, with the scheme spelled out (no "host:port" alone, no sentinel or socket forms). */
    static final class RedisUri implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip();
            String lower = v.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
                throw new TypeConversionException("'" + redacted(v) + "' is not redis://[user:password@]host:port "
                        + "or rediss://...");
            }
            try {
                RedisURI uri = RedisURI.create(v);
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw new TypeConversionException("'" + redacted(v) + "' names no host");
                }
                // Lettuce reads ?verifyPeer=NONE|CA from the URI: the certificate's checks stay whole here.
                if (uri.isSsl() && uri.getVerifyMode() != SslVerifyMode.FULL) {
                    throw new TypeConversionException("'" + redacted(v) + "' weakens the checks of Redis's certificate "
                            + "(verifyPeer=" + uri.getVerifyMode() + "): tcpkit always checks its CA and name; "
                            + "trust a private CA with --hub-ca");
                }
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + redacted(v) + "' is not a Redis URI: " + e.getMessage());
            }
            return v;
        }
    }
}
