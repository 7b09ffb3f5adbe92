package io.github.twofa.credential.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The non-secret part of a backup-code set: how many there were and are, and how they are hashed. */
public class BackupCodesCredentialData {

    private final int total;
    private final int remaining;
    private final long generatedAt;
    private final String algorithm;
    private final int iterations;

    @JsonCreator
    public BackupCodesCredentialData(@JsonProperty("total") int total,
                                     @JsonProperty("remaining") int remaining,
                                     @JsonProperty("generatedAt") long generatedAt,
                                     @JsonProperty("algorithm") String algorithm,
                                     @JsonProperty("iterations") int iterations) {
        this.total = total;
        this.remaining = remaining;
        this.generatedAt = generatedAt;
        this.algorithm = algorithm;
        this.iterations = iterations;
    }

    public int getTotal() {
        return total;
    }

    public int getRemaining() {
        return remaining;
    }

    /** Epoch milliseconds when the set was made. */
    public long getGeneratedAt() {
        return generatedAt;
    }

    public String getAlgorithm() {
        return algorithm;
    }

    public int getIterations() {
        return iterations;
    }
}
