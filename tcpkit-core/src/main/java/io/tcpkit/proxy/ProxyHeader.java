package io.tcpkit.proxy;

import java.net.InetSocketAddress;

/**
 * A decoded PROXY protocol header.
 *
 * @param source      the real client, or null when the proxy did not say (v1 UNKNOWN, v2 LOCAL or
 *                    an unspecified family): then the connection's own address stands
 * @param destination the address the client connected to at the proxy, or null
 * @param version     1 or 2
 * @param leftover    bytes read after the header (the start of the client's own data)
 */
public record ProxyHeader(InetSocketAddress source, InetSocketAddress destination, int version, byte[] leftover) {
}
