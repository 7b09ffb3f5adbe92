package io.github.twofa.credential.dto;

/**
 * The non-secret part of a TOTP credential: how codes are computed, when possession was proven and when a code of it
 * last signed in.
 *
 * @param verifiedAt epoch milliseconds of the first correct code, when the app was set up
 * @param lastUsedAt epoch milliseconds of the last accepted code (to the minute), or null if none since set-up
 */
public record TotpCredentialData(String algorithm, int digits, int period, long verifiedAt, Long lastUsedAt) {

    public TotpCredentialData(String algorithm, int digits, int period, long verifiedAt) {
        this(algorithm, digits, period, verifiedAt, null);
    }
}
