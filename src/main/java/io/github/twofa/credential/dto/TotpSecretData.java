package io.github.twofa.credential.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The secret part of a TOTP credential: only ever the encrypted key and a reference to the key that sealed it. */
public class TotpSecretData {

    private final String keyRef;
    private final String encryptedSecret;

    @JsonCreator
    public TotpSecretData(@JsonProperty("keyRef") String keyRef,
                          @JsonProperty("encryptedSecret") String encryptedSecret) {
        this.keyRef = keyRef;
        this.encryptedSecret = encryptedSecret;
    }

    public String getKeyRef() {
        return keyRef;
    }

    public String getEncryptedSecret() {
        return encryptedSecret;
    }
}
