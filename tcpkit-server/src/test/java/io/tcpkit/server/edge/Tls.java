package io.tcpkit.server.edge;

import io.tcpkit.tls.TestPki;
import io.tcpkit.tls.TlsClient;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** JDK TLS clients for the tests, built from PEM files with the JDK alone. */
final class Tls {
    private static final char[] PASSWORD = "test".toCharArray();

    private Tls() {
    }

    /**
     * Trusts {@code ca}; presents {@code client} if not null. With {@code always}, the client
     * certificate is sent even if the server asks for another CA's (to test the server's own check).
     */
    static SSLContext context(Path ca, TestPki.Pair client, boolean always) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.certificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = null;
        if (client != null) {
            X509Certificate cert = TestPki.certificate(client.cert());
            PrivateKey key = TlsClient.pkcs8(client.key());
            if (always) {
                keyManagers = new KeyManager[] {new AlwaysPresent(cert, key)};
            } else {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", key, PASSWORD, new Certificate[] {cert});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD);
                keyManagers = kmf.getKeyManagers();
            }
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    /** Connects to 127.0.0.1:{@code port}, verifies the server's name, and handshakes. */
    static SSLSocket connect(SSLContext context, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            plain.setSoTimeout(10_000);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Sends an inline command and reads one RESP reply (simple, error, integer or bulk). */
    static String command(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        String first = readLine(s.getInputStream());
        if (first.startsWith("$") && !first.equals("$-1\r\n")) {
            int len = Integer.parseInt(first.substring(1, first.length() - 2));
            byte[] body = s.getInputStream().readNBytes(len + 2);
            return first + new String(body, StandardCharsets.UTF_8);
        }
        return first;
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 1 << 20; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream after '" + line.toString(StandardCharsets.UTF_8) + "'");
            }
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
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
