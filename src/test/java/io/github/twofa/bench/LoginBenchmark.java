package io.github.twofa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.DistributionServer;

/**
 * The side-by-side login benchmark: one real Keycloak with our jar, users enrolled in Keycloak's built-in OTP and
 * users enrolled in ours, full browser logins (authorization code + PKCE over HTTP) by concurrent clients, in
 * rounds that take turns between built-in OTP, our app code and our backup code. Prints the median and p95 of each
 * step, logins per second and how ours compare with the built-in OTP, and writes them with a chart to
 * {@code target/login-benchmark/}. Run it with {@code bench/login-benchmark.sh}; it is not part of the tests.
 */
public final class LoginBenchmark {

    private static final List<LoginKind> TURNS =
            List.of(LoginKind.BUILTIN_OTP, LoginKind.TWOFA_TOTP, LoginKind.TWOFA_BACKUP_CODE);

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
        String encryptionKeys = "bench:" + Base64.getEncoder().encodeToString(randomBytes(32));
        Map<LoginKind, KindResults> results = new EnumMap<>(LoginKind.class);
        TURNS.forEach(kind -> results.put(kind, new KindResults(kind)));
        List<RoundRunner.Round> rounds;
        double serverIdleCpu;
        Path home = DistributionServer.copyOfDistribution("keycloak-login-bench");
        // Our packages log at INFO like the rest: the tests' DEBUG would slow ours alone.
        try (DistributionServer server =
                DistributionServer.start(home, encryptionKeys, true, "INFO", serverJavaOptions(recording))) {
            say("Keycloak is up at " + server.baseUrl() + " (log: " + server.log() + ")");
            Map<LoginKind, UserPool> pools = createUsers(new AdminApi(server), encryptionKeys);
            try (RoundRunner runner =
                    new RoundRunner(server.baseUrl(), options.clients(), pools, ProcessCpu.keycloak(home))) {
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
            }
        }
        List<KindResults.Summary> summaries = TURNS.stream()
                .map(kind -> results.get(kind).summary(serverIdleCpu))
                .toList();
        ServerProfile profile = options.profile() ? ServerProfile.read(recording, rounds, summaries) : null;
        new ResultsReport(options, summaries, profile, serverIdleCpu).write();
        say("Finished; results in " + options.outputDir());
    }

    /** The measured rounds, taking turns between the kinds. */
    private List<RoundRunner.Round> measure(RoundRunner runner, Map<LoginKind, KindResults> results)
            throws InterruptedException {
        List<RoundRunner.Round> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (LoginKind kind : TURNS) {
                rounds.add(runner.run(kind, Duration.ofSeconds(options.roundSeconds()), results.get(kind)));
            }
            say("Round " + round + " of " + options.rounds() + " done");
        }
        return rounds;
    }

    private Map<LoginKind, UserPool> createUsers(AdminApi admin, String encryptionKeys) throws Exception {
        String twofaRealmId = BenchRealms.create(admin);
        UserImport userImport = new UserImport(admin);
        List<BenchUser> builtin = userImport.builtinOtpUsers(options.users());
        List<BenchUser> ours = userImport.twofaUsers(
                options.users(),
                twofaRealmId,
                new SecondFactorCredentials(encryptionKeys, options.backupCodeIterations()));
        say("Imported " + options.users() + " users into each realm");
        return Map.of(
                LoginKind.BUILTIN_OTP, UserPool.forAppCodes(builtin),
                LoginKind.TWOFA_TOTP, UserPool.forAppCodes(ours),
                LoginKind.TWOFA_BACKUP_CODE, UserPool.forBackupCodes(ours));
    }

    /** JFR when profiling; Keycloak reads kc.* system properties as server options. */
    private String serverJavaOptions(Path recording) {
        List<String> javaOptions = new ArrayList<>();
        if (options.profile()) {
            javaOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        if (options.cacheTemplates()) {
            javaOptions.add("-Dkc.spi-theme--cache-themes=true");
            javaOptions.add("-Dkc.spi-theme--cache-templates=true");
        }
        return String.join(" ", javaOptions);
    }

    private void say(String message) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
