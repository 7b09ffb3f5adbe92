package io.github.twofa.credential.dto;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * The non-secret part of a backup-code set: how many codes it was made with and stores, and how they are hashed.
 * Which codes are used is kept apart (the extension's table of used codes), so none of this changes after the set is
 * stored.
 *
 * @param stored      how many hashes the set stores: {@code total}, except in sets used before used codes were kept
 *                    apart, which dropped a used code's hash (and called this "remaining")
 * @param generatedAt epoch milliseconds when the set was made
 */
public record BackupCodesCredentialData(
        int total, @JsonAlias("remaining") int stored, long generatedAt, String algorithm, int iterations) {}
