package io.github.twofa.bench;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.OptionalLong;

import io.github.twofa.bench.SoakAttempt.Purpose;
import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.bench.SoakBrowser.Answer;
import io.github.twofa.bench.SoakBrowser.Code;
import io.github.twofa.it.support.IndependentTotp;

/**
 * The lockout attack on one user of ours, over and over until the soak ends: wrong codes until the extension locks
 * the user out; during the lockout the right code of each new time step, which must be refused; once the lockout has
 * ended, the right code until it is accepted (which also clears the failures before the next round).
 */
final class SoakLockouts implements Runnable {

    private static final LoginKind KIND = LoginKind.TWOFA_TOTP;
    /**
     * Keycloak's brute-force detection (on in the bench realms) locks a user out for a minute when two failures come
     * within a second (its quick-login check); wrong codes further apart leave the lockout to our limit.
     */
    private static final long WRONG_CODE_SPACING_MILLIS = 2_500;
    /** Our limit locks out at 5; the realm's brute-force detection, at 10 failures, must never be reached. */
    private static final int MAX_WRONG_CODES = 7;
    /** Right codes during a lockout stop this long before it ends, and after it start this long after. */
    private static final long MARGIN_MILLIS = 3_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SoakBrowser browser;
    private final BenchUser user;
    private final long lockoutMillis;
    private final SoakLog log;
    private final long deadline;

    SoakLockouts(SoakBrowser browser, BenchUser user, long lockoutMillis, SoakLog log, long deadline) {
        this.browser = browser;
        this.user = user;
        this.lockoutMillis = lockoutMillis;
        this.log = log;
        this.deadline = deadline;
    }

    @Override
    public void run() {
        try {
            while (System.currentTimeMillis() < deadline) {
                OptionalLong lockedAt = lockOut();
                if (lockedAt.isEmpty()) {
                    continue;
                }
                long endsAt = lockedAt.getAsLong() + lockoutMillis;
                log.lockout(new SoakLog.Lockout(user.id(), lockedAt.getAsLong(), endsAt));
                rightCodesDuringLockout(endsAt);
                rightCodeAfterLockout(endsAt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wrong codes, on one code page while it answers, until one is answered with the lockout; when that was. */
    private OptionalLong lockOut() throws InterruptedException {
        Landing page = null;
        for (int sent = 0; sent < MAX_WRONG_CODES && System.currentTimeMillis() < deadline; sent++) {
            long started = System.currentTimeMillis();
            if (page == null) {
                try {
                    page = browser.openCodePage(KIND, user);
                } catch (LoginFailure | IOException e) {
                    log.add(browser.notSent(started, Purpose.WRONG_CODE, KIND, user, e));
                    Thread.sleep(WRONG_CODE_SPACING_MILLIS);
                    continue;
                }
            }
            Thread.sleep(WRONG_CODE_SPACING_MILLIS);
            Code wrong = new Code(wrongCode(), -1, -1);
            Answer answer = browser.sendCode(KIND, page, wrong.value(), SoakBrowser.ANY_NODE);
            log.add(SoakAttempt.answered(started, Purpose.WRONG_CODE, KIND, user.id(), wrong, answer));
            if (answer.verdict() == Verdict.LOCKED) {
                return OptionalLong.of(answer.at());
            }
            page = answer.verdict() == Verdict.REFUSED ? answer.landing() : null;
        }
        return OptionalLong.empty();
    }

    /** The right code of every new time step while the lockout lasts. */
    private void rightCodesDuringLockout(long endsAt) throws InterruptedException {
        while (true) {
            awaitFreshStep();
            if (System.currentTimeMillis() >= Math.min(endsAt - MARGIN_MILLIS, deadline)) {
                return;
            }
            logAndPauseIfUnanswered(
                    browser.logIn(Purpose.DURING_LOCKOUT, KIND, user, this::rightCode, SoakBrowser.ANY_NODE));
        }
    }

    /** After the lockout: the right code, each time step anew, until accepted (or the soak ends). */
    private void rightCodeAfterLockout(long endsAt) throws InterruptedException {
        Thread.sleep(Math.max(0, Math.min(endsAt + MARGIN_MILLIS, deadline) - System.currentTimeMillis()));
        while (true) {
            awaitFreshStep();
            if (System.currentTimeMillis() >= deadline) {
                return;
            }
            SoakAttempt attempt =
                    browser.logIn(Purpose.AFTER_LOCKOUT, KIND, user, this::rightCode, SoakBrowser.ANY_NODE);
            if (attempt.accepted()) {
                log.add(attempt);
                return;
            }
            logAndPauseIfUnanswered(attempt);
        }
    }

    /**
     * Logs the attempt; a login that failed before its code was checked leaves the time step unused, so without a
     * pause the next would follow at once.
     */
    private void logAndPauseIfUnanswered(SoakAttempt attempt) throws InterruptedException {
        log.add(attempt);
        if (attempt.verdict() == Verdict.NOT_SENT || attempt.verdict() == Verdict.ERROR) {
            Thread.sleep(SoakClients.PAUSE_AFTER_FAILURE_MILLIS);
        }
    }

    private Code rightCode() {
        String code = user.useAppCode();
        return new Code(code, user.lastStepUsed(), -1);
    }

    /** Six digits that are not the user's code of any step near now. */
    private String wrongCode() {
        long now = IndependentTotp.currentStep();
        while (true) {
            String guess = String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
            boolean right = false;
            for (long step = now - 2; step <= now + 2; step++) {
                right |= guess.equals(user.appCode(step));
            }
            if (!right) {
                return guess;
            }
        }
    }

    private void awaitFreshStep() throws InterruptedException {
        while (!user.hasFreshAppCode()) {
            Thread.sleep(30_000 - System.currentTimeMillis() % 30_000 + 50);
        }
    }
}
