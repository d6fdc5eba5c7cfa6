package io.tcpkit.server.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Salted, slow password hashes: PBKDF2 with HMAC-SHA256, a 16-byte random salt, stored as
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (Base64) so the work factor can rise later without
 * invalidating old entries. Passwords never exist at rest in any other form.
 */
public final class PasswordHasher {
    public static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 floor for PBKDF2-HMAC-SHA256 is 600,000; this trades some of that for login latency. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verified against when the user does not exist, so timing does not reveal which names do. */
    private static final class Dummy {
        static final String HASH = hash("not a real password".toCharArray(), DEFAULT_ITERATIONS);
    }

    private PasswordHasher() {
    }

    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** Whether {@code password} matches {@code stored}; false (not an exception) for a malformed hash. */
    public static boolean verify(char[] password, String stored) {
        String[] parts = (stored == null ? Dummy.HASH : stored).split(":");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, iterations)) && stored != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code stored} is a hash this class can verify. */
    public static boolean isWellFormed(String stored) {
        String[] parts = stored.split(":");
        return parts.length == 4 && parts[0].equals(SCHEME) && parts[1].matches("[1-9][0-9]{0,8}");
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
