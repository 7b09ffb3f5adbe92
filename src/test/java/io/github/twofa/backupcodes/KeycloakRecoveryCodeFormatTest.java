package io.github.twofa.backupcodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeycloakRecoveryCodeFormatTest {

    @ParameterizedTest
    @ValueSource(strings = {"ABCD-2345-EFGH", "abcd-2345-efgh", "ABCD 2345 EFGH", "ABCD2345EFGH", " abcd2345efgh "})
    void givenAKeycloakRecoveryCodeTypedAsPeopleDo_thenItReadsAsTheCodeKeycloakHashed(String typed) {
        assertEquals(Optional.of("ABCD2345EFGH"), KeycloakRecoveryCodeFormat.normalise(typed));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "ABCD-2345-EFG", "ABCD-2345-EFGHJ", "ABCD-2345-EFG_", "ABCD-2345-EFG\u212A", "abcde-fghjk"})
    void givenInputThatCannotBeOne_thenItIsNotRead(String typed) {
        assertEquals(Optional.empty(), KeycloakRecoveryCodeFormat.normalise(typed));
    }

    @Test
    void givenACode_thenItsHashIsTheSha512KeycloakStores() {
        // printf 'ABCD2345EFGH' | openssl dgst -sha512 -binary | base64
        byte[] expected = Base64.getDecoder().decode(EXPECTED_SHA512);
        assertArrayEquals(expected, KeycloakRecoveryCodeFormat.hash("ABCD2345EFGH"));
    }

    private static final String EXPECTED_SHA512 =
            "yOleJy9kYv7KmL5oE/yeR0Cb1H1vS8olIMc0hQftpqFOjkMQffEpu0CD2M3Pbubuq5mfyw0HYxR9dW2kkYZdYg==";
}
