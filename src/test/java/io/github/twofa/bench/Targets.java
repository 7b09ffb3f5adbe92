package io.github.twofa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The targets of issue 7 that one run can judge, with what was measured against each. */
final class Targets {

    /** The number of clients the throughput target is set for. */
    static final int THROUGHPUT_CLIENTS = 50;

    /** One target: what it asks, the measured ratio, and PASS, MISS or n/a (with why). */
    record Verdict(String target, String measured, String result) {}

    private Targets() {}

    static List<Verdict> judge(Map<LoginKind, KindResults.Summary> byKind, int clients) {
        KindResults.Summary builtin = byKind.get(LoginKind.BUILTIN_OTP);
        KindResults.Summary appCode = byKind.get(LoginKind.TWOFA_TOTP);
        KindResults.Summary backupCode = byKind.get(LoginKind.TWOFA_BACKUP_CODE);
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(stepRatio("Our app-code step, median, ≤ 1.0 × the built-in OTP step", appCode, builtin, 1.0));
        verdicts.add(stepRatio("Our backup-code step, median, ≤ 2 × the built-in OTP step", backupCode, builtin, 2.0));
        String throughput =
                "Logins/s with our 2FA (app code) ≥ built-in OTP's at " + THROUGHPUT_CLIENTS + " concurrent clients";
        if (builtin.loginsPerSecond() == 0 || appCode.loginsPerSecond() == 0) {
            verdicts.add(new Verdict(throughput, "no logins", "n/a"));
        } else {
            double ratio = appCode.loginsPerSecond() / builtin.loginsPerSecond();
            String measured = ratio(ratio) + " (" + number(appCode.loginsPerSecond()) + " vs "
                    + number(builtin.loginsPerSecond()) + ")";
            verdicts.add(
                    clients == THROUGHPUT_CLIENTS
                            ? new Verdict(throughput, measured, verdict(ratio >= 1.0, byKind))
                            : new Verdict(
                                    throughput,
                                    measured + " at " + clients + " clients",
                                    "n/a (needs " + THROUGHPUT_CLIENTS + " clients)"));
        }
        return verdicts;
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
                ratio(ratio) + " (" + number(oursStep.median()) + " ms vs " + number(builtinStep.median()) + " ms)",
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

    static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
