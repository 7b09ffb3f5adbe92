package io.github.twofa.credential.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The non-secret part of a TOTP credential: how codes are computed and when possession was proven. */
public class TotpCredentialData {

    private final String algorithm;
    private final int digits;
    private final int period;
    private final long verifiedAt;

    @JsonCreator
    public TotpCredentialData(@JsonProperty("algorithm") String algorithm,
                              @JsonProperty("digits") int digits,
                              @JsonProperty("period") int period,
                              @JsonProperty("verifiedAt") long verifiedAt) {
        this.algorithm = algorithm;
        this.digits = digits;
        this.period = period;
        this.verifiedAt = verifiedAt;
    }

    public String getAlgorithm() {
        return algorithm;
    }

    public int getDigits() {
        return digits;
    }

    public int getPeriod() {
        return period;
    }

    /** Epoch milliseconds of the first correct code, when 2FA became enabled. */
    public long getVerifiedAt() {
        return verifiedAt;
    }
}
