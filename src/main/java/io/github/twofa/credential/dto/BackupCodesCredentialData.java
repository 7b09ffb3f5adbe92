package io.github.twofa.credential.dto;

/**
 * The non-secret part of a backup-code set: how many there were and are, and how they are hashed.
 *
 * @param generatedAt epoch milliseconds when the set was made
 */
public record BackupCodesCredentialData(int total, int remaining, long generatedAt, String algorithm, int iterations) {}
