package io.github.twofa.backupcodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;

class Pbkdf2HmacSha256Test {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void givenRfc7914Vectors_whenDeriving_thenTheirOutput() {
        // RFC 7914 section 11, both PBKDF2-HMAC-SHA256 vectors, two output blocks each.
        assertEquals(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
                HexFormat.of().formatHex(Pbkdf2HmacSha256.derive(ascii("passwd"), ascii("salt"), 1, 64)));
        assertEquals(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
                HexFormat.of().formatHex(Pbkdf2HmacSha256.derive(ascii("Password"), ascii("NaCl"), 80_000, 64)));
    }

    @Test
    void givenAnyPasswordSaltAndLength_whenDeriving_thenTheSameAsTheJdksPbkdf2() throws Exception {
        Random random = new Random(18);
        // Password lengths around the 64-byte block, where a longer key is hashed first; lengths not a whole block.
        int[] passwordLengths = {1, 10, 63, 64, 65, 200};
        for (int passwordLength : passwordLengths) {
            char[] password = new char[passwordLength];
            for (int i = 0; i < passwordLength; i++) {
                password[i] = (char) ('!' + random.nextInt(90));
            }
            byte[] salt = new byte[1 + random.nextInt(40)];
            random.nextBytes(salt);
            int iterations = 1 + random.nextInt(3000);
            int length = 1 + random.nextInt(80);

            byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, length * 8))
                    .getEncoded();

            assertArrayEquals(
                    jdk,
                    Pbkdf2HmacSha256.derive(
                            new String(password).getBytes(StandardCharsets.UTF_8), salt, iterations, length),
                    "password length " + passwordLength + ", " + iterations + " iterations, " + length + " bytes");
        }
    }

    @Test
    void givenABackupCode_whenHashed_thenTheSameAsWithTheJdksPbkdf2() {
        byte[] salt = BackupCodeHasher.newSalt();

        assertArrayEquals(
                BackupCodeHasher.jdkPbkdf2("k7m2q9x4w3", salt, 20_000),
                BackupCodeHasher.hash("k7m2q9x4w3", salt, 20_000));
    }

    @Test
    void givenNoIterationsOrNoLength_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2HmacSha256.derive(ascii("a"), ascii("s"), 0, 32));
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2HmacSha256.derive(ascii("a"), ascii("s"), 1, 0));
    }
}
