package io.github.twofa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets one run can judge, with what was measured against each: issue 7's in dev mode, issue 18's stricter ones
 * in production mode and on the cluster (where they are set). Beside them, the A/A rows: the built-in OTP measured
 * against itself in the same run, which says how much of a ratio is noise.
 */
final class Targets {

    /** The number of clients the throughput target is set for. */
    static final int THROUGHPUT_CLIENTS = 50;

    /** One target: what it asks, the measured ratio, and PASS, MISS or n/a (with why). */
    record Verdict(String target, String measured, String result) {}

    private Targets() {}

    /** What the A/A rows say instead of PASS or MISS. */
    static final String NOISE = "A/A (noise)";

    static List<Verdict> judge(Map<LoginKind, KindResults.Summary> byKind, int clients, BenchServers.Mode mode) {
        KindResults.Summary builtin = byKind.get(LoginKind.BUILTIN_OTP);
        KindResults.Summary builtinAgain = byKind.get(LoginKind.BUILTIN_OTP_AGAIN);
        KindResults.Summary appCode = byKind.get(LoginKind.TWOFA_TOTP);
        KindResults.Summary backupCode = byKind.get(LoginKind.TWOFA_BACKUP_CODE);
        boolean production = mode != BenchServers.Mode.DEV;
        double appCodeLimit = production ? 0.95 : 1.0;
        double backupCodeLimit = production ? 1.5 : 2.0;
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(stepRatio(
                "Our app-code step, median, ≤ " + limit(appCodeLimit) + " × the built-in OTP step",
                appCode,
                builtin,
                appCodeLimit));
        verdicts.add(stepRatio(
                "Our backup-code step, median, ≤ " + limit(backupCodeLimit) + " × the built-in OTP step",
                backupCode,
                builtin,
                backupCodeLimit));
        String throughput =
                "Logins/s with our 2FA (app code) ≥ built-in OTP's at " + THROUGHPUT_CLIENTS + " concurrent clients";
        if (builtin.loginsPerSecond() == 0 || appCode.loginsPerSecond() == 0) {
            verdicts.add(new Verdict(throughput, "no logins", "n/a"));
        } else {
            double ratio = appCode.loginsPerSecond() / builtin.loginsPerSecond();
            String measured = ratio(ratio, 1.0) + " (" + number(appCode.loginsPerSecond()) + " vs "
                    + number(builtin.loginsPerSecond()) + ")";
            verdicts.add(
                    clients == THROUGHPUT_CLIENTS
                            ? new Verdict(throughput, measured, verdict(ratio >= 1.0, byKind))
                            : new Verdict(
                                    throughput,
                                    measured + " at " + clients + " clients",
                                    "n/a (needs " + THROUGHPUT_CLIENTS + " clients)"));
        }
        if (builtinAgain != null) {
            Verdict again = stepRatio(
                    "A/A: the built-in OTP step, median, against itself (rounds of its own)",
                    builtinAgain,
                    builtin,
                    Double.MAX_VALUE);
            verdicts.add(new Verdict(again.target(), again.measured(), NOISE));
            if (builtin.loginsPerSecond() > 0) {
                verdicts.add(new Verdict(
                        "A/A: logins/s of the built-in OTP against itself",
                        ratio(builtinAgain.loginsPerSecond() / builtin.loginsPerSecond()) + " ("
                                + number(builtinAgain.loginsPerSecond()) + " vs " + number(builtin.loginsPerSecond())
                                + ")",
                        NOISE));
            }
        }
        return verdicts;
    }

    private static String limit(double limit) {
        return limit == Math.rint(limit) ? String.format(Locale.ROOT, "%.0f", limit) : String.valueOf(limit);
    }

    private static Verdict stepRatio(
            String target, KindResults.Summary ours, KindResults.Summary builtin, double limit) {
        KindResults.Stats oursStep = ours.steps().get(Step.SECOND_FACTOR);
        KindResults.Stats builtinStep = builtin.steps().get(Step.SECOND_FACTOR);
        if (oursStep == null || builtinStep == null) {
            return new Verdict(target, "no logins", "n/a");
        }
        double ratio = oursStep.median() / builtinStep.median();
        return new Verdict(
                target,
                ratio(ratio, limit) + " (" + number(oursStep.median()) + " ms vs " + number(builtinStep.median())
                        + " ms)",
                verdict(ratio <= limit, Map.of(ours.kind(), ours, builtin.kind(), builtin)));
    }

    /** PASS or MISS; a run with failed logins judges nothing. */
    private static String verdict(boolean met, Map<LoginKind, KindResults.Summary> measured) {
        boolean clean = measured.values().stream().allMatch(summary -> summary.errors() == 0);
        return !clean ? "n/a (failed logins)" : met ? "PASS" : "MISS";
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f ×", ratio);
    }

    /**
     * {@link #ratio(double)}, with as many more decimals as it takes for a ratio that is not its target's limit not
     * to read as the limit: a logins/s ratio of 0.9994 is a MISS of "≥ 1.0" and must not read "1.00 ×" beside it.
     */
    static String ratio(double ratio, double limit) {
        for (int decimals = 2; decimals < 6; decimals++) {
            String shown = String.format(Locale.ROOT, "%." + decimals + "f ×", ratio);
            if (ratio == limit || !shown.equals(String.format(Locale.ROOT, "%." + decimals + "f ×", limit))) {
                return shown;
            }
        }
        return String.format(Locale.ROOT, "%.6f ×", ratio);
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
