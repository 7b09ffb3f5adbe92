package io.github.twofa.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrowserTokenTest {

    @Test
    void givenNewTokens_thenEachHas256BitsAndTheyDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BrowserToken token = BrowserToken.generate();
            assertEquals(32, Base64.getUrlDecoder().decode(token.value()).length);
            assertTrue(seen.add(token.value()));
        }
    }

    @Test
    void givenAToken_thenOnlyItsHashIsStoredAndItMatchesItself() {
        BrowserToken token = BrowserToken.generate();
        assertNotEquals(token.value(), token.hash());
        assertTrue(BrowserToken.parse(token.value()).orElseThrow().matches(token.hash()));
        assertFalse(BrowserToken.generate().matches(token.hash()));
        assertFalse(token.matches(null));
        assertFalse(token.toString().contains(token.value()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "short",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void givenSomethingThatCannotBeAToken_thenItIsNotRead(String cookie) {
        assertEquals(Optional.empty(), BrowserToken.parse(cookie));
    }
}
