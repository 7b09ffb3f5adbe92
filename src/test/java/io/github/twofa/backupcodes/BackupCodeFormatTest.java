package io.github.twofa.backupcodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupCodeFormatTest {

    @Test
    void givenGeneratedSet_thenCodesAreDistinctTenCharactersOfAThirtyTwoLetterAlphabet() {
        List<String> codes = BackupCodeFormat.generate(20);

        assertEquals(20, new HashSet<>(codes).size());
        codes.forEach(code -> assertTrue(code.matches("[0-9abcdefghjkmnpqrstvwxyz]{10}"), code));
        assertEquals(32, BackupCodeFormat.ALPHABET.length());
        assertTrue(BackupCodeFormat.BITS >= 50);
    }

    @Test
    void givenManyCodes_thenEveryLetterOfTheAlphabetTurnsUpAndNoAmbiguousOneDoes() {
        Set<Character> seen = new HashSet<>();
        BackupCodeFormat.generate(20).forEach(code -> code.chars().forEach(c -> seen.add((char) c)));
        for (int i = 0; i < 50; i++) {
            BackupCodeFormat.generate(20).forEach(code -> code.chars().forEach(c -> seen.add((char) c)));
        }

        assertEquals(32, seen.size());
        for (char ambiguous : "ilou".toCharArray()) {
            assertTrue(!seen.contains(ambiguous), "ambiguous letter " + ambiguous);
        }
    }

    @Test
    void givenCode_whenDisplayed_thenTwoGroupsOfFive() {
        assertEquals("abcde-fghjk", BackupCodeFormat.display("abcdefghjk"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcde-fghjk", "ABCDE-FGHJK", " abcde fghjk ", "abc-de-fg-hjk", "AbCdE\u00a0fGhJk"})
    void givenCodeTypedInAnyCaseWithSpacesOrDashes_whenNormalised_thenTheCanonicalCode(String typed) {
        assertEquals(Optional.of("abcdefghjk"), BackupCodeFormat.normalise(typed));
    }

    @Test
    void givenLookAlikeLetters_whenNormalised_thenReadAsTheDigitsTheyResemble() {
        assertEquals(Optional.of("0123456789"), BackupCodeFormat.normalise("oI23456789"));
        assertEquals(Optional.of("1000011111"), BackupCodeFormat.normalise("loOoOiIlLl"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "abcde",
                "abcde-fghjkm",
                "abcde-fghju",
                "abcde_fghjk",
                "<script>x",
                "abcde-fghj\u0000",
                "ａｂｃｄｅｆｇｈｊｋ"
            })
    void givenInputThatCannotBeACode_whenNormalised_thenEmpty(String typed) {
        assertEquals(Optional.empty(), BackupCodeFormat.normalise(typed));
    }

    @Test
    void givenHugeInput_whenNormalised_thenEmptyWithoutScanningIt() {
        assertEquals(Optional.empty(), BackupCodeFormat.normalise("a".repeat(1_000_000)));
        assertEquals(Optional.empty(), BackupCodeFormat.normalise(null));
    }
}
