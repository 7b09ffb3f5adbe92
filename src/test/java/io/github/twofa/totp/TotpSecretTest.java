package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TotpSecretTest {

    @Test
    void givenGeneratedSecrets_thenEachHas160BitsAndTheyDiffer() {
        Set<TotpSecret> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TotpSecret secret = TotpSecret.generate();
            assertEquals(20, secret.bytes().length);
            assertTrue(seen.add(secret), "generated the same secret twice");
        }
    }

    @Test
    void givenSecret_whenBase32RoundTrips_thenTheKeyIsUnchanged() {
        TotpSecret secret = TotpSecret.generate();

        assertEquals(32, secret.base32().length());
        assertTrue(secret.base32().matches("[A-Z2-7]+"));
        assertEquals(secret, TotpSecret.fromBase32(secret.base32()));
        assertEquals(secret, TotpSecret.fromBase32(secret.base32Grouped().toLowerCase()));
    }

    @Test
    void givenSecret_whenGrouped_thenGroupsOfFourSeparatedBySpaces() {
        String grouped = TotpSecret.generate().base32Grouped();

        assertTrue(grouped.matches("([A-Z2-7]{4} ){7}[A-Z2-7]{4}"), grouped);
    }

    @Test
    void givenSecret_whenPrinted_thenTheKeyIsNotInTheText() {
        TotpSecret secret = TotpSecret.generate();

        assertFalse(secret.toString().contains(secret.base32()));
        assertNotEquals(-1, secret.toString().indexOf("redacted"));
    }
}
