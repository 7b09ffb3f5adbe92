package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"Phone", "Телефон", "手机", "<b>Tablet</b> & \"x\"", "هاتف", "Pixel 8 🙂"})
    void givenANameInAnyScript_thenItIsKeptAsTyped(String name) {
        assertEquals(Optional.of(name), AppName.normalise("  " + name + " ", "Authenticator app"));
    }

    @Test
    void givenNothing_thenTheFallbackIsUsed() {
        assertEquals(Optional.of("Authenticator app"), AppName.normalise("   ", "Authenticator app"));
        assertEquals(Optional.of("Authenticator app"), AppName.normalise(null, "Authenticator app"));
    }

    @Test
    void givenSixtyFourCharactersOfAnyScript_thenTheyFitAndOneMoreDoesNot() {
        String sixtyFour = "手".repeat(63) + "🙂";
        assertEquals(Optional.of(sixtyFour), AppName.normalise(sixtyFour, "x"));
        assertEquals(Optional.empty(), AppName.normalise(sixtyFour + "a", "x"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"Phone\u0000", "Ph\none", "Phone\u202Eenohp", "Pho\u200Bne", "a\u2028b", "a\u2029b", "\udc00lone"
            })
    void givenControlOrInvisibleFormattingCharacters_thenTheNameIsRefused(String name) {
        assertEquals(Optional.empty(), AppName.normalise(name, "x"));
    }
}
