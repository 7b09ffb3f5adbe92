package io.github.twofa.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.crypto.AesGcmCipher;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the domain code on the login path: the TOTP check, the backup-code check (one PBKDF2
 * derivation whatever the number of codes in the set) and the decryption of a stored secret. Not part of the test
 * run; see the README (Development) for the command.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DomainBenchmarks {

    @State(Scope.Benchmark)
    public static class Totp {
        final TotpVerifier verifier = new TotpVerifier(TotpParameters.DEFAULT);
        final TotpSecret secret = TotpSecret.generate();
        final long now = System.currentTimeMillis() / 1000;
        String right;
        String wrong;

        @Setup
        public void codes() {
            right = verifier.codeAt(secret, TotpParameters.DEFAULT.stepAt(now));
            wrong = right.equals("000000") ? "000001" : "000000";
        }
    }

    @State(Scope.Benchmark)
    public static class BackupCodes {
        @Param({"1", "10", "20"})
        public int codesInSet;

        final byte[] salt = BackupCodeHasher.newSalt();
        final List<byte[]> stored = new ArrayList<>();
        String lastCode;

        @Setup
        public void set() {
            for (String code : BackupCodeFormat.generate(codesInSet)) {
                stored.add(BackupCodeHasher.hash(code, salt, BackupCodePolicy.DEFAULT_ITERATIONS));
                lastCode = code;
            }
        }
    }

    @State(Scope.Benchmark)
    public static class SealedSecret {
        final SecretKey key = new SecretKeySpec(randomBytes(32), "AES");
        final byte[] owner = "realm-id/user-id".getBytes(StandardCharsets.UTF_8);
        String ciphertext;

        @Setup
        public void seal() {
            ciphertext = AesGcmCipher.encrypt(TotpSecret.generate().bytes(), key, owner);
        }
    }

    /** A right code, found in the middle of the ±1 window. */
    @Benchmark
    public OptionalLong totpCheckRightCode(Totp state) {
        return state.verifier.matchingStep(state.secret, state.right, state.now);
    }

    /** A wrong code: all three steps of the window are computed. */
    @Benchmark
    public OptionalLong totpCheckWrongCode(Totp state) {
        return state.verifier.matchingStep(state.secret, state.wrong, state.now);
    }

    /** The last code of the set: one derivation, then a constant-time comparison with every stored hash. */
    @Benchmark
    public OptionalInt backupCodeCheck(BackupCodes state) {
        byte[] derived = BackupCodeHasher.hash(state.lastCode, state.salt, BackupCodePolicy.DEFAULT_ITERATIONS);
        return BackupCodeHasher.indexOf(derived, state.stored);
    }

    /**
     * The derivation alone as the JDK's {@code PBKDF2WithHmacSHA256} computes it (a full HMAC per iteration), for
     * comparison with {@link BackupCodeHasher#hash}, which hashes the HMAC key's pads once.
     */
    @Benchmark
    public byte[] jdkPbkdf2Derivation(BackupCodes state) throws GeneralSecurityException {
        PBEKeySpec spec =
                new PBEKeySpec(state.lastCode.toCharArray(), state.salt, BackupCodePolicy.DEFAULT_ITERATIONS, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(spec)
                .getEncoded();
    }

    @Benchmark
    public byte[] secretDecryption(SealedSecret state) {
        return AesGcmCipher.decrypt(state.ciphertext, state.key, state.owner);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
