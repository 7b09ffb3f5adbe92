package io.github.twofa.credential.dto;

/** The secret part of a TOTP credential: only ever the encrypted key and a reference to the key that sealed it. */
public record TotpSecretData(String keyRef, String encryptedSecret) {}
