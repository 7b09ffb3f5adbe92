package io.github.twofa.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import io.github.twofa.bench.SoakAttempt.Purpose;
import io.github.twofa.bench.SoakBrowser.Code;

/**
 * The soak's steady logins: each client logs in one user after the other, taking turns between our app code, our
 * backup code and Keycloak's built-in OTP, each user in one client's hands at a time ({@link UserPool}). Now and then
 * a client sends a code of ours that was just accepted again, in a new login through the other node: the replay
 * attack, which must be refused.
 */
final class SoakClients implements Runnable {

    /** Half app codes, a quarter each backup codes and built-in OTP. */
    private static final List<LoginKind> TURNS =
            List.of(LoginKind.TWOFA_TOTP, LoginKind.TWOFA_BACKUP_CODE, LoginKind.TWOFA_TOTP, LoginKind.BUILTIN_OTP);

    private static final long TAKE_TIMEOUT_MILLIS = 1_000;
    /**
     * After a failed login a client waits, as a person reads the error before trying again; without the pause a node
     * answering errors at once (503 while it starts) would be asked hundreds of times a second.
     */
    static final long PAUSE_AFTER_FAILURE_MILLIS = 1_000;

    private final SoakBrowser browser;
    private final int firstTurn;
    private final Map<LoginKind, UserPool> pools;
    private final List<String> backupCodes;
    private final double replayShare;
    private final SoakLog log;
    private final long deadline;

    /**
     * @param backupCodes every user's printed list of backup codes (the same for all, see {@link UserImport})
     * @param deadline    when to stop (epoch milliseconds); a login under way is finished
     */
    SoakClients(
            SoakBrowser browser,
            int firstTurn,
            Map<LoginKind, UserPool> pools,
            List<String> backupCodes,
            double replayShare,
            SoakLog log,
            long deadline) {
        this.browser = browser;
        this.firstTurn = firstTurn;
        this.pools = pools;
        this.backupCodes = backupCodes;
        this.replayShare = replayShare;
        this.log = log;
        this.deadline = deadline;
    }

    @Override
    public void run() {
        try {
            for (int turn = firstTurn; System.currentTimeMillis() < deadline; turn++) {
                SoakAttempt attempt = logInOnce(TURNS.get(turn % TURNS.size()));
                if (attempt != null && attempt.verdict() != SoakAttempt.Verdict.ACCEPTED) {
                    Thread.sleep(PAUSE_AFTER_FAILURE_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One login of a user of {@code kind} (and maybe its replay); null when no such user could log in just now. */
    SoakAttempt logInOnce(LoginKind kind) throws InterruptedException {
        UserPool pool = pools.get(kind);
        Optional<UserPool.Lease> lease =
                pool.take(System.nanoTime() + Math.min(TAKE_TIMEOUT_MILLIS, millisLeft()) * 1_000_000);
        if (lease.isEmpty()) {
            return null;
        }
        BenchUser user = lease.get().user();
        try {
            AtomicReference<Code> typed = new AtomicReference<>();
            SoakAttempt attempt = browser.logIn(
                    Purpose.LOGIN,
                    kind,
                    user,
                    () -> {
                        typed.set(nextCode(kind, user));
                        return typed.get();
                    },
                    SoakBrowser.ANY_NODE);
            log.add(attempt);
            if (attempt.accepted()
                    && kind != LoginKind.BUILTIN_OTP
                    && ThreadLocalRandom.current().nextDouble() < replayShare) {
                log.add(browser.logIn(Purpose.REPLAY, kind, user, typed::get, browser.otherNode(attempt.codeNode())));
            }
            return attempt;
        } finally {
            pool.release(user);
        }
    }

    /** The user's next code of {@code kind}, from now on used up. */
    private Code nextCode(LoginKind kind, BenchUser user) {
        if (kind == LoginKind.TWOFA_BACKUP_CODE) {
            String code = user.useBackupCode();
            return new Code(code, -1, backupCodes.indexOf(code));
        }
        String code = user.useAppCode();
        return new Code(code, user.lastStepUsed(), -1);
    }

    private long millisLeft() {
        return Math.max(1, deadline - System.currentTimeMillis());
    }
}
