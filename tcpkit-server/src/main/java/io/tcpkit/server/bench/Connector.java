package io.tcpkit.server.bench;

import io.tcpkit.server.HostPort;
import io.tcpkit.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Opens a run's connections, a few dozen at a time, plain or TLS; clients on loopback may be
 * spread over 127.0.1.x ({@code sourceAddresses}) so that per-address limits see many clients.
 */
final class Connector {
    private static final int CONNECT_PARALLELISM = 64;

    private final BenchRunner.Config config;
    private final Duration timeout;

    /** @param timeout for the connect, and then every read of the sockets it opens */
    Connector(BenchRunner.Config config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** {@code count} connections to {@code address}, all or none (those opened are closed on failure). */
    List<Socket> connect(int count, InetSocketAddress address) throws IOException, InterruptedException {
        SSLContext tls = config.tls() ? TlsContexts.clientContext(config.ca(), null, null, config.insecure()) : null;
        Semaphore parallel = new Semaphore(CONNECT_PARALLELISM);
        List<Future<Socket>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                parallel.acquire();
                futures.add(executor.submit(() -> {
                    try {
                        return open(index, tls, address);
                    } finally {
                        parallel.release();
                    }
                }));
            }
        }
        List<Socket> sockets = new ArrayList<>();
        IOException failure = null;
        for (Future<Socket> f : futures) {
            try {
                sockets.add(f.get());
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        if (failure != null) {
            closeAll(sockets);
            throw new IOException("could not open " + count + " connections to " + HostPort.format(config.target())
                    + ": " + failure.getMessage(), failure);
        }
        return sockets;
    }

    /**
     * One connection, connected blocking; plain ones are SocketChannels (seen through their
     * socket adaptor until an event loop takes them non-blocking), TLS ones SSLSockets over them.
     */
    private Socket open(int index, SSLContext tls, InetSocketAddress address) throws IOException {
        Socket socket = SocketChannel.open().socket();
        try {
            if (config.sourceAddresses() > 1 && address.getAddress().isLoopbackAddress()) {
                int n = index % config.sourceAddresses();
                socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + n)}), 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (tls == null) {
                return socket;
            }
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    address.getHostString(), address.getPort(), true);
            ssl.startHandshake();
            return ssl;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing is all that is left to do.
            }
        }
    }
}
