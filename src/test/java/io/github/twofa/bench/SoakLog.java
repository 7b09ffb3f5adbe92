package io.github.twofa.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.twofa.it.support.Http;

/**
 * The client side's record of the soak, shared by all its threads: every code sent ({@link SoakAttempt}), one JSON
 * line each in {@code attempts.jsonl} as it happens, and the lockouts the attack saw begin.
 */
final class SoakLog implements AutoCloseable {

    /** A lockout as the attacker saw it: from the answer that said so, for the lockout's configured length. */
    record Lockout(String user, long lockedAt, long endsAt) {}

    private final List<SoakAttempt> attempts = new ArrayList<>();
    private final List<Lockout> lockouts = new ArrayList<>();
    private final BufferedWriter file;

    SoakLog(Path file) throws IOException {
        this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    synchronized void add(SoakAttempt attempt) {
        attempts.add(attempt);
        try {
            file.write(Http.JSON.writeValueAsString(attempt));
            file.newLine();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void lockout(Lockout lockout) {
        lockouts.add(lockout);
    }

    synchronized List<SoakAttempt> attempts() {
        return List.copyOf(attempts);
    }

    synchronized List<Lockout> lockouts() {
        return List.copyOf(lockouts);
    }

    /** A line for the console: how many steady logins so far, and how many of them went wrong. */
    synchronized String progress() {
        long logins = attempts.stream()
                .filter(a -> a.purpose() == SoakAttempt.Purpose.LOGIN)
                .count();
        long failed = attempts.stream()
                .filter(a -> a.purpose() == SoakAttempt.Purpose.LOGIN && a.verdict() != SoakAttempt.Verdict.ACCEPTED)
                .count();
        return String.format(
                Locale.ROOT,
                "%d logins (%d failed), %d attacks, %d lockouts",
                logins,
                failed,
                attempts.size() - logins,
                lockouts.size());
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
