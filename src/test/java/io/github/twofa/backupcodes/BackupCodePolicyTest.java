package io.github.twofa.backupcodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BackupCodePolicyTest {

    @Test
    void givenSettingsAnAdminTyped_whenOutOfRangeOrNotANumber_thenEachIsNamedAndValidOnesPass() {
        assertEquals(List.of(), BackupCodePolicy.problems(Map.of()));
        assertEquals(
                List.of(),
                BackupCodePolicy.problems(Map.of(BackupCodePolicy.COUNT, "12", BackupCodePolicy.LOW_THRESHOLD, "11")));
        assertEquals(
                3,
                BackupCodePolicy.problems(Map.of(
                                BackupCodePolicy.COUNT,
                                "50",
                                BackupCodePolicy.LOW_THRESHOLD,
                                "ten",
                                BackupCodePolicy.ITERATIONS,
                                "999"))
                        .size());
        assertTrue(BackupCodePolicy.problems(Map.of(BackupCodePolicy.COUNT, "6", BackupCodePolicy.LOW_THRESHOLD, "6"))
                .get(0)
                .contains("0 to 5"));
    }

    @Test
    void givenNoConfiguration_thenTenCodesWarnAtThreeAndFiftyThousandIterations() {
        assertEquals(new BackupCodePolicy(10, 3, 20_000), BackupCodePolicy.from(null));
        assertEquals(new BackupCodePolicy(10, 3, 20_000), BackupCodePolicy.from(Map.of()));
    }

    @Test
    void givenConfiguration_thenItIsUsedWithinBounds() {
        assertEquals(
                new BackupCodePolicy(5, 1, 100_000),
                BackupCodePolicy.from(Map.of(
                        BackupCodePolicy.COUNT,
                        "5",
                        BackupCodePolicy.LOW_THRESHOLD,
                        "1",
                        BackupCodePolicy.ITERATIONS,
                        "100000")));
        assertEquals(
                BackupCodePolicy.DEFAULT,
                BackupCodePolicy.from(Map.of(
                        BackupCodePolicy.COUNT,
                        "50",
                        BackupCodePolicy.LOW_THRESHOLD,
                        "-1",
                        BackupCodePolicy.ITERATIONS,
                        "abc")));
    }

    @Test
    void givenThreshold_thenAtOrBelowItIsLow() {
        assertTrue(BackupCodePolicy.DEFAULT.isLow(3));
        assertTrue(BackupCodePolicy.DEFAULT.isLow(0));
        assertFalse(BackupCodePolicy.DEFAULT.isLow(4));
    }

    @Test
    void givenOutOfRangeValues_whenConstructed_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BackupCodePolicy(4, 1, 50_000));
        assertThrows(IllegalArgumentException.class, () -> new BackupCodePolicy(21, 1, 50_000));
        assertThrows(IllegalArgumentException.class, () -> new BackupCodePolicy(10, 10, 50_000));
        assertThrows(IllegalArgumentException.class, () -> new BackupCodePolicy(10, 3, 9_999));
    }
}
