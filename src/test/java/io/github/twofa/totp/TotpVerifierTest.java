package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

    // RFC 6238 Appendix B: the seed is the ASCII string "1234567890" repeated to the HMAC's key length.
    private static final TotpSecret SHA1_SEED = seed("12345678901234567890");
    private static final TotpSecret SHA256_SEED = seed("12345678901234567890123456789012");
    private static final TotpSecret SHA512_SEED =
            seed("1234567890123456789012345678901234567890123456789012345678901234");

    private static TotpSecret seed(String ascii) {
        return TotpSecret.fromBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest(name = "T={0}s {1} -> {2}")
    @CsvSource({
        "59, HmacSHA1, 94287082", "59, HmacSHA256, 46119246", "59, HmacSHA512, 90693936",
        "1111111109, HmacSHA1, 07081804", "1111111109, HmacSHA256, 68084774", "1111111109, HmacSHA512, 25091201",
        "1111111111, HmacSHA1, 14050471", "1111111111, HmacSHA256, 67062674", "1111111111, HmacSHA512, 99943326",
        "1234567890, HmacSHA1, 89005924", "1234567890, HmacSHA256, 91819424", "1234567890, HmacSHA512, 93441116",
        "2000000000, HmacSHA1, 69279037", "2000000000, HmacSHA256, 90698825", "2000000000, HmacSHA512, 38618901",
        "20000000000, HmacSHA1, 65353130", "20000000000, HmacSHA256, 77737706", "20000000000, HmacSHA512, 47863826"
    })
    void givenRfc6238AppendixBVector_whenComputingTheCode_thenItMatches(long time, String algorithm, String expected) {
        TotpSecret seed = switch (algorithm) {
            case "HmacSHA1" -> SHA1_SEED;
            case "HmacSHA256" -> SHA256_SEED;
            default -> SHA512_SEED;
        };
        TotpVerifier verifier = new TotpVerifier(new TotpParameters(algorithm, 8, 30));

        assertEquals(expected, verifier.codeAt(seed, time / 30));
        assertEquals(OptionalLong.of(time / 30), verifier.matchingStep(seed, expected, time));
    }

    @Test
    void givenCodesOneStepAwayOrFurther_whenMatching_thenOnlyPlusMinusOneStepIsAccepted() {
        TotpVerifier verifier = new TotpVerifier(TotpParameters.DEFAULT);
        long now = 1_700_000_000L;
        long step = now / 30;

        assertEquals(
                OptionalLong.of(step - 1), verifier.matchingStep(SHA1_SEED, verifier.codeAt(SHA1_SEED, step - 1), now));
        assertEquals(
                OptionalLong.of(step + 1), verifier.matchingStep(SHA1_SEED, verifier.codeAt(SHA1_SEED, step + 1), now));
        assertTrue(verifier.matchingStep(SHA1_SEED, verifier.codeAt(SHA1_SEED, step - 2), now)
                .isEmpty());
        assertTrue(verifier.matchingStep(SHA1_SEED, verifier.codeAt(SHA1_SEED, step + 2), now)
                .isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "12345a", "١٢٣٤٥٦", "12 345", "-12345", "123456\n"})
    void givenMalformedCode_whenChecking_thenItIsNotWellFormed(String code) {
        assertFalse(new TotpVerifier(TotpParameters.DEFAULT).isWellFormed(code));
    }

    @Test
    void givenCodeTypedWithSpaces_whenNormalised_thenTheSpacesAreGone() {
        assertEquals("123456", TotpVerifier.normalise(" 123 456 "));
    }
}
