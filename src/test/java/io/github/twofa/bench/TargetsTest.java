package io.github.twofa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The ratios beside PASS and MISS never read as the limit they missed. */
class TargetsTest {

    @Test
    void aRatioThatRoundsOntoItsLimitShowsMoreDecimals() {
        assertEquals("0.999 ×", Targets.ratio(16.14 / 16.15, 1.0));
        assertEquals("0.951 ×", Targets.ratio(0.9514, 0.95));
        assertEquals("0.9996 ×", Targets.ratio(0.9996, 1.0));
        assertEquals("0.9505 ×", Targets.ratio(0.95049, 0.95));
    }

    @Test
    void otherRatiosShowTwoDecimals() {
        assertEquals("1.00 ×", Targets.ratio(1.0, 1.0));
        assertEquals("0.98 ×", Targets.ratio(0.98, 1.0));
        assertEquals("1.16 ×", Targets.ratio(1.1612, 0.95));
    }
}
