package io.tcpkit.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/** Builds SSLContexts from PEM files, with tcpkit's policy: TLS 1.2 and 1.3 only, modern cipher suites. */
public final class TlsContexts {
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** A context with the key and chain as our identity, trusting {@code trustedCa} (null: nobody). */
    public static SSLContext context(Path chain, Path key, Path trustedCa) throws IOException {
        try {
            KeyManager[] keyManagers = null;
            if (chain != null) {
                List<X509Certificate> certificates = PemFiles.certificates(chain);
                PrivateKey privateKey = PemFiles.privateKey(key);
                // A rotation caught half way (new certificate, old key) would load fine and fail every handshake.
                if (!matches(certificates.get(0), privateKey)) {
                    throw new IOException(key + ": the private key does not match the certificate in " + chain);
                }
                keyManagers = keyManagers(certificates, privateKey);
            }
            TrustManager[] trustManagers = trustedCa == null ? null : trustManagers(PemFiles.certificates(trustedCa));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** A client context: trusts {@code ca} (null: the JDK's default trust store), optionally with a client certificate. */
    public static SSLContext clientContext(Path ca, Path clientChain, Path clientKey, boolean insecure) throws IOException {
        try {
            KeyManager[] keyManagers = clientChain == null ? null
                    : keyManagers(PemFiles.certificates(clientChain), PemFiles.privateKey(clientKey));
            TrustManager[] trustManagers = insecure ? new TrustManager[] {new TrustEverything()}
                    : ca == null ? null : trustManagers(PemFiles.certificates(ca));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** Our protocol and cipher-suite policy applied to a context's defaults. */
    public static SSLParameters parameters(SSLContext context) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(Arrays.stream(context.getSupportedSSLParameters().getCipherSuites())
                .filter(TlsContexts::modern).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    /** TLS 1.3 suites, and TLS 1.2 suites with forward secrecy and AEAD. */
    static boolean modern(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || (suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20")));
    }

    /** Whether {@code key} is the private half of the certificate's public key (a signature round trip). */
    static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        PublicKey publicKey = certificate.getPublicKey();
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null; // others (EdDSA, RSASSA-PSS): left to the handshake
        };
        if (algorithm == null) {
            return true;
        }
        byte[] probe = "tcpkit key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("tcpkit", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    /** For {@code --insecure} development clients only: accepts any server certificate. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
