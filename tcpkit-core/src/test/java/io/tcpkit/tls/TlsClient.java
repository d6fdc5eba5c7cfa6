package io.tcpkit.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * JDK TLS clients for tests, built from PEM files with the JDK alone (not with tcpkit's own
 * {@link TlsContexts}, so that a bug there cannot hide behind a matching one here). Clients verify
 * the server certificate against the test CA and its name (127.0.0.1) as HTTPS does.
 */
public final class TlsClient {
    private static final char[] PASSWORD = "test".toCharArray();

    private TlsClient() {
    }

    /** Trusts {@code ca}; presents {@code clientCertificate} if not null. */
    public static SSLContext context(Path ca, TestPki.Pair clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.certificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCertificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", pkcs8(clientCertificate.key()), PASSWORD,
                    new Certificate[] {TestPki.certificate(clientCertificate.cert())});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
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
        plain.setSoTimeout(10_000);
        plain.setTcpNoDelay(true);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    /** Writes {@code text} and reads back exactly as many bytes. */
    public static String roundTrip(Socket s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(b.length);
        return new String(back, StandardCharsets.UTF_8);
    }

    /** The SHA-256 fingerprint of the server certificate this client was shown. */
    public static String peerFingerprint(SSLSocket s) throws Exception {
        return TestPki.fingerprint(s.getSession().getPeerCertificates()[0]);
    }

    /** A PKCS#8 PEM key, EC or RSA, read with the JDK alone. */
    public static PrivateKey pkcs8(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String body = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END PRIVATE KEY-----"));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        } catch (java.security.spec.InvalidKeySpecException e) {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        }
    }
}
