package io.github.twofa.credential.dto;

import java.util.List;

/**
 * The non-secret part of a TOTP credential: how codes are computed, when possession was proven, when a code of it
 * last signed in, and which time step its recent codes matched.
 *
 * @param verifiedAt epoch milliseconds of the first correct code, when the app was set up
 * @param lastUsedAt epoch milliseconds of the last accepted code (to the minute), or null if none since set-up
 * @param recentStepOffsets the steps the last accepted codes matched, relative to the server's (-1, 0, +1; oldest
 *     first, see {@link io.github.twofa.totp.ClockDrift}); empty if none recorded (also when stored before they were)
 */
public record TotpCredentialData(
        String algorithm, int digits, int period, long verifiedAt, Long lastUsedAt, List<Integer> recentStepOffsets) {

    public TotpCredentialData {
        // Compared at every login to tell whether the offsets changed: none stored and none recorded are the same.
        recentStepOffsets = recentStepOffsets == null ? List.of() : List.copyOf(recentStepOffsets);
    }

    public TotpCredentialData(String algorithm, int digits, int period, long verifiedAt) {
        this(algorithm, digits, period, verifiedAt, null, null);
    }
}
