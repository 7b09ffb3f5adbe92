package io.github.twofa.credential.dto;

import java.util.List;

/** The salt of the set and the hashes of the codes not used yet (Base64). Used codes are removed. */
public record BackupCodesSecretData(String salt, List<String> hashes) {

    public BackupCodesSecretData {
        hashes = List.copyOf(hashes);
    }
}
