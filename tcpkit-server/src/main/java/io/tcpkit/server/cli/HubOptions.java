package io.tcpkit.server.cli;

import io.lettuce.core.RedisURI;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.hub.RedisHub;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

    /** The hub to serve with; the caller closes it (if it is AutoCloseable) after the services stopped. */
    Hub open() {
        return hub == null ? new LocalHub() : RedisHub.start(hub);
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
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + redacted(v) + "' is not a Redis URI: " + e.getMessage());
            }
            return v;
        }
    }
}
