package io.tcpkit.server.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP relay that records both directions of every connection through it, so a test
 * can see exactly what a real client (redis-cli) sent and what the server answered.
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final ByteArrayOutputStream fromClients = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;

    RecordingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("recording-proxy").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    byte[] fromClients() {
        synchronized (fromClients) {
            return fromClients.toByteArray();
        }
    }

    byte[] fromServer() {
        synchronized (fromServer) {
            return fromServer.toByteArray();
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                Thread.ofVirtual().start(() -> relay(client, server, fromClients));
                Thread.ofVirtual().start(() -> relay(server, client, fromServer));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void relay(Socket from, Socket to, ByteArrayOutputStream record) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (record) {
                    record.write(buf, 0, n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away; the other relay sees it too
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
