package io.tcpkit.testing;

import io.tcpkit.tls.TlsContexts;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * JDK TLS clients for tests, built from PEM files with the JDK alone (not with tcpkit's own
 * TlsContexts, so that a bug in its PEM loading or trust cannot hide behind a matching one here).
 * They verify the server certificate against a CA and its name (127.0.0.1) as HTTPS does.
 * {@link #servedFingerprint} alone uses tcpkit's {@code --insecure} context: it trusts anything,
 * so there is no check in it that could agree with the server's by mistake.
 */
public final class TlsClient {
    private static final char[] PASSWORD = "test".toCharArray();

    private TlsClient() {
    }

    /** Trusts {@code ca}; presents {@code clientCertificate} if not null (when the server asks for its CA). */
    public static SSLContext context(Path ca, TestPki.Pair clientCertificate) throws Exception {
        KeyManager[] keys = null;
        if (clientCertificate != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", pkcs8(clientCertificate.key()), PASSWORD,
                    new Certificate[] {TestPki.certificate(clientCertificate.cert())});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, PASSWORD);
            keys = kmf.getKeyManagers();
        }
        return context(ca, keys);
    }

    /**
     * Trusts {@code ca} and presents {@code clientCertificate} whatever CAs the server names, as a
     * forger would: to test the server's own check rather than the client's politeness.
     */
    public static SSLContext alwaysPresenting(Path ca, TestPki.Pair clientCertificate) throws Exception {
        return context(ca, new KeyManager[] {new AlwaysPresent(TestPki.certificate(clientCertificate.cert()),
                pkcs8(clientCertificate.key()))});
    }

    private static SSLContext context(Path ca, KeyManager[] keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.certificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, tmf.getTrustManagers(), null);
        return context;
    }

    /** Connects to 127.0.0.1:{@code port} and completes the handshake (10 s read timeout). */
    public static SSLSocket connect(SSLContext context, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            return overSocket(context, plain, port);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Layers TLS over an already connected socket (after a PROXY header, say) and handshakes. */
    public static SSLSocket overSocket(SSLContext context, Socket plain, int port) throws IOException {
        plain.setSoTimeout((int) LineClient.READ_TIMEOUT.toMillis());
        plain.setTcpNoDelay(true);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    /** The SHA-256 fingerprint of the server certificate this client was shown. */
    public static String peerFingerprint(SSLSocket s) throws IOException {
        return TestPki.fingerprint(s.getSession().getPeerCertificates()[0]);
    }

    /**
     * The fingerprint of the certificate served on 127.0.0.1:{@code port}, whatever it is, from a
     * fresh handshake (a new context: no session to resume, so the certificate is really sent).
     */
    public static String servedFingerprint(int port) throws Exception {
        SSLContext trustAll = TlsContexts.clientContext(null, null, null, true);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            plain.setSoTimeout((int) LineClient.READ_TIMEOUT.toMillis());
            try (SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                s.startHandshake();
                return peerFingerprint(s);
            }
        }
    }

    /** A PKCS#8 PEM key, EC or RSA, read with the JDK alone. */
    public static PrivateKey pkcs8(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String body = text.substring(text.indexOf(begin) + begin.length(), text.indexOf("-----END PRIVATE KEY-----"));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        } catch (InvalidKeySpecException e) {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        }
    }

    /** Offers its one certificate whatever issuers the server names. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509Certificate cert;
        private final PrivateKey key;

        AlwaysPresent(X509Certificate cert, PrivateKey key) {
            this.cert = cert;
            this.key = key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {cert};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
