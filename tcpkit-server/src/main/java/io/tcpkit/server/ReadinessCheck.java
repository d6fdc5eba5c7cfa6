package io.tcpkit.server;

/**
 * Something the program needs in order to serve, asked by the admin listener's {@code /readyz}: a
 * listener that is still starting or draining, a hub that cannot reach its peers. Implemented by
 * whatever knows (a distributed hub implements it to report itself unreachable) and registered
 * with the admin listener. Called from the admin listener's threads: quick, no blocking I/O.
 */
public interface ReadinessCheck {

    /** A short name for {@code /readyz} ("listeners", "hub"). */
    String name();

    /** Null when ready; otherwise why not, in a few words ("draining", "redis unreachable"). */
    String notReadyReason();
}
