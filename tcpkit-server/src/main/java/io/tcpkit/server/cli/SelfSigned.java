package io.tcpkit.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed certificate for development: an EC P-256 key and a certificate for
 * localhost, 127.0.0.1 and ::1, made by the JDK's own keytool and written as PEM files into a
 * private temporary folder that is deleted on exit.
 */
final class SelfSigned {
    private SelfSigned() {
    }

    /** Creates cert.pem and key.pem in a new temporary folder and returns the folder. */
    static Path create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tcpkit-tls-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // Deleted at exit in reverse order of registration: the folder after its files.
        dir.toFile().deleteOnExit();
        for (String name : new String[] {"cert.pem", "key.pem"}) {
            dir.resolve(name).toFile().deleteOnExit();
        }
        Path store = dir.resolve("self-signed.p12");
        String password = "tcpkit-self-signed";
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "tcpkit",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool could not make a self-signed certificate: " + output.strip());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, password.toCharArray());
            }
            PrivateKey key = (PrivateKey) ks.getKey("tcpkit", password.toCharArray());
            X509Certificate cert = (X509Certificate) ks.getCertificate("tcpkit");
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the self-signed certificate: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
        }
        return dir;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
