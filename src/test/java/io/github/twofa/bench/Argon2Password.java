package io.github.twofa.bench;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.Http;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A password credential as Keycloak 26.7.3 stores it with its default hash (argon2id, version 1.3, 7168 KiB,
 * 5 iterations, parallelism 1, 32 bytes; Argon2PasswordHashProvider), hashed here once with the same BouncyCastle
 * generator and imported for every user. The parameters must equal the realm policy's, or Keycloak would re-hash
 * the password at each user's first login and the benchmark would time that instead.
 */
final class Argon2Password {

    private static final int HASH_LENGTH = 32;
    private static final int MEMORY_KIB = 7168;
    private static final int ITERATIONS = 5;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;

    private Argon2Password() {}

    /** The credential representation (type {@code password}) of {@code password} with a fresh salt. */
    static Map<String, Object> credential(String password) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withParallelism(PARALLELISM)
                .withMemoryAsKB(MEMORY_KIB)
                .withIterations(ITERATIONS)
                .build());
        byte[] hash = new byte[HASH_LENGTH];
        generator.generateBytes(password.toCharArray(), hash);
        // Keycloak writes credentialData and secretData with these field names (PasswordCredentialData,
        // PasswordSecretData).
        Map<String, Object> credentialData = Map.of(
                "hashIterations",
                ITERATIONS,
                "algorithm",
                "argon2",
                "additionalParameters",
                Map.of(
                        "hashLength", List.of(String.valueOf(HASH_LENGTH)),
                        "memory", List.of(String.valueOf(MEMORY_KIB)),
                        "type", List.of("id"),
                        "version", List.of("1.3"),
                        "parallelism", List.of(String.valueOf(PARALLELISM))));
        Map<String, Object> secretData = Map.of(
                "value", Base64.getEncoder().encodeToString(hash),
                "salt", Base64.getEncoder().encodeToString(salt),
                "additionalParameters", Map.of());
        return Map.of(
                "type", "password",
                "createdDate", System.currentTimeMillis(),
                "credentialData", Http.JSON.valueToTree(credentialData).toString(),
                "secretData", Http.JSON.valueToTree(secretData).toString());
    }
}
