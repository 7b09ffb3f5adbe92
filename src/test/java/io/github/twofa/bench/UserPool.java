package io.github.twofa.bench;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Hands users to clients, each user to one client at a time and only when they can log in. Both servers refuse a
 * code of a time step already used, so an app-code user logs in at most once per 30-second step: when every idle
 * user has used the current step, a client waits for the next one (and the wait is reported). A backup-code user
 * can log in while they have a spare code; when none has, the pool is exhausted.
 */
final class UserPool {

    /** A user handed to a client, and how long the client had to wait for one (0 when one was ready). */
    record Lease(BenchUser user, long waitedNanos) {}

    private static final long STEP_MILLIS = 30_000;

    private final ArrayDeque<BenchUser> idle;
    private final Predicate<BenchUser> canLogIn;
    private final Predicate<BenchUser> canLogInAgain;
    private final boolean freshCodesComeWithTime;
    private int leased;

    private UserPool(
            Collection<BenchUser> users,
            Predicate<BenchUser> canLogIn,
            Predicate<BenchUser> canLogInAgain,
            boolean freshCodesComeWithTime) {
        this.idle = new ArrayDeque<>(users);
        this.canLogIn = canLogIn;
        this.canLogInAgain = canLogInAgain;
        this.freshCodesComeWithTime = freshCodesComeWithTime;
    }

    static UserPool forAppCodes(Collection<BenchUser> users) {
        return new UserPool(users, BenchUser::hasFreshAppCode, user -> true, true);
    }

    static UserPool forBackupCodes(Collection<BenchUser> users) {
        return new UserPool(
                users.stream().filter(BenchUser::hasSpareBackupCode).toList(),
                user -> true,
                BenchUser::hasSpareBackupCode,
                false);
    }

    /** A user who can log in now, waiting if need be; empty when there is none before the deadline, or none left. */
    synchronized Optional<Lease> take(long deadlineNanos) throws InterruptedException {
        long start = System.nanoTime();
        boolean waited = false;
        while (true) {
            Optional<BenchUser> ready = pollReady();
            if (ready.isPresent()) {
                leased++;
                return Optional.of(new Lease(ready.get(), waited ? System.nanoTime() - start : 0));
            }
            long now = System.nanoTime();
            boolean exhausted = !freshCodesComeWithTime && leased == 0;
            if (exhausted || now >= deadlineNanos) {
                return Optional.empty();
            }
            long untilDeadline = Math.max(1, (deadlineNanos - now) / 1_000_000);
            long untilNextStep = STEP_MILLIS - System.currentTimeMillis() % STEP_MILLIS + 1;
            waited = true;
            wait(freshCodesComeWithTime ? Math.min(untilDeadline, untilNextStep) : untilDeadline);
        }
    }

    /** Gives a user back after a login, whether it worked or not. */
    synchronized void release(BenchUser user) {
        leased--;
        if (canLogInAgain.test(user)) {
            idle.addLast(user);
        }
        notifyAll();
    }

    /** Whether the pool has run out for good (backup codes: every spare code used). */
    synchronized boolean isExhausted() {
        return !freshCodesComeWithTime && leased == 0 && idle.isEmpty();
    }

    /** The least recently used user who can log in; users come back roughly in the order they were used. */
    private Optional<BenchUser> pollReady() {
        for (Iterator<BenchUser> it = idle.iterator(); it.hasNext(); ) {
            BenchUser user = it.next();
            if (canLogIn.test(user)) {
                it.remove();
                return Optional.of(user);
            }
        }
        return Optional.empty();
    }
}
