/**
 * The engine behind {@link io.tcpkit.TcpServer}: the accept loop, one virtual thread per
 * connection, the registry of open connections, the sweeper and shutdown.
 *
 * <p>Internal: these types are public only so that {@code io.tcpkit} can reach them. They are not
 * API and change without notice; use the interfaces in {@code io.tcpkit}.
 */
package io.tcpkit.engine;
