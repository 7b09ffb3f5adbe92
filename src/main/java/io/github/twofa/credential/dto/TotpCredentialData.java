package io.github.twofa.credential.dto;

/**
 * The non-secret part of a TOTP credential: how codes are computed and when possession was proven.
 *
 * @param verifiedAt epoch milliseconds of the first correct code, when 2FA became enabled
 */
public record TotpCredentialData(String algorithm, int digits, int period, long verifiedAt) {}
