package io.github.twofa.bench;

import static io.github.twofa.bench.SoakChecks.format;
import static io.github.twofa.bench.SoakCredentialChecks.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.bench.SoakAttempt.Purpose;
import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.bench.SoakChecks.Check;
import io.github.twofa.bench.SoakDatabase.Event;
import io.github.twofa.bench.SoakLog.Lockout;
import org.keycloak.events.Details;

/**
 * The soak's verdict on lockouts: while a user is locked out no code of theirs is accepted (by the clients' log and
 * by the events), each lockout the attacker saw is in the events, and once a lockout is over the right code works.
 */
final class SoakLockoutChecks {

    /** How far apart the attacker's clock and the event's time may be for the same lockout. */
    private static final long EVENT_SLACK_MILLIS = 30_000;
    /** The server counts in whole seconds: a lockout may end up to a second before the attacker's reckoning. */
    private static final long ROUNDING_MILLIS = 1_000;

    private final SoakRun run;
    private final List<Event> lockoutEvents;

    SoakLockoutChecks(SoakRun run) {
        this.run = run;
        this.lockoutEvents = run.events().stream()
                .filter(e -> e.type().equals("USER_DISABLED_BY_TEMPORARY_LOCKOUT")
                        && AuditEvents.ATTEMPT_LIMIT_REASON.equals(e.detail(Details.REASON)))
                .toList();
    }

    List<Check> checks() {
        return List.of(lockoutsHonoured(), lockoutsInEvents(), lockoutsEnd());
    }

    /** By the clients' log: no wrong code accepted, and nothing accepted for a locked-out user during the lockout. */
    private Check lockoutsHonoured() {
        List<String> problems = new ArrayList<>();
        run.attempts(Purpose.WRONG_CODE).stream()
                .filter(SoakAttempt::accepted)
                .forEach(a -> problems.add(a.user() + ": a wrong code accepted"));
        for (Lockout lockout : run.lockouts()) {
            run.attempts().stream()
                    .filter(a -> a.user().equals(lockout.user())
                            && a.accepted()
                            && a.answered() >= lockout.lockedAt()
                            && a.answered() < lockout.endsAt() - ROUNDING_MILLIS)
                    .forEach(a -> problems.add(a.user() + ": a code accepted "
                            + (a.answered() - lockout.lockedAt()) / 1000 + " s into a lockout"));
        }
        List<SoakAttempt> during = run.attempts(Purpose.DURING_LOCKOUT);
        return new Check(
                "Every lockout honoured (client log)",
                problems.isEmpty(),
                true,
                format(
                        "%d lockouts after %d wrong codes; right codes sent during them: %s%s",
                        run.lockouts().size(),
                        run.attempts(Purpose.WRONG_CODE).size(),
                        SoakChecks.verdicts(during),
                        problems.isEmpty() ? "" : "; " + summary(problems)));
    }

    /**
     * By the events: every lockout the attacker saw has its event, and after each lockout event no login of that
     * user until the lockout's end.
     */
    private Check lockoutsInEvents() {
        List<String> problems = new ArrayList<>();
        for (Lockout lockout : run.lockouts()) {
            boolean recorded = lockoutEvents.stream()
                    .anyMatch(e -> lockout.user().equals(e.user())
                            && Math.abs(e.time() - lockout.lockedAt()) <= EVENT_SLACK_MILLIS);
            if (!recorded) {
                problems.add(lockout.user() + ": no event for the lockout at " + lockout.lockedAt());
            }
        }
        for (Event lockout : lockoutEvents) {
            long ends = lockout.time() + Long.parseLong(lockout.detail(AuditEvents.LOCKOUT_SECONDS)) * 1000;
            run.events().stream()
                    .filter(e -> e.type().equals("LOGIN")
                            && lockout.user().equals(e.user())
                            && e.time() > lockout.time()
                            && e.time() < ends - ROUNDING_MILLIS)
                    .forEach(e -> problems.add(
                            lockout.user() + ": LOGIN " + (e.time() - lockout.time()) / 1000 + " s into a lockout"));
        }
        long ofOthers = lockoutEvents.stream()
                .filter(e -> !run.lockoutUsers().contains(e.user()))
                .count();
        return new Check(
                "Every lockout honoured (events)",
                problems.isEmpty(),
                true,
                format(
                        "%d lockout events (%d of users not attacked); %s",
                        lockoutEvents.size(),
                        ofOthers,
                        problems.isEmpty()
                                ? "each lockout seen has its event, no login during any"
                                : summary(problems)));
    }

    /** Once a lockout is over, the first clear answer to the right code is an acceptance. */
    private Check lockoutsEnd() {
        int over = 0;
        int worked = 0;
        List<String> problems = new ArrayList<>();
        for (Lockout lockout : run.lockouts()) {
            Optional<SoakAttempt> first = run.attempts(Purpose.AFTER_LOCKOUT).stream()
                    .filter(a -> a.user().equals(lockout.user()) && a.started() >= lockout.endsAt())
                    .filter(a -> a.verdict() != Verdict.ERROR && a.verdict() != Verdict.NOT_SENT)
                    .findFirst();
            if (first.isEmpty()) {
                continue;
            }
            over++;
            if (first.get().accepted()) {
                worked++;
            } else {
                problems.add(
                        lockout.user() + ": " + first.get().verdict().name().toLowerCase(Locale.ROOT) + " "
                                + (first.get().started() - lockout.endsAt()) / 1000 + " s after the lockout's end");
            }
        }
        return new Check(
                "A right code works once a lockout is over",
                problems.isEmpty(),
                true,
                format(
                        "%d lockouts over before the end; the right code worked at the first try after %d%s",
                        over, worked, problems.isEmpty() ? "" : "; " + summary(problems)));
    }
}
