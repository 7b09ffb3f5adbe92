package io.github.twofa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.twofa.it.support.AdminApi;

/**
 * The side-by-side login benchmark: one real Keycloak with our jar, users enrolled in Keycloak's built-in OTP and
 * users enrolled in ours, full browser logins (authorization code + PKCE over HTTP) by concurrent clients, in
 * rounds that take turns between built-in OTP, our app code and our backup code. Prints the median and p95 of each
 * step, logins per second and how ours compare with the built-in OTP, and writes them with a chart to
 * {@code target/login-benchmark/}. Run it with {@code bench/login-benchmark.sh}; it is not part of the tests.
 */
public final class LoginBenchmark {

    private static final List<LoginKind> TURNS = List.of(
            LoginKind.BUILTIN_OTP, LoginKind.TWOFA_TOTP, LoginKind.TWOFA_BACKUP_CODE, LoginKind.BUILTIN_OTP_AGAIN);
    /** Logins of each kind, one after the other, whose store operations and statements are counted. */
    private static final int COUNTED_LOGINS = 30;

    private static final Duration IDLE_COUNTING = Duration.ofSeconds(6);

    private final BenchOptions options;
    private final long started = System.nanoTime();

    private LoginBenchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new LoginBenchmark(BenchOptions.fromSystemProperties()).run();
    }

    private void run() throws Exception {
        Files.createDirectories(options.outputDir());
        Path recording = options.outputDir().resolve("server.jfr");
        Files.deleteIfExists(recording);
        say("Login benchmark: " + options.describe());
        String encryptionKeys = SecondFactorCredentials.randomEncryptionKeys();
        Map<LoginKind, KindResults> results = new EnumMap<>(LoginKind.class);
        TURNS.forEach(kind -> results.put(kind, new KindResults(kind)));
        List<RoundRunner.Round> rounds;
        double serverIdleCpu;
        Map<LoginKind, LoginCosts> costs;
        try (BenchServers servers =
                BenchServers.start(options.mode(), encryptionKeys, serverJavaOptions(recording), devOptions())) {
            say("Keycloak is up at " + String.join(" and ", servers.baseUrls()) + " (log: " + servers.logs() + ")");
            Map<LoginKind, UserPool> pools = createUsers(servers.admin(), encryptionKeys);
            try (RoundRunner runner = new RoundRunner(servers.baseUrls(), options.clients(), pools, servers.cpu())) {
                for (LoginKind kind : TURNS) {
                    runner.logInOnce(kind);
                }
                say("One login of each kind works; warming up, then measuring");
                for (LoginKind kind : TURNS) {
                    runner.run(kind, Duration.ofSeconds(options.warmupSeconds()), new KindResults(kind));
                }
                rounds = measure(runner, results);
                serverIdleCpu = runner.measureIdleServer();
                say(String.format(Locale.ROOT, "Idle server: %.1f ms CPU per second", serverIdleCpu));
                costs = countCosts(runner, servers);
            }
        }
        List<KindResults.Summary> summaries = TURNS.stream()
                .map(kind -> results.get(kind).summary(serverIdleCpu))
                .toList();
        ServerProfile profile = options.profile() ? ServerProfile.read(recording, rounds, summaries) : null;
        new ResultsReport(options, summaries, profile, serverIdleCpu, costs).write();
        say("Finished; results in " + options.outputDir());
    }

    /**
     * The measured rounds, taking turns between the kinds in the order of {@link #turnsOf}: a kind measured at the
     * same place of every round would carry that place's advantage or handicap (the A/A rows showed the fourth kind of
     * a fixed order 14-17 % faster than the first).
     */
    private List<RoundRunner.Round> measure(RoundRunner runner, Map<LoginKind, KindResults> results)
            throws InterruptedException {
        List<RoundRunner.Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            List<LoginKind> turns = turnsOf(round);
            for (LoginKind kind : turns) {
                rounds.add(runner.run(kind, Duration.ofSeconds(options.roundSeconds()), results.get(kind)));
            }
            say("Round " + round + " of " + options.rounds() + " done (" + turns + ")");
        }
        return rounds;
    }

    /**
     * Round {@code round}'s order of the kinds, from a balanced Latin square (Williams): over every four rounds each
     * kind is measured once at each place and follows each other kind once.
     */
    static List<LoginKind> turnsOf(int round) {
        int kinds = TURNS.size();
        int[] firstRow = {0, 1, kinds - 1, 2};
        List<LoginKind> turns = new ArrayList<>();
        for (int place = 0; place < kinds; place++) {
            turns.add(TURNS.get((firstRow[place] + round - 1) % kinds));
        }
        return turns;
    }

    /**
     * What one login of each kind costs the servers in single-use store operations and database statements: logins
     * one after the other by one client, counted from Keycloak's cache metrics and PostgreSQL's pg_stat_statements,
     * less what the idle servers do in the same time (cluster discovery, timers).
     */
    private Map<LoginKind, LoginCosts> countCosts(RoundRunner runner, BenchServers servers) throws Exception {
        BenchServers.Counts idleStart = servers.counts();
        long idleStarted = System.nanoTime();
        Thread.sleep(IDLE_COUNTING.toMillis());
        BenchServers.Counts idle = servers.counts().minus(idleStart);
        double idleNanos = System.nanoTime() - idleStarted;
        Map<LoginKind, LoginCosts> costs = new EnumMap<>(LoginKind.class);
        for (LoginKind kind : TURNS) {
            Map<String, Long> statementsBefore = servers.statementCalls();
            BenchServers.Counts before = servers.counts();
            long started = System.nanoTime();
            for (int i = 0; i < COUNTED_LOGINS; i++) {
                runner.logInOnce(kind);
            }
            BenchServers.Counts during = servers.counts().minus(before);
            costs.put(kind, LoginCosts.of(during, idle, (System.nanoTime() - started) / idleNanos, COUNTED_LOGINS));
            writeStatements(kind, statementsBefore, servers.statementCalls());
        }
        say("Counted the store operations and statements of " + COUNTED_LOGINS + " logins of each kind");
        return costs;
    }

    /**
     * statements-KIND.txt: the statements the counted logins of one kind ran, most frequent first, with how many per
     * login; what tells two kinds apart when their counts differ.
     */
    private void writeStatements(LoginKind kind, Map<String, Long> before, Map<String, Long> after)
            throws java.io.IOException {
        if (after.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("Statements per login of " + kind.label() + " (" + COUNTED_LOGINS
                + " logins one after the other; includes what the idle servers ran meanwhile)\n\n");
        after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> text.append(
                                String.format(Locale.ROOT, "%6.2f  ", (double) entry.getValue() / COUNTED_LOGINS))
                        .append(
                                entry.getKey().length() > 300
                                        ? entry.getKey().substring(0, 300) + " …"
                                        : entry.getKey())
                        .append('\n'));
        Files.writeString(options.outputDir().resolve("statements-" + kind.id() + ".txt"), text.toString());
    }

    /** Server options of the dev-mode server only: production nodes cache templates anyway. */
    private List<String> devOptions() {
        return options.cacheTemplates()
                ? List.of("--spi-theme--cache-themes=true", "--spi-theme--cache-templates=true")
                : List.of();
    }

    private Map<LoginKind, UserPool> createUsers(AdminApi admin, String encryptionKeys) throws Exception {
        String twofaRealmId = BenchRealms.create(admin);
        UserImport userImport = new UserImport(admin);
        List<BenchUser> builtin = userImport.builtinOtpUsers(options.users(), "otp-user");
        List<BenchUser> builtinAgain = userImport.builtinOtpUsers(options.users(), "otp-again-user");
        SecondFactorCredentials credentials =
                new SecondFactorCredentials(encryptionKeys, options.backupCodeIterations());
        // App codes and backup codes each have users of their own, so that neither kind's rounds pay for what the
        // other's leave behind (until 5 December a backup-code login rewrote the user's set, which made Keycloak load
        // that user afresh at their next login).
        List<BenchUser> ours = userImport.twofaUsers(options.users(), twofaRealmId, credentials, "twofa-user");
        List<BenchUser> oursForBackupCodes =
                userImport.twofaUsers(options.users(), twofaRealmId, credentials, "twofa-backup-user");
        say("Imported " + options.users() + " users per kind");
        // The A/A rounds have users of their own too, so that each kind starts from the same state of the caches.
        return Map.of(
                LoginKind.BUILTIN_OTP,
                UserPool.forAppCodes(builtin),
                LoginKind.BUILTIN_OTP_AGAIN,
                UserPool.forAppCodes(builtinAgain),
                LoginKind.TWOFA_TOTP,
                UserPool.forAppCodes(ours),
                LoginKind.TWOFA_BACKUP_CODE,
                UserPool.forBackupCodes(oursForBackupCodes));
    }

    /** JFR when profiling. */
    private String serverJavaOptions(Path recording) {
        return options.profile()
                ? "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording
                : "";
    }

    private void say(String message) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    }
}
