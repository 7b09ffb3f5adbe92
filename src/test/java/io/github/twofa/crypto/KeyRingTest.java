package io.github.twofa.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B =
            Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] OWNER = "r/u".getBytes(StandardCharsets.UTF_8);

    @Test
    void givenNoConfiguration_thenTheRingIsEmpty() {
        assertTrue(KeyRing.parse(null).isEmpty());
        assertTrue(KeyRing.parse("  ").isEmpty());
    }

    @Test
    void givenSeveralKeys_thenTheFirstEncryptsAndAllDecrypt() {
        KeyRing ring = KeyRing.parse("b:" + KEY_B + ", a:" + KEY_A);

        assertEquals("b", ring.activeId());
        assertTrue(ring.get("a").isPresent());
        assertFalse(ring.get("c").isPresent());
    }

    @Test
    void givenSecretWrittenUnderKeyA_whenRotatedToKeyB_thenItStillDecryptsWithA() {
        KeyRing before = KeyRing.parse("a:" + KEY_A);
        String sealed = AesGcmCipher.encrypt("secret".getBytes(StandardCharsets.UTF_8), before.active(), OWNER);
        KeyRing after = KeyRing.parse("b:" + KEY_B + ",a:" + KEY_A);

        assertEquals("b", after.activeId());
        assertArrayEquals(
                "secret".getBytes(StandardCharsets.UTF_8),
                AesGcmCipher.decrypt(sealed, after.get("a").orElseThrow(), OWNER));
    }

    @Test
    void givenBadEntries_thenParsingFailsWithoutEchoingTheKey() {
        IllegalArgumentException shortKey =
                assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("a:c2hvcnQ="));
        assertFalse(shortKey.getMessage().contains("c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("no-colon"));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("a:" + KEY_A + ",a:" + KEY_B));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("a:not*base64"));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("bad id:" + KEY_A));
    }
}
