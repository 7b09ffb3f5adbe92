package io.github.twofa.bench;

import static io.github.twofa.bench.SoakChecks.format;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.bench.SoakChecks.Check;
import io.github.twofa.bench.SoakDatabase.Credential;
import io.github.twofa.credential.BackupCodesCredentialModel;

/**
 * The soak's verdict on the stored credentials: every user still has the very credentials they were imported with
 * (no app or backup-code set lost, doubled or replaced), and each set of backup codes holds exactly the codes that
 * were never accepted: a code a client saw accepted is gone, a code never accepted is still there.
 */
final class SoakCredentialChecks {

    private final SoakRun run;

    SoakCredentialChecks(SoakRun run) {
        this.run = run;
    }

    List<Check> checks() {
        return List.of(credentialsKept(), backupCodesAsSeen(), backupCodeEventsAgree());
    }

    /** Every user of both realms: the same credentials (by id and stored secret) at the end as after the import. */
    private Check credentialsKept() {
        List<String> problems = new ArrayList<>();
        compare(run.oursBefore(), run.oursAfter(), problems);
        compare(run.builtinBefore(), run.builtinAfter(), problems);
        return new Check(
                "No credential lost, doubled or replaced",
                problems.isEmpty(),
                true,
                format(
                        "%d users of ours (app + backup-code set each), %d with built-in OTP; %s",
                        run.oursBefore().size(),
                        run.builtinBefore().size(),
                        problems.isEmpty() ? "all as imported" : summary(problems)));
    }

    private static void compare(
            Map<String, List<Credential>> before, Map<String, List<Credential>> after, List<String> problems) {
        before.forEach((user, imported) -> {
            List<Credential> now = after.getOrDefault(user, List.of());
            for (Credential credential : imported) {
                List<Credential> sameType = now.stream()
                        .filter(c -> c.type().equals(credential.type()))
                        .toList();
                if (sameType.size() != 1) {
                    problems.add(user + " has " + sameType.size() + " " + credential.type());
                } else if (!sameType.get(0).id().equals(credential.id())) {
                    problems.add(user + ": " + credential.type() + " replaced");
                } else if (!credential.type().equals("password")
                        && !sameType.get(0).secretDigest().equals(credential.secretDigest())) {
                    // A backup-code set too: its used codes are recorded apart, so its stored hashes never change.
                    problems.add(user + ": " + credential.type() + " secret changed");
                }
            }
            if (now.size() != imported.size()) {
                problems.add(user + " has " + now.size() + " credentials, was imported with " + imported.size());
            }
        });
    }

    /**
     * Each backup-code set against the clients' log: accepted codes gone (none revived), codes never accepted still
     * there (none lost), the stated count matching the stored hashes and the used ones recorded matching the codes gone. A code whose answer was lost may be either.
     */
    private Check backupCodesAsSeen() {
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        int unanswered = 0;
        int unansweredUsed = 0;
        for (Map.Entry<String, List<Credential>> user : run.oursAfter().entrySet()) {
            Optional<Credential> set = backupCodeSet(user.getValue());
            if (set.isEmpty()) {
                continue;
            }
            Set<Integer> left = set.get().backupCodesLeft();
            Set<Integer> acceptedCodes = codes(user.getKey(), true);
            Set<Integer> unknown = codes(user.getKey(), false);
            unknown.removeAll(acceptedCodes);
            accepted += acceptedCodes.size();
            unanswered += unknown.size();
            for (int code = 0; code < run.backupCodes(); code++) {
                if (acceptedCodes.contains(code) && left.contains(code)) {
                    problems.add(user.getKey() + ": accepted code #" + code + " still stored");
                } else if (!acceptedCodes.contains(code) && !unknown.contains(code) && !left.contains(code)) {
                    problems.add(user.getKey() + ": code #" + code + " gone though never accepted");
                } else if (unknown.contains(code) && !left.contains(code)) {
                    unansweredUsed++;
                }
            }
            Credential stored = set.get();
            if (stored.statedStored() != stored.hashesStored()
                    || stored.hashesStored() - stored.usedRecorded() != left.size()) {
                problems.add(user.getKey() + ": stated count " + stored.statedStored() + ", hashes "
                        + stored.hashesStored() + ", used " + stored.usedRecorded() + ", known codes left "
                        + left.size());
            }
        }
        return new Check(
                "Backup codes: none revived, none lost",
                problems.isEmpty(),
                true,
                format(
                        "%d backup codes accepted, %s; sent without a clear answer %d, of which used %d",
                        accepted,
                        problems.isEmpty()
                                ? "all gone from the database, every code never accepted still there"
                                : summary(problems),
                        unanswered,
                        unansweredUsed));
    }

    /** The backup codes of the user sent with a clear acceptance, or (not {@code accepted}) without a clear answer. */
    private Set<Integer> codes(String user, boolean accepted) {
        Set<Integer> codes = new HashSet<>();
        run.attempts().stream()
                .filter(a -> a.user().equals(user) && a.backupCode() >= 0)
                .filter(a -> accepted ? a.accepted() : a.verdict() == Verdict.ERROR)
                .forEach(a -> codes.add(a.backupCode()));
        return codes;
    }

    /** An observation: each user's events record as many backup codes used as the set has lost. */
    private Check backupCodeEventsAgree() {
        List<String> problems = new ArrayList<>();
        run.oursAfter()
                .forEach((user, credentials) -> backupCodeSet(credentials).ifPresent(set -> {
                    long used = run.events().stream()
                            .filter(e -> user.equals(e.user())
                                    && AuditEvents.Action.BACKUP_CODE_USED
                                            .value()
                                            .equals(e.detail(AuditEvents.ACTION)))
                            .count();
                    if (used != run.backupCodes() - set.backupCodesLeft().size()) {
                        problems.add(user + ": " + used + " events, "
                                + (run.backupCodes() - set.backupCodesLeft().size()) + " codes gone");
                    }
                }));
        return new Check(
                "Events record every backup code used",
                problems.isEmpty(),
                false,
                problems.isEmpty() ? "one backup_code_used event per code gone" : summary(problems));
    }

    private static Optional<Credential> backupCodeSet(List<Credential> credentials) {
        return credentials.stream()
                .filter(c -> c.type().equals(BackupCodesCredentialModel.TYPE))
                .findFirst();
    }

    /** The first few problems and how many there are. */
    static String summary(List<String> problems) {
        return problems.size() + " problems: " + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                + (problems.size() > 5 ? "; ..." : "");
    }
}
