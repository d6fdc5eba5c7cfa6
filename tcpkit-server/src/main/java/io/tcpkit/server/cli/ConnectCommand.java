package io.tcpkit.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.tcpkit.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tcpkit connect HOST:PORT}, like {@code nc}: stdin goes to the socket and the socket to
 * stdout, byte for byte. At the end of stdin it half-closes and keeps printing until the server
 * closes. Exit status 0 on a clean close; 1 with a one-line reason otherwise.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connect to a TCP server: stdin to the socket, the socket to stdout (like nc).")
final class ConnectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = "Where to connect, e.g. 127.0.0.1:7000 or [::1]:7000.")
    String target;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--idle-timeout", defaultValue = "0", converter = DurationConverter.class,
            description = "Give up when the server sends nothing for this long; 0 for never (default).")
    Duration idleTimeout;

    @Option(names = {"-C", "--crlf"}, description = "Send line endings as CRLF (for servers that insist).")
    boolean crlf;

    @Option(names = "--tls", description = "Speak TLS (1.2 or 1.3), verifying the server's certificate and name.")
    boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", description = "With --tls: trust these CA certificates (PEM) instead of the system's.")
    Path ca;

    @Option(names = "--insecure", description = "With --tls: accept any server certificate (development only).")
    boolean insecure;

    @Option(names = "--cert", paramLabel = "FILE", description = "With --tls: client certificate chain (PEM).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "With --tls: client private key (PEM, PKCS#8).")
    Path key;

    @Override
    public Integer call() {
        InetSocketAddress address;
        try {
            address = parse(target);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        if (address.isUnresolved()) {
            return fail("unknown host " + address.getHostString());
        }
        if ((cert == null) != (key == null)) {
            throw new UsageException("--cert and --key go together");
        }
        if (!tls && (ca != null || insecure || cert != null)) {
            throw new UsageException("--ca, --insecure, --cert and --key need --tls");
        }
        InputFiles.check("--ca", ca);
        InputFiles.check("--cert", cert);
        InputFiles.check("--key", key);
        try (Socket plain = new Socket()) {
            try {
                plain.connect(address, (int) connectTimeout.toMillis());
            } catch (ConnectException e) {
                return fail("connection refused by " + target);
            } catch (SocketTimeoutException e) {
                return fail("timed out connecting to " + target);
            }
            plain.setTcpNoDelay(true);
            Socket socket = plain;
            if (tls) {
                try {
                    socket = handshake(plain, address);
                } catch (IOException e) {
                    return fail("TLS handshake with " + target + " failed: " + handshakeFailure(e, ca));
                }
            }
            socket.setSoTimeout((int) idleTimeout.toMillis());
            Socket connected = socket;
            Thread pump = Thread.ofPlatform().daemon().name("tcpkit-connect-stdin")
                    .start(() -> pumpStdin(connected));
            try {
                copySocketToStdout(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                return fail("no data from " + target + " for " + idleTimeout.toMillis() + " ms");
            } catch (IOException e) {
                return fail(target + ": " + e.getMessage());
            }
            pump.interrupt();
            return 0;
        } catch (IOException e) {
            return fail(target + ": " + e.getMessage());
        }
    }

    private Socket handshake(Socket plain, InetSocketAddress address) throws IOException {
        SSLContext context = TlsContexts.clientContext(ca, cert, key, insecure);
        String host = address.getHostString();
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, address.getPort(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(TlsContexts.PROTOCOLS);
        if (!insecure) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout((int) connectTimeout.toMillis());
        ssl.startHandshake();
        ssl.setSoTimeout(0);
        return ssl;
    }

    /**
     * Why a handshake failed, in words: an untrusted certificate (the usual case, a self-signed
     * development server) says what to do about it instead of printing the PKIX jargon.
     */
    static String handshakeFailure(IOException e, Path ca) {
        String skip = "skip the check with --insecure (development only)";
        if (cause(e, CertPathBuilderException.class) != null || cause(e, CertPathValidatorException.class) != null) {
            return (ca == null ? "the server's certificate is not signed by a CA this machine trusts (self-signed?)"
                    : "the server's certificate is not signed by the CA in " + ca)
                    + "; give the CA that signed it with --ca FILE, or " + skip;
        }
        CertificateException refused = cause(e, CertificateException.class);
        if (refused != null) {
            return "the server's certificate was refused (" + refused.getMessage()
                    + "); connect with a name it was issued for, or " + skip;
        }
        return e.getMessage();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private void copySocketToStdout(InputStream in) throws IOException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    private void pumpStdin(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = System.in;
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (crlf) {
                    writeCrlf(out, buf, n);
                } else {
                    out.write(buf, 0, n);
                }
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            // The socket closed under us; the reading side reports why.
        }
    }

    private static void writeCrlf(OutputStream out, byte[] buf, int n) throws IOException {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) {
                out.write(buf, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(buf, start, n - start);
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + hostPort + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + hostPort + "'");
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    private static int fail(String reason) {
        System.err.println("tcpkit connect: " + reason);
        return 1;
    }
}
