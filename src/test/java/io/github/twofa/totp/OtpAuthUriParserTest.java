package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtpAuthUriParserTest {

    /** RFC 6238's SHA-1 test key, "12345678901234567890", in Base32. */
    private static final String RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void givenAUriAsAppsExportIt_thenSecretAndParametersAreRead() throws Exception {
        OtpAuthUriParser.Parsed parsed = OtpAuthUriParser.parse("otpauth://totp/ACME%20Co:alice@example.org?secret="
                + RFC_KEY.toLowerCase() + "&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60");
        assertEquals("12345678901234567890", new String(parsed.secret().bytes(), StandardCharsets.US_ASCII));
        assertEquals(new TotpParameters("HmacSHA256", 8, 60), parsed.parameters());
        assertEquals(Optional.of("ACME Co"), parsed.issuer());
        assertFalse(parsed.toString().contains(RFC_KEY));
    }

    @Test
    void givenOnlyASecret_thenTheDefaultsApply() throws Exception {
        OtpAuthUriParser.Parsed parsed = OtpAuthUriParser.parse("otpauth://totp/bob?secret=" + RFC_KEY + "====");
        assertEquals(TotpParameters.DEFAULT, parsed.parameters());
        assertEquals(Optional.empty(), parsed.issuer());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://example.org/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ|not an otpauth:// URI",
                "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0|counter-based",
                "otpauth://totp/x?issuer=y|secret parameter is missing",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1|not Base32",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ|fewer than 128 bits",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=MD5|unknown algorithm",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=4|digits must be",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=1|period must be",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&secret=AAAA|appears twice",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ|more than 1024 bits",
            })
    void givenAUriThatCannotBeImported_thenTheReasonSaysWhyWithoutTheSecret(String uri, String reason) {
        OtpAuthUriParser.Invalid invalid =
                assertThrows(OtpAuthUriParser.Invalid.class, () -> OtpAuthUriParser.parse(uri));
        assertTrue(invalid.getMessage().contains(reason), invalid.getMessage());
        assertFalse(invalid.getMessage().contains("GEZDGNBV"), "no part of the secret in the reason");
    }
}
