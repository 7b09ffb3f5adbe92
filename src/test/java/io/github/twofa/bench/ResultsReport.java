package io.github.twofa.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.Http;

/**
 * Prints the results as a table and writes them to the output folder: results.md (the same table in Markdown,
 * ready to paste into docs/benchmarks.md), results.json, chart.svg, and a copy of the JSON under history/ for the
 * comparison of runs with different numbers of users.
 */
final class ResultsReport {

    private final BenchOptions options;
    private final List<KindResults.Summary> summaries;
    private final ServerProfile profile;
    private final Map<LoginKind, LoginCosts> costs;
    private final Map<String, String> environment = new LinkedHashMap<>();

    /**
     * @param serverIdleCpu the server's CPU use with no logins, in ms per second, left out of the cost per login
     * @param costs         store operations and statements per login, by kind
     */
    ResultsReport(
            BenchOptions options,
            List<KindResults.Summary> summaries,
            ServerProfile profile,
            double serverIdleCpu,
            Map<LoginKind, LoginCosts> costs) {
        this.options = options;
        this.summaries = summaries;
        this.profile = profile;
        this.costs = costs;
        environment.put(
                "date", OffsetDateTime.now().truncatedTo(ChronoUnit.MINUTES).toString());
        environment.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        environment.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put(
                "keycloak",
                System.getProperty("kc.test.version", "26.7.3") + " ("
                        + options.mode().description() + ")");
        environment.put("serverIdleCpuMsPerSecond", Targets.number(serverIdleCpu));
    }

    void write() throws IOException {
        Map<LoginKind, KindResults.Summary> byKind = new EnumMap<>(LoginKind.class);
        summaries.forEach(summary -> byKind.put(summary.kind(), summary));
        List<List<String>> table = table();
        List<Targets.Verdict> verdicts = Targets.judge(byKind, options.clients(), options.mode());
        List<List<String>> targetTable =
                new ArrayList<>(List.of(List.of("Target", "Measured (ours / built-in)", "Result")));
        verdicts.forEach(v -> targetTable.add(List.of(v.target(), v.measured(), v.result())));
        Flatness flatness = Flatness.record(options, json(verdicts));

        System.out.println();
        System.out.println(text(table));
        System.out.println(text(targetTable));
        problems().forEach(System.out::println);
        if (profile != null) {
            System.out.println(profile.text());
        }
        flatness.table().ifPresent(flat -> System.out.println(text(flat)));

        Files.writeString(
                options.outputDir().resolve("results.md"),
                markdown(table, targetTable, flatness),
                StandardCharsets.UTF_8);
        Files.writeString(
                options.outputDir().resolve("results.json"), json(verdicts).toPrettyString(), StandardCharsets.UTF_8);
        Files.writeString(
                options.outputDir().resolve("chart.svg"), BarChart.svg(summaries, title()), StandardCharsets.UTF_8);
    }

    private String title() {
        return "Login steps, median and p95 (ms), " + options.mode().name().toLowerCase(Locale.ROOT) + " mode: "
                + options.users() + " users per kind, " + options.clients()
                + " clients";
    }

    private List<List<String>> table() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("", summary -> summary.kind().label()));
        rows.add(row("logins", summary -> String.valueOf(summary.logins())));
        rows.add(row("failed logins", summary -> String.valueOf(summary.errors())));
        rows.add(row(
                "waits for a fresh code",
                summary -> summary.waits() == 0
                        ? "0"
                        : summary.waits() + " (" + Targets.number(summary.waitedSeconds()) + " s)"));
        rows.add(row("logins/s (slowest–fastest round)", ResultsReport::loginRates));
        rows.add(row("server CPU per login, above idle (ms)", summary -> Targets.number(summary.serverCpuPerLogin())));
        rows.add(row("benchmark clients' CPU per login (ms)", summary -> Targets.number(summary.clientCpuPerLogin())));
        // None in dev mode, whose database is in the server's JVM.
        boolean databaseApart = options.mode() != BenchServers.Mode.DEV;
        rows.add(row(
                "database CPU per login, background included (ms)",
                summary -> databaseApart ? Targets.number(summary.databaseCpuPerLogin()) : "–"));
        rows.add(row(
                "whole machine's CPU per login, background included (ms)",
                summary -> Targets.number(summary.machineCpuPerLogin())));
        for (Step step : Step.values()) {
            rows.add(row(step.label() + ": median / p95 (ms)", summary -> {
                KindResults.Stats stats = summary.steps().get(step);
                return stats == null ? "–" : Targets.number(stats.median()) + " / " + Targets.number(stats.p95());
            }));
        }
        rows.add(row(
                "single-use store per login: reads / writes",
                summary -> cost(summary, LoginCosts::storeReads) + " / " + cost(summary, LoginCosts::storeWrites)));
        rows.add(row(
                "database statements per login: all / writes",
                summary -> cost(summary, LoginCosts::statements) + " / " + cost(summary, LoginCosts::statementWrites)));
        rows.add(row("database transactions per login", summary -> cost(summary, LoginCosts::transactions)));
        return rows;
    }

    private String cost(KindResults.Summary summary, java.util.function.ToDoubleFunction<LoginCosts> count) {
        LoginCosts perLogin = costs.get(summary.kind());
        if (perLogin == null) {
            return "–";
        }
        double value = count.applyAsDouble(perLogin);
        return Double.isNaN(value) ? "n/a (H2)" : Targets.number(value);
    }

    private static String loginRates(KindResults.Summary summary) {
        DoubleSummaryStatistics rounds =
                summary.roundRates().stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return Targets.number(summary.loginsPerSecond()) + " (" + Targets.number(rounds.getMin()) + "–"
                + Targets.number(rounds.getMax()) + ")";
    }

    private List<String> row(String name, Function<KindResults.Summary, String> cell) {
        List<String> row = new ArrayList<>(List.of(name));
        summaries.forEach(summary -> row.add(cell.apply(summary)));
        return row;
    }

    /** Failed logins and users who ran out, which the figures must be read with. */
    private List<String> problems() {
        List<String> lines = new ArrayList<>();
        for (KindResults.Summary summary : summaries) {
            summary.errorMessages()
                    .forEach((message, count) ->
                            lines.add("- " + summary.kind().label() + ": " + count + " × " + message));
            if (summary.ranOut()) {
                lines.add("- " + summary.kind().label() + ": every spare backup code was used; rounds ended early");
            }
        }
        return lines;
    }

    private String markdown(List<List<String>> table, List<List<String>> targetTable, Flatness flatness) {
        StringBuilder md = new StringBuilder();
        md.append("Run of ")
                .append(environment.get("date"))
                .append(": ")
                .append(options.describe())
                .append(".\n");
        md.append("Machine: ")
                .append(environment.get("cores"))
                .append(" cores, ")
                .append(environment.get("jdk"))
                .append(", ")
                .append(environment.get("os"))
                .append("; Keycloak ")
                .append(environment.get("keycloak"))
                .append(". Server CPU per login: above the idle server's ")
                .append(environment.get("serverIdleCpuMsPerSecond"))
                .append(" ms per second (measured after the rounds). Store operations and statements: ")
                .append("counted over logins one after the other, less what the idle servers do in that time.\n\n");
        md.append(markdown(table)).append('\n').append(markdown(targetTable));
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            md.append('\n').append(String.join("\n", problems)).append('\n');
        }
        if (profile != null) {
            md.append('\n').append(profile.markdown());
        }
        flatness.table()
                .ifPresent(flat -> md.append("\nThe same number of clients with other numbers of users (runs kept in "
                                + "target/login-benchmark/history/):\n\n")
                        .append(markdown(flat)));
        return md.toString();
    }

    private ObjectNode json(List<Targets.Verdict> verdicts) {
        ObjectNode root = Http.JSON.createObjectNode();
        root.set("environment", Http.JSON.valueToTree(environment));
        root.set(
                "options",
                Http.JSON
                        .createObjectNode()
                        .put("mode", options.mode().name().toLowerCase(Locale.ROOT))
                        .put("users", options.users())
                        .put("clients", options.clients())
                        .put("rounds", options.rounds())
                        .put("roundSeconds", options.roundSeconds())
                        .put("warmupSeconds", options.warmupSeconds())
                        .put("cacheTemplates", options.cacheTemplates())
                        .put("backupCodeIterations", options.backupCodeIterations()));
        var kinds = root.putArray("kinds");
        for (KindResults.Summary summary : summaries) {
            ObjectNode kind = kinds.addObject()
                    .put("kind", summary.kind().id())
                    .put("label", summary.kind().label())
                    .put("logins", summary.logins())
                    .put("failedLogins", summary.errors())
                    .put("waits", summary.waits())
                    .put("waitedSeconds", summary.waitedSeconds())
                    .put("seconds", summary.seconds())
                    .put("loginsPerSecond", summary.loginsPerSecond())
                    .putPOJO("loginsPerSecondByRound", summary.roundRates())
                    .put("serverCpuMsPerLogin", summary.serverCpuPerLogin())
                    .put("clientCpuMsPerLogin", summary.clientCpuPerLogin())
                    .put("databaseCpuMsPerLogin", summary.databaseCpuPerLogin())
                    .put("machineCpuMsPerLogin", summary.machineCpuPerLogin());
            LoginCosts perLogin = costs.get(summary.kind());
            if (perLogin != null) {
                kind.putPOJO("perLogin", perLogin);
            }
            ObjectNode steps = kind.putObject("steps");
            summary.steps()
                    .forEach((step, stats) -> steps.putObject(step.name().toLowerCase(Locale.ROOT))
                            .put("count", stats.count())
                            .put("medianMs", stats.median())
                            .put("p95Ms", stats.p95()));
        }
        root.set("targets", Http.JSON.valueToTree(verdicts));
        return root;
    }

    static String markdown(List<List<String>> rows) {
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            md.append("| ").append(String.join(" | ", rows.get(i))).append(" |\n");
            if (i == 0) {
                md.append("|---").append("|---:".repeat(rows.get(0).size() - 1)).append("|\n");
            }
        }
        return md.toString();
    }

    /** Aligned columns: the first left, the others right. */
    static String text(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        return rows.stream()
                .map(row -> {
                    StringBuilder line = new StringBuilder(pad(row.get(0), widths[0], false));
                    for (int i = 1; i < row.size(); i++) {
                        line.append("   ").append(pad(row.get(i), widths[i], true));
                    }
                    return line.toString();
                })
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
