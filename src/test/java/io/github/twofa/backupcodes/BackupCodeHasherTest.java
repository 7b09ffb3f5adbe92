package io.github.twofa.backupcodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class BackupCodeHasherTest {

    @Test
    void givenKnownVector_whenHashing_thenMatchesPbkdf2HmacSha256() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes here).
        byte[] hash = BackupCodeHasher.hash("passwd", "salt".getBytes(StandardCharsets.US_ASCII), 1);

        assertEquals(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                HexFormat.of().formatHex(hash));
    }

    @Test
    void givenSameCodeWithDifferentSalts_thenDifferentHashes() {
        byte[] a = BackupCodeHasher.hash("abcdefghjk", BackupCodeHasher.newSalt(), 10_000);
        byte[] b = BackupCodeHasher.hash("abcdefghjk", BackupCodeHasher.newSalt(), 10_000);

        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void givenStoredSet_whenLookingUpADerivedHash_thenItsIndexOrEmpty() {
        byte[] salt = BackupCodeHasher.newSalt();
        List<byte[]> stored = List.of(
                BackupCodeHasher.hash("aaaaaaaaaa", salt, 10_000),
                BackupCodeHasher.hash("bbbbbbbbbb", salt, 10_000),
                BackupCodeHasher.hash("cccccccccc", salt, 10_000));

        assertEquals(
                OptionalInt.of(1), BackupCodeHasher.indexOf(BackupCodeHasher.hash("bbbbbbbbbb", salt, 10_000), stored));
        assertEquals(
                OptionalInt.empty(),
                BackupCodeHasher.indexOf(BackupCodeHasher.hash("dddddddddd", salt, 10_000), stored));
        assertTrue(BackupCodeHasher.indexOf(new byte[32], List.of()).isEmpty());
    }

    @Test
    void givenSalt_thenSixteenRandomBytes() {
        assertEquals(16, BackupCodeHasher.newSalt().length);
        assertFalse(Arrays.equals(BackupCodeHasher.newSalt(), BackupCodeHasher.newSalt()));
        assertArrayEquals(BackupCodeHasher.hash("x", new byte[16], 1), BackupCodeHasher.hash("x", new byte[16], 1));
    }
}
