package io.tcpkit.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A TLS listener's live certificate: wraps accepted sockets, and reloads the certificate, key and
 * client CA when their files change ({@link #watch}) or on request ({@link #reload}, e.g. on
 * SIGHUP). New connections get the new certificate; existing ones keep theirs. A reload that
 * fails (a half-written file) is logged and the previous certificate stays in use.
 */
public final class ServerTls implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

    private final TlsServerConfig config;
    private volatile Loaded current;
    private ScheduledExecutorService watcher;
    /** File stamps of the last reload that failed, so a broken file is reported once, not every period. */
    private volatile List<Long> failedStamps;

    private record Loaded(SSLContext context, SSLParameters parameters, List<Long> stamps, String fingerprint) {
    }

    public ServerTls(TlsServerConfig config) throws IOException {
        this.config = config;
        this.current = load();
    }

    public TlsServerConfig config() {
        return config;
    }

    /** The SHA-256 fingerprint of the certificate in use (colon-separated hex). */
    public String fingerprint() {
        return current.fingerprint();
    }

    /**
     * Wraps an accepted socket for a server-side handshake; {@code consumed} are bytes already
     * read from it. The TLS layer reads the network through a {@link RenegotiationGuard}, which
     * refuses TLS 1.2 client-initiated renegotiation.
     */
    public SSLSocket wrap(Socket socket, byte[] consumed) throws IOException {
        Loaded l = current;
        // Handed over as the "consumed" stream, the guard is where the TLS layer reads every record;
        // once it ends (the peer closed), the socket's own stream has nothing more either.
        SSLSocket ssl = (SSLSocket) l.context().getSocketFactory().createSocket(socket,
                new RenegotiationGuard(consumed, socket.getInputStream()), true);
        ssl.setUseClientMode(false);
        ssl.setSSLParameters(l.parameters());
        return ssl;
    }

    /** Reloads the files now; false (and the old certificate kept) if they cannot be read. */
    public boolean reload() {
        try {
            Loaded fresh = load();
            boolean changed = !fresh.fingerprint().equals(current.fingerprint());
            current = fresh;
            LOG.log(Level.INFO, () -> "TLS certificate " + (changed ? "reloaded" : "re-read (unchanged)")
                    + " from " + config.certificateChain() + ", SHA-256 " + fresh.fingerprint());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "TLS certificate reload failed, keeping the previous one: " + e.getMessage());
            return false;
        }
    }

    /**
     * Checks the files every {@code periodMillis} and reloads when one changed (by time or size).
     * A change that fails to load is reported once; the files are tried again when they change again.
     *
     * @param owner names the watcher thread ({@code tcpkit-tls-watch-<owner>})
     */
    public synchronized void watch(String owner, long periodMillis) {
        if (watcher != null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("tcpkit-tls-watch-" + owner).unstarted(r));
        watcher.scheduleWithFixedDelay(() -> {
            List<Long> now = stamps();
            if (!now.equals(current.stamps()) && !now.equals(failedStamps)) {
                failedStamps = reload() ? null : now;
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }

    private Loaded load() throws IOException {
        List<Long> stamps = stamps();
        SSLContext context = TlsContexts.context(config.certificateChain(), config.privateKey(), config.clientCa());
        SSLParameters parameters = TlsContexts.parameters(context);
        switch (config.clientAuth()) {
            case REQUIRED -> parameters.setNeedClientAuth(true);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            case NONE -> parameters.setNeedClientAuth(false);
        }
        return new Loaded(context, parameters, stamps, fingerprint(PemFiles.certificates(config.certificateChain()).get(0)));
    }

    private List<Long> stamps() {
        return Stream.of(config.certificateChain(), config.privateKey(), config.clientCa())
                .filter(Objects::nonNull)
                .flatMap(p -> Stream.of(modified(p), size(p)))
                .toList();
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
