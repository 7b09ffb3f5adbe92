package io.github.twofa.totp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which time step the user's recent accepted codes matched, relative to the server's: 0 for the current step, -1 for
 * the one before (the phone's clock is behind), +1 for the one after (ahead). Codes that keep matching a neighbouring
 * step mean the phone's clock is off by about a period; a little more and its codes fail. The accepted window stays
 * +-1 step (RFC 6238 §5.2 advises against widening it silently): the drift is reported so the user can fix the clock.
 */
public final class ClockDrift {

    /** How many accepted codes in a row must agree before the drift is reported. */
    public static final int CODES_IN_A_ROW = 3;

    private ClockDrift() {}

    /**
     * The recent offsets with {@code offset} added, oldest dropped, at most {@link #CODES_IN_A_ROW}. A code of the
     * current step after nothing but such codes changes nothing: none, one or three zeros all say "no drift", and
     * keeping the list as it was spares the login a write.
     */
    public static List<Integer> record(List<Integer> recent, int offset) {
        if (offset == 0 && (recent == null || recent.stream().allMatch(earlier -> earlier == 0))) {
            return recent == null ? List.of() : List.copyOf(recent);
        }
        List<Integer> updated = new ArrayList<>(recent == null ? List.of() : recent);
        updated.add(offset);
        while (updated.size() > CODES_IN_A_ROW) {
            updated.remove(0);
        }
        return List.copyOf(updated);
    }

    /**
     * The phone's clock drift in seconds (negative: behind), when the last {@link #CODES_IN_A_ROW} codes all matched the
     * same neighbouring step; empty otherwise (a code of the current step clears it).
     */
    public static OptionalInt seconds(List<Integer> recent, int period) {
        if (recent == null || recent.size() < CODES_IN_A_ROW) {
            return OptionalInt.empty();
        }
        int first = recent.get(0);
        boolean agree = recent.stream().allMatch(offset -> offset == first);
        return agree && first != 0 ? OptionalInt.of(first * period) : OptionalInt.empty();
    }
}
