package io.github.twofa.credential.dto;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The salt of the set and the hashes of the codes not used yet (Base64). Used codes are removed. */
public class BackupCodesSecretData {

    private final String salt;
    private final List<String> hashes;

    @JsonCreator
    public BackupCodesSecretData(@JsonProperty("salt") String salt, @JsonProperty("hashes") List<String> hashes) {
        this.salt = salt;
        this.hashes = List.copyOf(hashes);
    }

    public String getSalt() {
        return salt;
    }

    public List<String> getHashes() {
        return hashes;
    }
}
