package io.tcpkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test certificates made by the real {@code openssl} CLI in a folder: an EC P-256 CA, server
 * certificates for localhost / 127.0.0.1 / ::1 with RSA or EC keys (PKCS#8, as
 * {@code openssl genpkey} writes them), and client certificates, all signed by the CA.
 * Each openssl run is bounded in time and its process is always reaped.
 */
public final class TestPki {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffL);

    /** A certificate and its private key, as PEM files. */
    public record Pair(Path cert, Path key) {
        /** The SHA-256 of the certificate's DER encoding, in ServerTls's format. */
        public String fingerprint() throws Exception {
            return TestPki.fingerprint(cert);
        }
    }

    public enum KeyType { RSA, EC }

    private final Path dir;
    private final Pair ca;

    private TestPki(Path dir, Pair ca) {
        this.dir = dir;
        this.ca = ca;
    }

    public static boolean opensslAvailable() {
        return Files.isExecutable(OPENSSL) || onPath("openssl");
    }

    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** A new CA (EC P-256, valid two days) in {@code dir}. */
    public static TestPki create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca.key");
        openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=tcpkit test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new TestPki(dir, new Pair(cert, key));
    }

    public Path dir() {
        return dir;
    }

    public Pair ca() {
        return ca;
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1, signed by the CA, as NAME.pem / NAME.key. */
    public Pair server(String name, KeyType type) throws IOException, InterruptedException {
        return issue(name, type, "/CN=localhost", String.join("\n",
                "basicConstraints=CA:FALSE",
                "keyUsage=critical,digitalSignature" + (type == KeyType.RSA ? ",keyEncipherment" : ""),
                "extendedKeyUsage=serverAuth",
                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", ""));
    }

    /** A client certificate with subject CN={@code commonName}, signed by the CA. */
    public Pair client(String name, String commonName) throws IOException, InterruptedException {
        return issue(name, KeyType.EC, "/CN=" + commonName + "/O=tcpkit tests", String.join("\n",
                "basicConstraints=CA:FALSE",
                "keyUsage=critical,digitalSignature",
                "extendedKeyUsage=clientAuth", ""));
    }

    /** The same key in the traditional PKCS#1 form ("BEGIN RSA PRIVATE KEY"). */
    public Path pkcs1(Pair rsa, String name) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        openssl(dir, "pkey", "-in", rsa.key().toString(), "-traditional", "-out", out.toString());
        return out;
    }

    private Pair issue(String name, KeyType type, String subject, String extensions)
            throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Path cert = dir.resolve(name + ".pem");
        if (type == KeyType.RSA) {
            openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        } else {
            openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        }
        openssl(dir, "req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        Files.writeString(ext, extensions);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
                "-set_serial", Long.toString(SERIAL.incrementAndGet()), "-days", "2",
                "-extfile", ext.toString(), "-out", cert.toString());
        return new Pair(cert, key);
    }

    /** Runs openssl in {@code dir}; fails with its output if it fails or takes over 30 s. */
    public static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(OPENSSL) ? OPENSSL.toString() : "openssl");
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "openssl", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            boolean exited = p.waitFor(30, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!exited || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + (exited ? " failed: " : " timed out: ") + output);
            }
            return output;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    public static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** SHA-256 of the first certificate in the file, colon-separated upper-case hex (ServerTls's format). */
    public static String fingerprint(Path pem) throws Exception {
        return fingerprint(certificate(pem));
    }

    public static String fingerprint(java.security.cert.Certificate certificate) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
