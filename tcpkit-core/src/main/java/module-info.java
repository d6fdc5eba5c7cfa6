/**
 * tcpkit-core: a TCP server engine on virtual threads, with its codecs, TLS and the PROXY
 * protocol. The JDK alone.
 *
 * <p>Exported: the API ({@code io.tcpkit}: {@link io.tcpkit.TcpServer}, its builder, connections,
 * handlers, limits), the codecs ({@code io.tcpkit.codec}), TLS configuration and helpers
 * ({@code io.tcpkit.tls}) and the PROXY protocol ({@code io.tcpkit.proxy}). The engine
 * ({@code io.tcpkit.engine}) is not exported.
 */
module io.tcpkit.core {
    requires jdk.management; // MemoryBudget reads G1's region size (HotSpotDiagnosticMXBean)
    exports io.tcpkit;
    exports io.tcpkit.codec;
    exports io.tcpkit.tls;
    exports io.tcpkit.proxy;
}
