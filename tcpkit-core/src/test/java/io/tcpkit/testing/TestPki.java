package io.tcpkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The test PKI, as PEM files in a folder: a CA; server certificates for localhost, 127.0.0.1 and
 * ::1 with an EC and an RSA key (PKCS#8, and the same keys as SEC1 and PKCS#1); client
 * certificates for alice and bob; and another CA's client certificate that also says CN=alice.
 *
 * <p>They are fixtures on the class path, made once by {@code tcpkit-core/src/test/pki/generate}
 * (openssl) and valid for a century, so that TLS tests need nothing but the JDK (which cannot sign
 * a certificate through public API) and run the same everywhere. Tests of openssl itself still
 * run the real openssl against them.
 */
public final class TestPki {
    private static final String RESOURCES = "/io/tcpkit/testing/pki/";
    private static final List<String> FILES = List.of("ca.pem", "other-ca.pem", "server-ec.pem", "server-ec.key",
            "server-rsa.pem", "server-rsa.key", "server-rsa-pkcs1.key", "server-ec-sec1.key",
            "alice.pem", "alice.key", "bob.pem", "bob.key", "mallory.pem", "mallory.key");
    /** Regenerate well before the fixtures expire, not on the day the suite breaks. */
    private static final Duration MINIMUM_VALIDITY_LEFT = Duration.ofDays(5 * 365);

    /** A certificate and its private key, as PEM files. */
    public record Pair(Path cert, Path key) {
        /** The SHA-256 of the certificate's DER encoding, in ServerTls's format. */
        public String fingerprint() {
            return TestPki.fingerprint(cert);
        }
    }

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Copies the PKI's files into {@code dir} (a test's temporary folder) and checks they are still valid. */
    public static TestPki copyTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : FILES) {
            try (InputStream in = TestPki.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IOException("test PKI file " + name + " is missing from the class path");
                }
                Files.copy(in, dir.resolve(name));
            }
        }
        TestPki pki = new TestPki(dir);
        Instant needed = Instant.now().plus(MINIMUM_VALIDITY_LEFT);
        for (String name : FILES) {
            if (name.endsWith(".pem") && certificate(dir.resolve(name)).getNotAfter().toInstant().isBefore(needed)) {
                throw new AssertionError("the test certificate " + name + " expires within 5 years: "
                        + "run tcpkit-core/src/test/pki/generate and commit the new files");
            }
        }
        return pki;
    }

    public Path dir() {
        return dir;
    }

    /** The CA that signed the servers' certificates and alice's and bob's. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** A CA nobody trusts; it signed {@link #mallory()}. */
    public Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    /** The server certificate with an EC P-256 key. */
    public Pair serverEc() {
        return pair("server-ec");
    }

    /** The server certificate with an RSA 2048 key. */
    public Pair serverRsa() {
        return pair("server-rsa");
    }

    /** The server certificate of this key type. */
    public Pair server(KeyType type) {
        return type == KeyType.RSA ? serverRsa() : serverEc();
    }

    /** The RSA server key in the traditional PKCS#1 form ("BEGIN RSA PRIVATE KEY"). */
    public Path rsaKeyPkcs1() {
        return dir.resolve("server-rsa-pkcs1.key");
    }

    /** The EC server key in the SEC1 form ("BEGIN EC PRIVATE KEY"). */
    public Path ecKeySec1() {
        return dir.resolve("server-ec-sec1.key");
    }

    /** Client certificate CN=alice, O=tcpkit tests, signed by the CA. */
    public Pair alice() {
        return pair("alice");
    }

    /** Client certificate CN=bob, O=tcpkit tests, signed by the CA. */
    public Pair bob() {
        return pair("bob");
    }

    /** Client certificate CN=alice, O=tcpkit tests, signed by {@link #otherCa()}: a forgery. */
    public Pair mallory() {
        return pair("mallory");
    }

    public enum KeyType { RSA, EC }

    private Pair pair(String name) {
        return new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    }

    public static X509Certificate certificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new AssertionError("cannot read the certificate in " + pem, e);
        }
    }

    /** SHA-256 of the first certificate in the file, colon-separated upper-case hex (ServerTls's format). */
    public static String fingerprint(Path pem) {
        return fingerprint(certificate(pem));
    }

    public static String fingerprint(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
