/**
 * The engine behind {@link io.tcpkit.TcpServer}: the acceptor, the connections and their
 * lifecycle, their input and one ordered output, the turns their threads run, and the reactor
 * where idle connections wait without a thread and every deadline is enforced. See
 * {@code docs/engine.md} for the life of a connection.
 *
 * <p>Internal: the module does not export this package; only {@link io.tcpkit.engine.Engine}, the
 * builder's way in, is public.
 */
package io.tcpkit.engine;
