package io.github.twofa.bench;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.bench.SoakAttempt.Purpose;
import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.bench.SoakDatabase.Event;

/**
 * The soak's verdict on single use: no app code accepted twice, by the clients' log and by the server's events, and
 * every replay refused. The credentials and the lockouts have checks of their own ({@link SoakCredentialChecks},
 * {@link SoakLockoutChecks}).
 */
final class SoakChecks {

    /**
     * One finding.
     *
     * @param required whether a failure fails the soak; otherwise it is an observation, reported only
     */
    record Check(String name, boolean passed, boolean required, String detail) {}

    private static final long STEP_MILLIS = 30_000;

    private final SoakRun run;

    private SoakChecks(SoakRun run) {
        this.run = run;
    }

    /** Every check of the soak, single use first. */
    static List<Check> of(SoakRun run) {
        SoakChecks singleUse = new SoakChecks(run);
        List<Check> checks = new ArrayList<>(List.of(
                singleUse.noAppCodeAcceptedTwice(), singleUse.everyReplayRefused(), singleUse.eventsShowNoReuse()));
        checks.addAll(new SoakCredentialChecks(run).checks());
        checks.addAll(new SoakLockoutChecks(run).checks());
        checks.add(singleUse.rightCodesOfOursAccepted());
        return checks;
    }

    private Check noAppCodeAcceptedTwice() {
        Map<String, Long> acceptances = run.attempts().stream()
                .filter(a -> a.kind() == LoginKind.TWOFA_TOTP && a.isAppCode() && a.accepted())
                .collect(groupingBy(a -> a.user() + "@" + a.step(), counting()));
        long twice = acceptances.values().stream().filter(n -> n > 1).count();
        return new Check(
                "No app code accepted twice (client log)",
                twice == 0,
                true,
                format("%d app codes of ours accepted, %d of them more than once", acceptances.size(), twice));
    }

    private Check everyReplayRefused() {
        List<SoakAttempt> replays = run.attempts(Purpose.REPLAY);
        long accepted = replays.stream().filter(SoakAttempt::accepted).count();
        long appCodes = replays.stream().filter(SoakAttempt::isAppCode).count();
        long otherNode = replays.stream().filter(this::answeredByTheOtherNode).count();
        return new Check(
                "Every replayed code refused",
                accepted == 0,
                true,
                format(
                        "%d replays (%d app codes, %d backup codes), %d answered by the other node than the first"
                                + " use; %s",
                        replays.size(), appCodes, replays.size() - appCodes, otherNode, verdicts(replays)));
    }

    /** Whether the replay's code went to another node than the login that used it. */
    private boolean answeredByTheOtherNode(SoakAttempt replay) {
        return run.attempts(Purpose.LOGIN).stream()
                .filter(a -> a.accepted()
                        && a.user().equals(replay.user())
                        && a.step() == replay.step()
                        && a.backupCode() == replay.backupCode())
                .anyMatch(first -> first.codeNode() != null && !first.codeNode().equals(replay.codeNode()));
    }

    /**
     * From the events: a user has no more app-code logins than distinct codes the clients sent, and no two in one
     * 30-second step unless the clients saw two codes accepted in that step (one sent just before its end).
     */
    private Check eventsShowNoReuse() {
        List<Event> logins = run.events().stream()
                .filter(e -> e.type().equals("LOGIN")
                        && AuditEvents.FACTOR_APP_CODE.equals(e.detail(AuditEvents.SECOND_FACTOR)))
                .toList();
        List<SoakAttempt> appCodes = run.attempts().stream()
                .filter(a -> a.kind() == LoginKind.TWOFA_TOTP && a.isAppCode() && a.verdict() != Verdict.NOT_SENT)
                .toList();
        Map<String, Set<Long>> stepsSent =
                appCodes.stream().collect(groupingBy(SoakAttempt::user, mapping(SoakAttempt::step, toSet())));
        Map<String, Long> eventsPerUser = logins.stream().collect(groupingBy(Event::user, counting()));
        long usersOver = eventsPerUser.entrySet().stream()
                .filter(e -> e.getValue()
                        > stepsSent.getOrDefault(e.getKey(), Set.of()).size())
                .count();
        Map<String, Long> seenPerStep = appCodes.stream()
                .filter(SoakAttempt::accepted)
                .collect(groupingBy(a -> a.user() + "@" + a.answered() / STEP_MILLIS, counting()));
        long stepsOver = logins.stream()
                .collect(groupingBy(e -> e.user() + "@" + e.time() / STEP_MILLIS, counting()))
                .entrySet()
                .stream()
                .filter(e -> e.getValue() > Math.max(1, seenPerStep.getOrDefault(e.getKey(), 0L)))
                .count();
        long seenAccepted = appCodes.stream().filter(SoakAttempt::accepted).count();
        return new Check(
                "No app code accepted twice (events)",
                usersOver == 0 && stepsOver == 0,
                true,
                format(
                        "%d LOGIN events with an app code (the clients saw %d accepted); %d users with more such"
                                + " logins than codes sent, %d user-steps with more than one",
                        logins.size(), seenAccepted, usersOver, stepsOver));
    }

    /** An observation: right codes of ours in steady logins that were answered other than with acceptance. */
    private Check rightCodesOfOursAccepted() {
        List<SoakAttempt> ours = run.attempts(Purpose.LOGIN).stream()
                .filter(a -> a.kind() != LoginKind.BUILTIN_OTP && !a.accepted())
                .filter(a ->
                        a.verdict() == Verdict.REFUSED || a.verdict() == Verdict.LOCKED || a.verdict() == Verdict.BUSY)
                .toList();
        return new Check(
                "Right codes of ours never refused",
                ours.isEmpty(),
                false,
                ours.isEmpty() ? "none refused, locked or busy" : verdicts(ours));
    }

    /** "refused 3, error 1" */
    static String verdicts(List<SoakAttempt> attempts) {
        Map<Verdict, Long> counts = attempts.stream().collect(groupingBy(SoakAttempt::verdict, counting()));
        List<String> parts = new ArrayList<>();
        for (Verdict verdict : Verdict.values()) {
            if (counts.containsKey(verdict)) {
                parts.add(verdict.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + counts.get(verdict));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    static String format(String template, Object... values) {
        return String.format(Locale.ROOT, template, values);
    }
}
