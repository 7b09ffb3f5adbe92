package io.github.twofa.credential.dto;

import java.util.List;

/**
 * The salt of the set and the hashes of its codes (Base64), in the order the codes were shown. A code is known by its
 * place in this list, which never changes once the set is stored.
 */
public record BackupCodesSecretData(String salt, List<String> hashes) {

    public BackupCodesSecretData {
        hashes = List.copyOf(hashes);
    }
}
