package io.github.twofa.bench;

import static io.github.twofa.bench.SoakChecks.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.twofa.bench.SoakAttempt.Purpose;
import io.github.twofa.bench.SoakAttempt.Verdict;
import io.github.twofa.bench.SoakChecks.Check;
import io.github.twofa.bench.SoakFailovers.Failover;
import io.github.twofa.it.support.Http;

/**
 * The soak's results for people ({@code results.md}, also printed) and for tools ({@code results.json}): the checks,
 * then what the clients' steady logins went through, in steady state and during each failover.
 */
final class SoakReport {

    /**
     * The steady logins of one stretch of time: all of it, steady state, or one failover.
     *
     * @param errorRate failed logins in percent of all
     * @param errors    the most frequent errors, with their counts
     */
    record Stretch(
            String name,
            long from,
            long to,
            long logins,
            long failed,
            double errorRate,
            long serverErrors,
            String errors) {}

    private final SoakRun run;
    private final List<Check> checks;
    private final List<SoakAttempt> logins;

    SoakReport(SoakRun run, List<Check> checks) {
        this.run = run;
        this.checks = checks;
        this.logins = run.attempts(Purpose.LOGIN);
    }

    boolean passed() {
        return checks.stream().allMatch(check -> check.passed() || !check.required());
    }

    /** Writes results.md and results.json; returns the Markdown. */
    String write(Path dir) throws IOException {
        String markdown = markdown();
        Files.writeString(dir.resolve("results.md"), markdown);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("passed", passed());
        json.put("setup", run.options().describe());
        json.put("started", Instant.ofEpochMilli(run.started()).toString());
        json.put("ended", Instant.ofEpochMilli(run.ended()).toString());
        json.put("checks", checks);
        json.put("failovers", run.failovers());
        json.put("stretches", stretches());
        json.put("kinds", kinds());
        Http.JSON
                .writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("results.json").toFile(), json);
        return markdown;
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Soak: two nodes, logins, node kills\n\n");
        md.append(run.options().describe())
                .append(". Ran ")
                .append(Instant.ofEpochMilli(run.started()))
                .append(" to ")
                .append(Instant.ofEpochMilli(run.ended()))
                .append(".\n\n**")
                .append(passed() ? "All checks passed." : "A CHECK FAILED.")
                .append("**\n\n| check | result | detail |\n|---|---|---|\n");
        for (Check check : checks) {
            md.append(format(
                    "| %s | %s | %s |%n",
                    check.name(), check.passed() ? "pass" : check.required() ? "**FAIL**" : "note", check.detail()));
        }
        md.append("\n## Errors seen by clients\n\nSteady logins only (not the attacks). A failover lasts from the kill")
                .append(" until ")
                .append(run.options().failoverTailSeconds())
                .append(
                        " s after the restarted node is ready; a login under way at the kill counts for the failover. Failed:")
                .append(" anything but a finished login (error page, broken connection, refused or locked right code);")
                .append(" a client waits 1 s after a failed login. HTTP 5xx: failed logins that met one.\n\n")
                .append("| stretch | logins | failed | error rate | HTTP 5xx | errors |\n|---|---|---|---|---|---|\n");
        for (Stretch stretch : stretches()) {
            md.append(format(
                    "| %s | %d | %d | %.2f %% | %d | %s |%n",
                    stretch.name(),
                    stretch.logins(),
                    stretch.failed(),
                    stretch.errorRate(),
                    stretch.serverErrors(),
                    stretch.errors()));
        }
        md.append("\nA node being started answers HTTP 503 until it is ready (Keycloak's bootstrap filter); the")
                .append(
                        " soak's clients, like the compose file's nginx, pass over only a node that refuses connections.\n");
        md.append("\n## Logins by kind\n\n| kind | logins | accepted | failed | error rate |\n|---|---|---|---|---|\n");
        kinds().forEach((kind, stretch) -> md.append(format(
                "| %s | %d | %d | %d | %.2f %% |%n",
                kind, stretch.logins(), stretch.logins() - stretch.failed(), stretch.failed(), stretch.errorRate())));
        return md.toString();
    }

    /** The whole run, steady state, and each failover. */
    List<Stretch> stretches() {
        List<Stretch> stretches = new ArrayList<>();
        stretches.add(stretch("whole run", logins));
        stretches.add(stretch(
                "steady state (no node down)",
                logins.stream().filter(a -> failoverOf(a) == null).toList()));
        for (Failover failover : run.failovers()) {
            String name = format(
                    "node %s killed at %s, ready after %s",
                    failover.node(),
                    minutes(failover.killed() - run.started()),
                    failover.ready() == 0
                            ? "(never)"
                            : format("%.0f s", (failover.ready() - failover.killed()) / 1000.0));
            stretches.add(stretch(
                    name, logins.stream().filter(a -> failoverOf(a) == failover).toList()));
        }
        return stretches;
    }

    private Map<String, Stretch> kinds() {
        Map<String, Stretch> kinds = new LinkedHashMap<>();
        for (LoginKind kind : List.of(LoginKind.TWOFA_TOTP, LoginKind.TWOFA_BACKUP_CODE, LoginKind.BUILTIN_OTP)) {
            kinds.put(
                    kind.label(),
                    stretch(
                            kind.label(),
                            logins.stream().filter(a -> a.kind() == kind).toList()));
        }
        return kinds;
    }

    /** The failover the login overlapped (one under way at the kill counts too), or null. */
    private Failover failoverOf(SoakAttempt login) {
        for (Failover failover : run.failovers()) {
            long end = (failover.ready() == 0 ? run.ended() : failover.ready())
                    + run.options().failoverTailSeconds() * 1000L;
            if (login.ended() >= failover.killed() && login.started() < end) {
                return failover;
            }
        }
        return null;
    }

    private static Stretch stretch(String name, List<SoakAttempt> logins) {
        List<SoakAttempt> failed =
                logins.stream().filter(a -> a.verdict() != Verdict.ACCEPTED).toList();
        long serverErrors = failed.stream()
                .filter(a ->
                        a.status() >= 500 || a.message() != null && a.message().matches(".*HTTP 5\\d\\d.*"))
                .count();
        Map<String, Long> messages = new LinkedHashMap<>();
        failed.forEach(a -> messages.merge(
                a.verdict().name().toLowerCase(Locale.ROOT) + (a.message() == null ? "" : ": " + a.message()),
                1L,
                Long::sum));
        List<String> top = messages.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3)
                .map(e -> e.getValue() + "x " + e.getKey().replace('|', '/'))
                .toList();
        long from = logins.stream().mapToLong(SoakAttempt::started).min().orElse(0);
        long to = logins.stream().mapToLong(SoakAttempt::ended).max().orElse(0);
        return new Stretch(
                name,
                from,
                to,
                logins.size(),
                failed.size(),
                logins.isEmpty() ? 0 : 100.0 * failed.size() / logins.size(),
                serverErrors,
                String.join("; ", top));
    }

    private static String minutes(long millis) {
        return format("%d:%02d", millis / 60_000, millis / 1000 % 60);
    }
}
