package io.github.twofa.bench;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.crypto.KeyRing;
import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.security.SecretProtector;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.RealmModel;

/**
 * The second-factor credentials the benchmark imports, as the servers store them: Keycloak's {@code otp}, and ours
 * made by the extension's own classes (the TOTP key sealed with the server's key, bound to realm and user id; one
 * set of backup codes hashed once and given to every user, each user using up their own copy).
 */
final class SecondFactorCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh value for the servers' encryption-keys option: one random 256-bit key, id "bench". */
    static String randomEncryptionKeys() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "bench:" + Base64.getEncoder().encodeToString(key);
    }

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecretProtector protector;
    private final List<String> backupCodes = BackupCodeFormat.generate(BackupCodePolicy.DEFAULT_COUNT);
    private final Map<String, Object> backupCodesCredential;

    /**
     * @param encryptionKeys       the server's option encryption-keys, so that it can open what is sealed here
     * @param backupCodeIterations PBKDF2 iterations of the backup codes (stored with them, so the server uses them)
     */
    SecondFactorCredentials(String encryptionKeys, int backupCodeIterations) {
        this.protector = new SecretProtector(KeyRing.parse(encryptionKeys));
        this.backupCodesCredential =
                representation(BackupCodesCredentialModel.create(backupCodes, backupCodeIterations));
    }

    /** A secret as Keycloak's OTP set-up makes one: 20 letters and digits, whose UTF-8 bytes are the HMAC key. */
    static String newBuiltinOtpSecret() {
        StringBuilder secret = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            secret.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return secret.toString();
    }

    static byte[] builtinOtpKey(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Keycloak's OTPCredentialModel.createTOTP(secret, 6, 30, "HmacSHA1"), the realm's default OTP policy. */
    static Map<String, Object> builtinOtp(String secret) {
        return Map.of(
                "type", "otp",
                "userLabel", "Authenticator app",
                "createdDate", System.currentTimeMillis(),
                "credentialData",
                        "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}",
                "secretData", "{\"value\":\"" + secret + "\"}");
    }

    static byte[] newTotpKey() {
        return TotpSecret.generate().bytes();
    }

    /** Our TOTP credential of the user with {@code userId} in the realm with {@code realmId}. */
    Map<String, Object> ourTotp(String realmId, String userId, byte[] key) {
        String credentialId = UUID.randomUUID().toString();
        ProtectedSecret sealed = protector.seal(
                null,
                withId(RealmModel.class, realmId),
                SecretBinding.totpCredential(realmId, userId, credentialId),
                key);
        Map<String, Object> credential = new LinkedHashMap<>(Map.of("id", credentialId));
        credential.putAll(representation(
                TotpCredentialModel.create(TotpParameters.DEFAULT, sealed, TotpCredentialProvider.DEFAULT_LABEL)));
        return credential;
    }

    Map<String, Object> ourBackupCodes() {
        return backupCodesCredential;
    }

    /** The backup codes every user of our realm has, in canonical form. */
    List<String> backupCodes() {
        return backupCodes;
    }

    private static Map<String, Object> representation(CredentialModel model) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("type", model.getType());
        if (model.getUserLabel() != null) {
            credential.put("userLabel", model.getUserLabel());
        }
        credential.put("createdDate", model.getCreatedDate());
        credential.put("credentialData", model.getCredentialData());
        credential.put("secretData", model.getSecretData());
        return credential;
    }

    /** With a server key, sealing reads only the realm's and user's ids (the associated data); nothing else is needed. */
    private static <T> T withId(Class<T> type, String id) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("getId")) {
                return id;
            }
            throw new UnsupportedOperationException(method.getName());
        }));
    }
}
