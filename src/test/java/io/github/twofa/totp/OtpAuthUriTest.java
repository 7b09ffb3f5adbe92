package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtpAuthUriTest {

    private static final TotpSecret SECRET = TotpSecret.generate();

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ACME | alice",
                "My Company | bob smith",
                "Realm: Prod | carol:admin",
                "Example Corp | dave@example.org",
                "Zürich Bank | jürgen.müller",
                "東京 | ユーザー"
            })
    void givenIssuerAndAccountWithSpecialCharacters_whenBuildingTheUri_thenAnAppDecodesThemUnchanged(
            String issuer, String account) {
        String text = OtpAuthUri.of(issuer, account, SECRET, TotpParameters.DEFAULT);
        URI uri = URI.create(text);

        assertEquals("otpauth", uri.getScheme());
        assertEquals("totp", uri.getHost());
        String label = uri.getRawPath().substring(1);
        String[] parts = label.split(":");
        assertEquals(2, parts.length, "the only raw ':' in the label separates issuer and account: " + label);
        assertEquals(issuer, URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
        assertEquals(account, URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        assertFalse(text.contains(" ") || text.contains("+"), "spaces must be %20: " + text);
        assertTrue(text.chars().allMatch(c -> c < 128), "URI must be ASCII: " + text);
        assertEquals(issuer, query(uri).get("issuer"));
        assertEquals(SECRET.base32(), query(uri).get("secret"));
    }

    @Test
    void givenDefaultParameters_thenTheUriLeavesThemOut() {
        Map<String, String> params = query(URI.create(OtpAuthUri.of("ACME", "alice", SECRET, TotpParameters.DEFAULT)));

        assertEquals(Map.of("secret", SECRET.base32(), "issuer", "ACME"), params);
    }

    @Test
    void givenOtherParameters_thenTheUriNamesAlgorithmDigitsAndPeriod() {
        Map<String, String> params =
                query(URI.create(OtpAuthUri.of("ACME", "alice", SECRET, new TotpParameters("HmacSHA256", 8, 60))));

        assertEquals("SHA256", params.get("algorithm"));
        assertEquals("8", params.get("digits"));
        assertEquals("60", params.get("period"));
    }
}
